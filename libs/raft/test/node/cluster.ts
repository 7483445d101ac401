// Starts RaftNodes over real gRPC (loopback, ports from 0) and RocksDB (temp dirs) for the RaftNode tests.
import { join } from 'node:path';
import { createLogger, RocksDbEngine } from '@robustmq/common';
import { RaftNode, type RaftLogStore, type RaftNodeOptions } from '../../src/node/index.js';
import { RocksDbRaftStorage } from '../../src/rocksdb/index.js';
import { SegmentLogStore } from '../../src/segment/index.js';
import { GrpcRaftTransport } from '../../src/transport/index.js';
import type { NodeId } from '../../src/types.js';
import { KvApp } from './kv-app.js';
import { tempDir, removeDir } from '@robustmq/testing';

export interface Member {
  id: NodeId;
  dir: string;
  port: number;
  address: string;
  node: RaftNode;
  engine: RocksDbEngine;
  /** The log store the node writes (as wrapped by the cluster's wrapStorage). */
  storage: RaftLogStore;
  app: KvApp;
  transport: GrpcRaftTransport;
  /** Closes the segment log (RocksDB's closes with `engine`). */
  closeLog?: () => void;
}

export type NodeTuning = Partial<
  Pick<RaftNodeOptions, 'tickMs' | 'electionTicks' | 'snapshotEntries' | 'compactKeepEntries'>
>;

const logger = createLogger({ service: 'raft-test', level: process.env.RAFT_TEST_LOG ?? 'silent' });

export async function waitFor(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export class TestCluster {
  readonly members = new Map<NodeId, Member>();
  /** Data dirs and ports of every node ever started, kept across kills so a node restarts on its own disk. */
  private readonly homes = new Map<NodeId, { dir: string; port: number }>();

  constructor(
    private readonly tuning: NodeTuning = {},
    /** Puts something between a node and its log store (e.g. to hold its writes). */
    private readonly wrapStorage: (id: NodeId, store: RaftLogStore) => RaftLogStore = (_id, store) => store,
    /** Which log store the nodes keep: RocksDbRaftStorage or the segment log (in `<data dir>/raft-wal`). */
    private readonly logStore: 'rocksdb' | 'segment' = 'rocksdb',
  ) {}

  /** Starts `ids` as the founding voters of a new group. */
  async bootstrap(ids: NodeId[]): Promise<void> {
    const transports = new Map<NodeId, { t: GrpcRaftTransport; port: number }>();
    for (const id of ids) {
      const t = new GrpcRaftTransport({ selfId: id, logger: logger.child({ node: id }) });
      transports.set(id, { t, port: await t.listen('127.0.0.1:0') });
    }
    const peers = ids.map((id) => ({ id, address: `127.0.0.1:${transports.get(id)!.port}` }));
    await Promise.all(ids.map((id) => this.start(id, peers, transports.get(id))));
  }

  /** Starts (or restarts on its old disk and port) node `id`. */
  async start(
    id: NodeId,
    peers: { id: NodeId; address: string }[],
    pre?: { t: GrpcRaftTransport; port: number },
    joining = false,
  ): Promise<Member> {
    let home = this.homes.get(id);
    let transport = pre?.t;
    let port = pre?.port;
    if (!transport) {
      transport = new GrpcRaftTransport({ selfId: id, logger: logger.child({ node: id }) });
      port = await transport.listen(`127.0.0.1:${home?.port ?? 0}`);
    }
    if (!home) {
      home = { dir: tempDir(`raft-node-${id}`), port: port! };
      this.homes.set(id, home);
    }
    const engine = await RocksDbEngine.open(home.dir);
    const segments =
      this.logStore === 'segment' ? SegmentLogStore.open(join(home.dir, 'raft-wal')) : undefined;
    const storage = this.wrapStorage(id, segments ?? (await RocksDbRaftStorage.open(engine, 'test')));
    const app = new KvApp();
    const node = await RaftNode.start({
      id,
      peers,
      storage,
      transport,
      app,
      join: joining,
      logger: logger.child({ node: id }),
      tickMs: 40,
      electionTicks: 10,
      heartbeatTicks: 1,
      ...this.tuning,
    });
    const m: Member = {
      id,
      dir: home.dir,
      port: port!,
      address: `127.0.0.1:${port}`,
      node,
      engine,
      storage,
      app,
      transport,
      ...(segments ? { closeLog: () => segments.close() } : {}),
    };
    this.members.set(id, m);
    return m;
  }

  /** Crash-like stop: no snapshot or any other shutdown work; the disk keeps what was synced. */
  async kill(id: NodeId): Promise<void> {
    const m = this.members.get(id)!;
    this.members.delete(id);
    await m.node.stop();
    m.closeLog?.();
    await m.engine.close();
  }

  peers(): { id: NodeId; address: string }[] {
    return [...this.members.values()].map((m) => ({ id: m.id, address: m.address }));
  }

  async leader(timeoutMs = 10_000): Promise<Member> {
    let found: Member | undefined;
    await waitFor(
      () => {
        const leaders = [...this.members.values()].filter((m) => m.node.isLeader);
        found = leaders.length === 1 ? leaders[0] : undefined;
        // Everyone agrees, so a proposal on a follower names the right leader.
        return found !== undefined && [...this.members.values()].every((m) => m.node.leaderId === found!.id);
      },
      timeoutMs,
      'a leader everyone knows',
    );
    return found!;
  }

  /** Cuts `id` off from everyone (both directions) by dropping the peer links; heal() restores them. */
  isolate(id: NodeId): void {
    for (const m of this.members.values()) {
      if (m.id === id) for (const o of this.members.values()) m.transport.removePeer(o.id);
      else m.transport.removePeer(id);
    }
  }

  heal(): void {
    for (const m of this.members.values())
      for (const o of this.members.values()) m.transport.addPeer(o.id, o.address);
  }

  followers(): Member[] {
    return [...this.members.values()].filter((m) => !m.node.isLeader);
  }

  async close(): Promise<void> {
    for (const id of [...this.members.keys()]) await this.kill(id);
    for (const h of this.homes.values()) removeDir(h.dir);
  }
}
