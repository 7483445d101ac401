// Starts a real broker in-process for a test file: ports 0 on 127.0.0.1, logs silent, and a temporary data dir that
// `stop()` removes. `restart()` stops it and starts a new one on the same data dir. The storage is the suite's
// (MQTT_TEST_STORAGE, see test-storage.ts) unless the test asks for one: on rocksdb or memory the broker runs alone
// (placement off); on journal it gets a placement center and a journal server of its own, started here, kept across
// restarts and closed by `stop()`, and runs as it does in a cluster (registered with placement).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMqttBrokerConfig, startMqttBroker, type MqttBrokerConfig, type MqttBrokerHandle } from '../../src/index.js';
import { startTestJournalCluster, testStorageType, type TestJournalCluster, type TestStorageType } from './test-storage.js';

export interface TestBroker {
  handle: MqttBrokerHandle;
  config: MqttBrokerConfig;
  url: string;
  dataDir: string;
  storage: TestStorageType;
  /** the journal cluster under the broker (storage journal only). */
  journal: TestJournalCluster | undefined;
  /** closes the broker and starts a new one over the same data dir (ports change). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestBrokerOptions {
  /** default: the suite's storage (MQTT_TEST_STORAGE, else rocksdb). */
  storage?: TestStorageType;
  /** `[tls]` keys: with cert_file/key_file the TLS and WSS listeners are served too. */
  tls?: Record<string, unknown>;
  /** further top-level config sections (e.g. `node`). */
  sections?: Record<string, Record<string, unknown>>;
}

export async function startTestBroker(mqtt: Record<string, unknown> = {}, options: TestBrokerOptions = {}): Promise<TestBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'robustmq-mqtt-broker-'));
  const storage = options.storage ?? testStorageType();
  const journal = storage === 'journal' ? await startTestJournalCluster(join(dataDir, 'journal-cluster')) : undefined;
  const config = loadMqttBrokerConfig({
    env: {},
    overrides: {
      ...options.sections,
      node: { data_dir: join(dataDir, 'broker'), ...options.sections?.node },
      network: { host: '127.0.0.1', tcp_port: 0, http_port: 0, tls_port: 0, ws_port: 0, wss_port: 0, grpc_port: 0, ...options.sections?.network },
      tls: options.tls ?? {},
      placement: journal ? { enabled: true, addresses: [journal.placementAddress], heartbeat_interval_ms: 500 } : { enabled: false },
      log: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
      storage: { type: storage, ...options.sections?.storage },
      // $SYS messages would show up in tests subscribed to '$SYS/#' or counting retained messages; opt in per test
      mqtt: { sys_interval_s: 0, ...mqtt },
    },
  });
  let handle: MqttBrokerHandle;
  try {
    handle = await startMqttBroker(config);
  } catch (err) {
    await journal?.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const broker: TestBroker = {
    handle,
    config,
    url: '',
    dataDir,
    storage,
    journal,
    async restart() {
      await broker.handle.close();
      broker.handle = await startMqttBroker(config);
      broker.url = `mqtt://127.0.0.1:${broker.handle.ports.mqtt}`;
    },
    async stop() {
      await broker.handle.close();
      await journal?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  broker.url = `mqtt://127.0.0.1:${broker.handle.ports.mqtt}`;
  return broker;
}
