// The broker's config: defaults, TOML file, environment overrides, and errors that name the key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir, testScope } from '@robustmq/testing';
import { loadMqttBrokerConfig } from '../src/config.js';

const dir = tempDir('mqtt-config', testScope());

it('has documented defaults', () => {
  const config = loadMqttBrokerConfig({ env: {} });
  expect(config).toEqual({
    node: { id: 1, cluster_name: 'robustmq', data_dir: './data/mqtt-broker' },
    network: {
      host: '0.0.0.0',
      advertise_host: '127.0.0.1',
      tcp_port: 1883,
      tls_port: 8883,
      ws_port: 8083,
      wss_port: 8084,
      ws_enabled: true,
      http_port: 9982,
      max_sockets: 0,
      grpc_port: 9981,
    },
    tls: { cert_file: '', key_file: '', ca_file: '', verify_client: false },
    cluster: {
      auth_token: '',
      auth_token_file: '',
      tls_cert_file: '',
      tls_key_file: '',
      tls_ca_file: '',
      tls_require_client_cert: false,
      tls_reload_interval_ms: 5000,
    },
    http: {
      admin_token: '',
      admin_tokens: [],
      admin_read_tokens: [],
      max_connections: 0,
      idle_timeout_ms: 10_000,
      request_timeout_ms: 30_000,
    },
    limits: {
      connect_rate: 0,
      connect_burst: 0,
      flapping_max_connects: 0,
      flapping_window_s: 60,
      flapping_ban_s: 300,
      publish_rate: 0,
      publish_burst: 0,
      publish_bytes_rate: 0,
      publish_bytes_burst: 0,
    },
    mqtt: {
      max_packet_size: 1_048_576,
      max_connections: 0,
      keep_alive_max: 3600,
      default_keep_alive: 0,
      connect_timeout_ms: 10_000,
      max_client_id_length: 65535,
      max_write_buffer_bytes: 16_777_216,
      max_inflight: 1000,
      session_expiry_max: 0,
      topic_alias_max: 65535,
      receive_maximum: 65535,
      max_awaiting_rel: 1000,
      position_commit_interval_ms: 10,
      qos0_log: 'needed',
      max_queued_messages: 100_000,
      max_topic_levels: 128,
      max_topic_length: 65535,
      delayed_publish_max_s: 604_800,
      sys_interval_s: 10,
    },
    storage: {
      message_retention_s: 604_800,
      log_appends_in_flight: 4,
      journal_replicas: 0,
      journal_acks: 'quorum',
      journal_namespace: '',
    },
    auth: {
      allow_anonymous: true,
      acl_default: 'allow',
      storage: 'placement',
      refresh_interval_ms: 5000,
      chain: ['storage'],
      jwt_secret: '',
      jwt_public_key_file: '',
      jwt_jwks_file: '',
      jwt_from: 'password',
      jwt_username_claim: 'username',
      jwt_superuser_claim: 'superuser',
      jwt_acl_claim: 'acl',
      jwt_issuer: '',
      jwt_audience: '',
      http_url: '',
      http_timeout_ms: 5000,
      http_cache_ttl_ms: 60000,
      http_cache_max_entries: 10000,
      mysql_url: '',
      mysql_host: '127.0.0.1',
      mysql_port: 3306,
      mysql_user: 'root',
      mysql_password: '',
      mysql_database: 'robustmq',
      mysql_pool_size: 4,
      mysql_user_table: 'mqtt_user',
      mysql_acl_table: 'mqtt_acl',
      mysql_blacklist_table: 'mqtt_blacklist',
    },
    placement: { enabled: true, addresses: ['127.0.0.1:1228'], heartbeat_interval_ms: 1000 },
    log: { level: 'info' },
  });
});

it('reads a TOML file and lets the environment override it', () => {
  const file = join(dir, 'broker.toml');
  writeFileSync(
    file,
    '[network]\ntcp_port = 11883\n[placement]\nenabled = false\naddresses = ["10.0.0.1:1228", "10.0.0.2:1228"]\n',
  );
  const config = loadMqttBrokerConfig({ file, env: { ROBUSTMQ_MQTT_MAX_PACKET_SIZE: '2048' } });
  expect(config.network.tcp_port).toBe(11883);
  expect(config.placement).toMatchObject({ enabled: false, addresses: ['10.0.0.1:1228', '10.0.0.2:1228'] });
  expect(config.mqtt.max_packet_size).toBe(2048);
});

it('names the offending key', () => {
  expect(() => loadMqttBrokerConfig({ env: { ROBUSTMQ_NETWORK_TCP_PORT: '70000' } })).toThrow(
    /network\.tcp_port.*ROBUSTMQ_NETWORK_TCP_PORT/,
  );
  expect(() => loadMqttBrokerConfig({ env: {}, overrides: { mqtt: { keep_alive: 5 } } })).toThrow(
    /unknown key.*keep_alive/,
  );
});

it('refuses an unknown storage type, naming the valid ones', () => {
  expect(() => loadMqttBrokerConfig({ env: {}, overrides: { storage: { type: 'tape' } } })).toThrow(
    /storage\.type.*"memory", "rocksdb", "journal", "mysql"/,
  );
  for (const type of ['memory', 'rocksdb', 'journal', 'mysql']) {
    expect(loadMqttBrokerConfig({ env: { ROBUSTMQ_STORAGE_TYPE: type } }).storage.type).toBe(type);
  }
});
