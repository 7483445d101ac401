// MQTT brokers for tests, in-process through `startMqttBroker(config)`: ports 0 on 127.0.0.1, logs silent, $SYS
// publishing off, a temp data dir removed on stop, and either standalone (placement off) or registered with a
// placement center given by address.
import {
  loadMqttBrokerConfig,
  startMqttBroker,
  type MqttBrokerConfig,
  type MqttBrokerHandle,
} from '@robustmq/mqtt-broker';
import { testLogLevel } from './logger.js';
import { mergeSections, type Sections } from './sections.js';
import { removeDir, tempDir } from './temp-dir.js';

export interface TestBroker {
  handle: MqttBrokerHandle;
  config: MqttBrokerConfig;
  /** mqtt://127.0.0.1:<tcp port> */
  url: string;
  /** http://127.0.0.1:<http port> */
  readonly http: string;
  dataDir: string;
  /** closes the broker and starts a new one over the same data dir (ports change unless fixed in the config). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** the same as stop(), so a scope can close it. */
  close(): Promise<void>;
}

export interface TestBrokerOptions {
  storage?: 'rocksdb' | 'memory';
  /** `[tls]` keys: with cert_file/key_file the TLS and WSS listeners are served too. */
  tls?: Record<string, unknown>;
  /** placement gRPC addresses: the broker registers there (with `[node] id`) and serves its inner gRPC service. */
  placement?: string[];
  /** `[node] id` (default: the config's default). */
  id?: number;
  /** `[cluster] auth_token`. */
  authToken?: string;
  /** further config sections (e.g. `node`, `auth`), merged over the kit's. */
  sections?: Sections;
  /** a data dir of its own (kept on stop); default: a temp dir removed on stop. */
  dataDir?: string;
}

export async function startTestBroker(
  mqtt: Record<string, unknown> = {},
  options: TestBrokerOptions = {},
): Promise<TestBroker> {
  const dataDir = options.dataDir ?? tempDir('mqtt-broker');
  const config = loadMqttBrokerConfig({
    env: {},
    overrides: mergeSections(
      {
        node: { ...(options.id ? { id: options.id } : {}), data_dir: dataDir },
        network: {
          host: '127.0.0.1',
          tcp_port: 0,
          http_port: 0,
          tls_port: 0,
          ws_port: 0,
          wss_port: 0,
          grpc_port: 0,
        },
        tls: options.tls ?? {},
        placement: options.placement
          ? { enabled: true, addresses: options.placement, heartbeat_interval_ms: 200 }
          : { enabled: false },
        log: { level: testLogLevel },
        storage: { type: options.storage ?? 'rocksdb' },
        // $SYS messages would show up in tests subscribed to '$SYS/#' or counting retained messages; opt in per test
        mqtt: { sys_interval_s: 0 },
      },
      options.authToken ? { cluster: { auth_token: options.authToken } } : undefined,
      options.sections,
      { mqtt },
    ),
  });
  const broker: TestBroker = {
    handle: await startMqttBroker(config),
    config,
    url: '',
    get http() {
      return `http://127.0.0.1:${broker.handle.ports.http}`;
    },
    dataDir,
    async restart() {
      await broker.handle.close();
      broker.handle = await startMqttBroker(config);
      broker.url = `mqtt://127.0.0.1:${broker.handle.ports.mqtt}`;
    },
    async stop() {
      await broker.handle.close();
      if (!options.dataDir) removeDir(dataDir);
    },
    close: () => broker.stop(),
  };
  broker.url = `mqtt://127.0.0.1:${broker.handle.ports.mqtt}`;
  return broker;
}
