// Journal servers for tests, in-process through `startJournalServer(config)`: registered with a placement center,
// on ports fixed in advance so a stopped server comes back at the same address over the same data dir (what a
// restart after a crash looks like to its peers). Replication timers are the production defaults unless a test
// asks for others (FAST_FAILOVER: followers take over a silent leader within about a second).
import {
  loadJournalServerConfig,
  startJournalServer,
  type JournalServerConfig,
  type JournalServerHandle,
} from '@robustmq/journal-server';
import { JournalStorageAdapter, type JournalStorageOptions } from '@robustmq/storage-adapter';
import { join } from 'node:path';
import { quietLogger } from './logger.js';
import { freePort } from './ports.js';
import { mergeSections, type Sections } from './sections.js';
import { removeDir, tempDir } from './temp-dir.js';
import { testScope } from './scope.js';
import { beforeAll } from 'vitest';

import {
  expectHandoverOnLeaderStop,
  type HandoverAdapter,
  type HandoverPlacement,
} from './journal-handover.js';

export { expectHandoverOnLeaderStop, type HandoverAdapter, type HandoverPlacement };
export { expectShardRoundTrip, probeJournalData } from './journal-probe.js';

/**
 * A JournalStorageAdapter on the placement center at `placementAddresses`, storing in `namespace`: three replicas (a
 * test cluster's journal servers) at quorum acks unless `options` says otherwise. The caller closes it.
 */
export function journalAdapter(
  placementAddresses: string[],
  namespace: string,
  options: Partial<JournalStorageOptions> = {},
): JournalStorageAdapter {
  return new JournalStorageAdapter({
    placementAddresses,
    namespace,
    replicaCount: 3,
    acks: 'quorum',
    ...options,
  });
}

/** `[replication]` timers for tests of leader failover: a silent segment leader is replaced within about a second. */
export const FAST_FAILOVER = {
  heartbeat_interval_ms: 100,
  leader_check_interval_ms: 200,
  leader_lease_ms: 1000,
};

export interface TestJournalOptions {
  /** `[node] id` (default 1). */
  id?: number;
  /** placement gRPC addresses it registers with. */
  placement: string[];
  /** `[cluster] auth_token`. */
  authToken?: string;
  /** further config sections, merged over the kit's. */
  overrides?: Sections;
  /** a data dir of its own (kept on close); default: a temp dir removed on close. */
  dataDir?: string;
  /** start it (default true); false only prepares ports and config, for `start()` later. */
  start?: boolean;
}

export interface TestJournal {
  id: number;
  dataDir: string;
  ports: { data: number; http: number; grpc: number };
  config: JournalServerConfig;
  /** undefined while stopped. */
  handle: JournalServerHandle | undefined;
  /** the running server (throws while stopped). */
  readonly server: JournalServerHandle;
  /** Starts it (again) on its ports and data dir. */
  start(): Promise<void>;
  /** Closes it gracefully; its data stays for start(). */
  stop(): Promise<void>;
  /** Stops it and removes its temp data dir. */
  close(): Promise<void>;
}

export async function startTestJournal(options: TestJournalOptions): Promise<TestJournal> {
  const id = options.id ?? 1;
  const dataDir = options.dataDir ?? join(tempDir(`js${id}`), 'data');
  const ports = { data: await freePort(), http: await freePort(), grpc: await freePort() };
  const config = loadJournalServerConfig({
    env: {},
    overrides: mergeSections(
      {
        node: { id, data_dir: dataDir },
        network: { host: '127.0.0.1', data_port: ports.data, http_port: ports.http, grpc_port: ports.grpc },
        placement: { addresses: options.placement, heartbeat_interval_ms: 300 },
        log: { level: 'silent' },
      },
      options.authToken ? { cluster: { auth_token: options.authToken } } : undefined,
      options.overrides,
    ),
  });
  const j: TestJournal = {
    id,
    dataDir,
    ports,
    config,
    handle: undefined,
    get server() {
      if (!j.handle) throw new Error(`test kit: journal server ${id} is stopped`);
      return j.handle;
    },
    async start() {
      if (!j.handle) j.handle = await startJournalServer(config, { logger: quietLogger });
    },
    async stop() {
      const handle = j.handle;
      j.handle = undefined;
      await handle?.close();
    },
    async close() {
      await j.stop();
      if (!options.dataDir) removeDir(join(dataDir, '..'));
    },
  };
  if (options.start !== false) await j.start();
  return j;
}

/** `count` journal servers with ids 1..count, started one after another (registration order = id order). */
export async function startTestJournals(
  count: number,
  options: Omit<TestJournalOptions, 'id'>,
): Promise<TestJournal[]> {
  const journals: TestJournal[] = [];
  try {
    for (let id = 1; id <= count; id++) journals.push(await startTestJournal({ ...options, id }));
  } catch (err) {
    for (const j of journals) await j.close();
    throw err;
  }
  return journals;
}

/** Journal servers by id (useTestJournals). */
export class TestJournals extends Map<number, TestJournal> {
  /** expectHandoverOnLeaderStop with `perSide` records, the segment's leader stopped gracefully (its data kept). */
  expectHandoverOnLeaderStop(
    adapter: HandoverAdapter,
    placement: HandoverPlacement,
    namespace: string,
    perSide: number,
  ): Promise<void> {
    return expectHandoverOnLeaderStop(adapter, placement, namespace, (id) => this.get(id)!.stop(), perSide);
  }
}

export interface TestJournalsOptions extends Omit<TestJournalOptions, 'id' | 'overrides'> {
  /** further config sections of server `id`, merged over the kit's. */
  overrides?: (id: number) => Sections;
  /**
   * segment leaders change only by placement's hand-over over the inner service: followers wait 600 s for a silent
   * leader before taking over by themselves (`[replication] leader_lease_ms`).
   */
  handoverOnly?: boolean;
}

/**
 * `count` journal servers (ids 1..count) started in `beforeAll` of the enclosing block — after the hooks declared
 * before this call, so a placement center started there is up — and closed with `scope` (by default after the
 * block; pass the file's scope to close them before what was added to it earlier, e.g. the placement center): the
 * map is filled by the time the tests run (id → server).
 */
export function useTestJournals(
  count: number,
  options: () => TestJournalsOptions,
  scope = testScope(),
): TestJournals {
  const journals = new TestJournals();
  beforeAll(async () => {
    const { overrides, handoverOnly, ...rest } = options();
    for (let id = 1; id <= count; id++) {
      const sections = mergeSections(
        handoverOnly ? { replication: { leader_lease_ms: 600_000 } } : undefined,
        overrides?.(id),
      );
      journals.set(id, scope.add(await startTestJournal({ ...rest, id, overrides: sections })));
    }
  });
  return journals;
}
