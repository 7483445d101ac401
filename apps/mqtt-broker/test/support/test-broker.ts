// Starts a real broker in-process for a test file: ports 0 on 127.0.0.1, placement off, logs silent, and a
// temporary data dir that `stop()` removes. `restart()` stops it and starts a new one on the same data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMqttBrokerConfig, startMqttBroker, type MqttBrokerConfig, type MqttBrokerHandle } from '../../src/index.js';

export interface TestBroker {
  handle: MqttBrokerHandle;
  config: MqttBrokerConfig;
  url: string;
  dataDir: string;
  /** closes the broker and starts a new one over the same data dir (ports change). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestBrokerOptions {
  storage?: 'rocksdb' | 'memory';
  /** `[tls]` keys: with cert_file/key_file the TLS and WSS listeners are served too. */
  tls?: Record<string, unknown>;
  /** further top-level config sections (e.g. `node`). */
  sections?: Record<string, Record<string, unknown>>;
}

export async function startTestBroker(mqtt: Record<string, unknown> = {}, options: TestBrokerOptions = {}): Promise<TestBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'robustmq-mqtt-broker-'));
  const config = loadMqttBrokerConfig({
    env: {},
    overrides: {
      ...options.sections,
      node: { data_dir: dataDir, ...options.sections?.node },
      network: { host: '127.0.0.1', tcp_port: 0, http_port: 0, tls_port: 0, ws_port: 0, wss_port: 0, ...options.sections?.network },
      tls: options.tls ?? {},
      placement: { enabled: false },
      log: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
      storage: { type: options.storage ?? 'rocksdb' },
      // $SYS messages would show up in tests subscribed to '$SYS/#' or counting retained messages; opt in per test
      mqtt: { sys_interval_s: 0, ...mqtt },
    },
  });
  const broker: TestBroker = {
    handle: await startMqttBroker(config),
    config,
    url: '',
    dataDir,
    async restart() {
      await broker.handle.close();
      broker.handle = await startMqttBroker(config);
      broker.url = `mqtt://127.0.0.1:${broker.handle.ports.mqtt}`;
    },
    async stop() {
      await broker.handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  broker.url = `mqtt://127.0.0.1:${broker.handle.ports.mqtt}`;
  return broker;
}
