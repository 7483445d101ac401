// Placement centers for tests, in-process through `startPlacementCenter(config)`: one node (ports 0, a temp data dir)
// or a Raft group of N members (gRPC ports fixed in advance, since the member list names them), with placement
// clients that close with them. A stopped member can be started again at the same address over its data.
import { PlacementClient, type PlacementClientOptions } from '@robustmq/placement-client';
import * as grpc from '@grpc/grpc-js';
import {
  bindGrpcServer,
  kvServiceDefinition,
  type ClusterTypeName,
  type KvServiceHandlers,
  type NodeInfo,
} from '@robustmq/protocol';
import {
  loadPlacementCenterConfig,
  startPlacementCenter,
  type PlacementCenterConfig,
  type PlacementCenterHandle,
} from '@robustmq/placement-center';
import { join } from 'node:path';
import { quietLogger } from './logger.js';
import { lateFields, testScope, type Scope } from './scope.js';
import { beforeAll } from 'vitest';
import { freePorts } from './ports.js';
import { mergeSections, type Sections } from './sections.js';
import { removeDir, tempDir } from './temp-dir.js';
import { waitFor } from './wait.js';

export interface TestPlacementOptions {
  /** `[heartbeat]` keys (timeout_ms, check_interval_ms, interval_ms). */
  heartbeat?: Record<string, unknown>;
  /** `[http] admin_token`. */
  adminToken?: string;
  /** `[cluster] auth_token`: the cluster secret; clients made by `client()` carry it too. */
  authToken?: string;
  /**
   * The leader's scheduler (delayed wills, session expiry, calls to brokers) looks for due work every 50 ms and
   * retries a failed call after 200 ms, instead of its production pace: for tests that wait for it.
   */
  fastScheduler?: boolean;
  /** any further config sections, merged over the kit's. */
  overrides?: Sections;
  /** use this data dir (kept on stop) instead of a new temp dir (removed on stop). */
  dataDir?: string;
}

export interface TestPlacement {
  handle: PlacementCenterHandle;
  config: PlacementCenterConfig;
  dataDir: string;
  /** host:port of its gRPC server. */
  readonly grpcAddress: string;
  /** http://127.0.0.1:<http port> */
  readonly http: string;
  /** A PlacementClient to it (with the cluster token, if any), closed on stop. */
  client(options?: Partial<PlacementClientOptions>): PlacementClient;
  /** Closes it and starts it again on the same ports and data dir. */
  restart(): Promise<void>;
  /** Closes it and its clients and removes its temp data dir; a second call does nothing. */
  stop(): Promise<void>;
  /** the same as stop(), so a scope can close it. */
  close(): Promise<void>;
}

function clientFactory(addresses: () => string[], authToken: string | undefined, clients: PlacementClient[]) {
  return (options: Partial<PlacementClientOptions> = {}) => {
    const c = new PlacementClient({
      addresses: addresses(),
      ...(authToken ? { authToken } : {}),
      ...options,
    });
    clients.push(c);
    return c;
  };
}

function placementConfig(
  dataDir: string,
  options: TestPlacementOptions,
  own: Sections,
): PlacementCenterConfig {
  return loadPlacementCenterConfig({
    env: {},
    overrides: mergeSections(
      { node: { data_dir: dataDir }, network: { host: '127.0.0.1', grpc_port: 0, http_port: 0 } },
      options.heartbeat ? { heartbeat: options.heartbeat } : undefined,
      options.adminToken ? { http: { admin_token: options.adminToken } } : undefined,
      options.authToken ? { cluster: { auth_token: options.authToken } } : undefined,
      options.fastScheduler ? { scheduler: { leader_check_ms: 50, retry_ms: 200 } } : undefined,
      options.overrides,
      own,
    ),
  });
}

/** One placement center on free ports. */
export async function startTestPlacement(options: TestPlacementOptions = {}): Promise<TestPlacement> {
  const dataDir = options.dataDir ?? tempDir('pc');
  const config = placementConfig(dataDir, options, {});
  const clients: PlacementClient[] = [];
  let stopped = false;
  const t: TestPlacement = {
    handle: await startPlacementCenter(config, { logger: quietLogger }),
    config,
    dataDir,
    get grpcAddress() {
      return t.handle.grpcAddress;
    },
    get http() {
      return `http://127.0.0.1:${t.handle.ports.http}`;
    },
    client: clientFactory(() => [t.handle.grpcAddress], options.authToken, clients),
    async restart() {
      const { grpc, http } = t.handle.ports;
      await t.handle.close();
      // same ports, so clients connected before the restart reconnect to it
      t.config = { ...config, network: { ...config.network, grpc_port: grpc, http_port: http } };
      t.handle = await startPlacementCenter(t.config, { logger: quietLogger });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const c of clients.splice(0)) c.close();
      await t.handle.close();
      if (!options.dataDir) removeDir(dataDir);
    },
    close: () => t.stop(),
  };
  return t;
}

export interface PlacementMember {
  id: number;
  grpcPort: number;
  dataDir: string;
  config: PlacementCenterConfig;
  /** undefined while stopped. */
  handle: PlacementCenterHandle | undefined;
}

export interface TestPlacementCluster {
  members: PlacementMember[];
  /** every member's host:port, for clients. */
  addresses: string[];
  member(id: number): PlacementMember;
  /** Waits until a running member reports a leader that every running member agrees on; returns its id. */
  leader(timeoutMs?: number): Promise<number>;
  /** A PlacementClient to every member (with the cluster token, if any), closed with the cluster. */
  client(options?: Partial<PlacementClientOptions>): PlacementClient;
  /** Stops one member (its data stays). */
  stopMember(id: number): Promise<void>;
  /** Starts a stopped member again on its port and data. */
  startMember(id: number): Promise<void>;
  /** Stops every member and client and removes the data. */
  close(): Promise<void>;
}

export interface TestPlacementClusterOptions extends Omit<TestPlacementOptions, 'dataDir'> {
  /** Raft tick (default 20 ms, so elections take a fraction of a second). */
  tickMs?: number;
  electionTicks?: number;
}

/** A placement Raft group of `size` members on 127.0.0.1, started together; resolves once it has a leader. */
export async function startPlacementCluster(
  size: number,
  options: TestPlacementClusterOptions = {},
): Promise<TestPlacementCluster> {
  const dir = tempDir('pc-cluster');
  const ports = await freePorts(size);
  const spec = ports.map((p, i) => `${i + 1}@127.0.0.1:${p}`);
  const clients: PlacementClient[] = [];
  const members: PlacementMember[] = ports.map((grpcPort, i) => {
    const id = i + 1;
    const dataDir = join(dir, `pc-${id}`);
    const config = placementConfig(dataDir, options, {
      node: { id, data_dir: dataDir },
      network: { grpc_port: grpcPort },
      cluster: { members: spec, tick_ms: options.tickMs ?? 20, election_ticks: options.electionTicks ?? 5 },
    });
    return { id, grpcPort, dataDir, config, handle: undefined };
  });
  const member = (id: number) => {
    const m = members.find((x) => x.id === id);
    if (!m) throw new Error(`test kit: no placement member ${id}`);
    return m;
  };
  const cluster: TestPlacementCluster = {
    members,
    addresses: ports.map((p) => `127.0.0.1:${p}`),
    member,
    async leader(timeoutMs = 20_000) {
      return waitFor(
        'a placement leader all running members agree on',
        async () => {
          const running = members.filter((m) => m.handle);
          const seen = await Promise.all(
            running.map(async (m) => {
              const headers: Record<string, string> = options.adminToken
                ? { authorization: `Bearer ${options.adminToken}` }
                : {};
              const res = await fetch(`http://127.0.0.1:${m.handle!.ports.http}/api/v1/cluster`, { headers });
              return ((await res.json()) as { leader?: number }).leader;
            }),
          );
          const first = seen[0];
          return first && running.some((m) => m.id === first) && seen.every((l) => l === first)
            ? first
            : undefined;
        },
        { timeoutMs, intervalMs: 50 },
      );
    },
    client: clientFactory(() => cluster.addresses, options.authToken, clients),
    async stopMember(id) {
      const m = member(id);
      const handle = m.handle;
      m.handle = undefined;
      await handle?.close();
    },
    async startMember(id) {
      const m = member(id);
      if (m.handle) return;
      m.handle = await startPlacementCenter(m.config, { logger: quietLogger });
    },
    async close() {
      for (const c of clients.splice(0)) c.close();
      await Promise.all(members.map((m) => cluster.stopMember(m.id)));
      removeDir(dir);
    },
  };
  try {
    await Promise.all(members.map((m) => cluster.startMember(m.id)));
    await cluster.leader();
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}

/** A placement center and a client to it, for the tests of the enclosing file or describe block. */
export interface PlacementFixture {
  readonly placement: TestPlacement;
  readonly client: PlacementClient;
}

/**
 * Starts a placement center in `beforeAll` of the enclosing block and stops it (and the client) after the block:
 * `const pc = usePlacement({ heartbeat: { timeout_ms: 600 } });` then `pc.client.kvSet(...)` in the tests.
 */
export function usePlacement(
  options: TestPlacementOptions = {},
  clientOptions: Partial<PlacementClientOptions> = {},
): PlacementFixture {
  const scope = testScope();
  let placement: TestPlacement | undefined;
  let client: PlacementClient | undefined;
  beforeAll(async () => {
    placement = scope.add(await startTestPlacement(options));
    client = placement.client(clientOptions);
  });
  return lateFields<PlacementFixture>('usePlacement', { placement: () => placement, client: () => client });
}

/**
 * A node record for `cluster.registerNode` in tests: `clusterType` node `nodeId` with `ports`, on 127.0.0.1 in
 * cluster 'c' with no labels unless `fields` says otherwise.
 */
export function testNode(
  clusterType: ClusterTypeName,
  nodeId: number,
  ports: Record<string, number> = {},
  fields: Partial<NodeInfo> = {},
): NodeInfo {
  return { clusterType, clusterName: 'c', nodeId, host: '127.0.0.1', ports, labels: {}, ...fields };
}

/**
 * A member of older code: a KvService with only the methods in `handlers` (grpc-js answers the others UNIMPLEMENTED,
 * as a member from before they existed does) on a free loopback port, and a PlacementClient of it; both closed with
 * `scope`.
 */
export async function olderKvMember(
  handlers: Partial<KvServiceHandlers>,
  scope: Scope,
): Promise<PlacementClient> {
  const server = scope.add(new grpc.Server(), (s) => s.forceShutdown(), 'older KV member');
  server.addService(kvServiceDefinition(), handlers as grpc.UntypedServiceImplementation);
  const port = await bindGrpcServer(server, '127.0.0.1', 0, 'older KV member');
  return scope.add(new PlacementClient({ addresses: [`127.0.0.1:${port}`], callTimeoutMs: 3_000 }));
}
