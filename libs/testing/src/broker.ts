// MQTT brokers for tests, in-process through `startMqttBroker(config)`: ports 0 on 127.0.0.1, logs silent, $SYS
// publishing off, a temp data dir removed on stop. Standalone (placement off) on rocksdb or memory storage;
// registered with a placement center given by address; or, on journal storage with no placement given, with a
// placement center and a journal server of its own, started here, kept across restarts and closed by `stop()`.
// The storage is the suite's (MQTT_TEST_STORAGE, rocksdb by default) unless the test asks for one: the
// `mqtt-broker-journal` vitest project runs the broker's main suites again over the journal that way.
import { join } from 'node:path';
import type { PlacementClient } from '@robustmq/placement-client';
import { beforeAll, expect } from 'vitest';
import {
  loadMqttBrokerConfig,
  startMqttBroker,
  type MqttBrokerConfig,
  type MqttBrokerHandle,
} from '@robustmq/mqtt-broker';
import { startTestJournal, type TestJournal } from './journal.js';
import { testLogLevel } from './logger.js';
import { mqttClients, type BeforeConnect, type IClientOptions, type MqttClient } from './mqtt.js';
import { startTestPlacement, type TestPlacement, type TestPlacementOptions } from './placement.js';
import { testScope, type Scope } from './scope.js';
import { mergeSections, type Sections } from './sections.js';
import { removeDir, tempDir } from './temp-dir.js';

export const TEST_STORAGE_TYPES = ['rocksdb', 'memory', 'journal'] as const;
export type TestStorageType = (typeof TEST_STORAGE_TYPES)[number];

/** the storage the broker suites run on: MQTT_TEST_STORAGE, else rocksdb. */
export function testStorageType(): TestStorageType {
  const value = process.env.MQTT_TEST_STORAGE ?? 'rocksdb';
  if (!(TEST_STORAGE_TYPES as readonly string[]).includes(value)) {
    throw new Error(`MQTT_TEST_STORAGE=${value}: valid values are ${TEST_STORAGE_TYPES.join(', ')}`);
  }
  return value as TestStorageType;
}

/** The placement center and journal server under a broker on journal storage. */
export interface TestJournalCluster {
  placement: TestPlacement;
  journal: TestJournal;
  placementAddress: string;
  close(): Promise<void>;
}

/** One placement center and one journal server (node 1), silent, on free ports. */
export async function startTestJournalCluster(): Promise<TestJournalCluster> {
  const placement = await startTestPlacement();
  try {
    const journal = await startTestJournal({
      placement: [placement.grpcAddress],
      overrides: { placement: { heartbeat_interval_ms: 500 } },
    });
    return {
      placement,
      journal,
      placementAddress: placement.grpcAddress,
      async close() {
        await journal.close();
        await placement.stop();
      },
    };
  } catch (err) {
    await placement.stop();
    throw err;
  }
}

export interface TestBroker {
  handle: MqttBrokerHandle;
  config: MqttBrokerConfig;
  /** mqtt://127.0.0.1:<tcp port> */
  url: string;
  /** http://127.0.0.1:<http port> */
  readonly http: string;
  dataDir: string;
  storage: TestStorageType;
  /** the placement center and journal server started for it (journal storage with no `placement` given). */
  journal: TestJournalCluster | undefined;
  /** closes the broker and starts a new one over the same data dir (ports change unless fixed in the config). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** the same as stop(), so a scope can close it. */
  close(): Promise<void>;
}

export interface TestBrokerOptions {
  /** default: the suite's storage (MQTT_TEST_STORAGE, else rocksdb). */
  storage?: TestStorageType;
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
  const storage = options.storage ?? testStorageType();
  const journal = storage === 'journal' && !options.placement ? await startTestJournalCluster() : undefined;
  const placement = options.placement ?? (journal ? [journal.placementAddress] : undefined);
  const config = loadMqttBrokerConfig({
    env: {},
    overrides: mergeSections(
      {
        node: { ...(options.id ? { id: options.id } : {}), data_dir: join(dataDir, 'broker') },
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
        placement: placement
          ? { enabled: true, addresses: placement, heartbeat_interval_ms: journal ? 500 : 200 }
          : { enabled: false },
        log: { level: testLogLevel },
        storage: { type: storage },
        // $SYS messages would show up in tests subscribed to '$SYS/#' or counting retained messages; opt in per test
        mqtt: { sys_interval_s: 0 },
      },
      options.authToken ? { cluster: { auth_token: options.authToken } } : undefined,
      options.sections,
      { mqtt },
    ),
  });
  let handle: MqttBrokerHandle;
  try {
    handle = await startMqttBroker(config);
  } catch (err) {
    await journal?.close();
    if (!options.dataDir) removeDir(dataDir);
    throw err;
  }
  let stopped = false;
  const broker: TestBroker = {
    handle,
    config,
    url: '',
    storage,
    journal,
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
      if (stopped) return;
      stopped = true;
      await broker.handle.close();
      await journal?.close();
      if (!options.dataDir) removeDir(dataDir);
    },
    close: () => broker.stop(),
  };
  broker.url = `mqtt://127.0.0.1:${broker.handle.ports.mqtt}`;
  return broker;
}

/** TestBroker's fields (a record, so that a field added to TestBroker must be added here too). */
const BROKER_FIELDS: Record<Exclude<keyof TestBroker, 'restart' | 'stop' | 'close'>, true> = {
  handle: true,
  config: true,
  url: true,
  http: true,
  dataDir: true,
  storage: true,
  journal: true,
};

/** The broker of a test file (or describe block): a TestBroker read through to the one started in `beforeAll`. */
export interface BrokerFixture extends TestBroker {
  /** closes the broker, and every client `client()` made, after the block; add the block's other resources to it. */
  readonly scope: Scope;
  /** an MQTT.js client to this broker (the fixture's client defaults under `options`), ended with the scope. */
  client(options?: IClientOptions, beforeConnect?: BeforeConnect): Promise<MqttClient>;
}

/**
 * Starts `startTestBroker(mqtt, options)` in `beforeAll` of the enclosing block and stops it after the block:
 * `const broker = useTestBroker({ topic_alias_max: 10 }, {}, { protocolVersion: 5 });` then `broker.client()` and
 * `broker.url` in the tests.
 */
export function useTestBroker(
  mqtt: Record<string, unknown> = {},
  options: TestBrokerOptions = {},
  clientDefaults: IClientOptions = {},
): BrokerFixture {
  const scope = testScope();
  let started: TestBroker | undefined;
  beforeAll(async () => {
    started = scope.add(await startTestBroker(mqtt, options));
  });
  const broker = (): TestBroker => {
    if (!started)
      throw new Error('test kit: useTestBroker() is ready in tests and in hooks after its beforeAll');
    return started;
  };
  const fixture = {
    scope,
    client: mqttClients(scope, () => broker().url, clientDefaults),
    restart: () => broker().restart(),
    stop: () => broker().stop(),
    close: () => broker().close(),
  };
  // the broker's fields read through to the one started, which `restart()` changes in place
  for (const key of Object.keys(BROKER_FIELDS) as (keyof typeof BROKER_FIELDS)[])
    Object.defineProperty(fixture, key, { get: () => broker()[key], enumerable: true });
  return fixture as BrokerFixture;
}

/**
 * Waits until placement holds `clientId`'s session as disconnected and `broker` has let go of its own `timer` for it
 * (the delayed will's or the session expiry's): from then on only the placement leader fires it.
 */
export async function expectPlacementTookOver(
  client: PlacementClient,
  broker: MqttBrokerHandle,
  clientId: string,
  timer: 'willTimer' | 'expiryTimer',
): Promise<void> {
  await expect
    .poll(() => client.mqtt.getResource('SESSION', clientId).then((r) => r?.record.connected), {
      timeout: 3_000,
    })
    .toBe(false);
  await expect.poll(() => broker.broker.sessions.get(clientId)?.[timer], { timeout: 3_000 }).toBeUndefined();
}

/** A placement center and a broker registered with it, as startBrokerOnPlacement starts them. */
export interface BrokerOnPlacement {
  placement: TestPlacement;
  broker: TestBroker;
}

/**
 * A placement center (`placement` options) and one broker registered with it (`broker` options: node id 1 unless it
 * says otherwise, the placement's cluster token unless it names another), both closed with `scope`.
 */
export async function startBrokerOnPlacement(
  scope: Scope,
  placement: TestPlacementOptions = {},
  broker: Omit<TestBrokerOptions, 'placement'> & { mqtt?: Record<string, unknown> } = {},
): Promise<BrokerOnPlacement> {
  const { mqtt = {}, ...options } = broker;
  const p = scope.add(await startTestPlacement(placement));
  const b = scope.add(
    await startTestBroker(mqtt, {
      id: 1,
      ...(placement.authToken ? { authToken: placement.authToken } : {}),
      ...options,
      placement: [p.grpcAddress],
    }),
  );
  return { placement: p, broker: b };
}
