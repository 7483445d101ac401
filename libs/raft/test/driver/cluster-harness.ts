// A real 3-member Raft group for tests: gRPC on loopback (port 0), RocksDB storage in temp dirs, and a small KV
// application that stores its state and applied index in the same RocksDB.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { RocksDbEngine, type BatchOp } from '@robustmq/common';
import {
  GrpcRaftTransport,
  RaftNode,
  RaftTransportServer,
  RocksDbRaftStorage,
  type RaftApplication,
} from '../../src/driver/index.js';
import type { Entry } from '../../src/types.js';

export class KvApp implements RaftApplication {
  applied = 0;
  constructor(private readonly engine: RocksDbEngine) {}

  static async open(engine: RocksDbEngine): Promise<KvApp> {
    const app = new KvApp(engine);
    const applied = await engine.get('app/applied');
    app.applied = applied ? Number(applied.toString()) : 0;
    return app;
  }

  async applyEntries(entries: readonly Entry[]): Promise<unknown[]> {
    const ops: BatchOp[] = [];
    const results: unknown[] = [];
    for (const e of entries) {
      const [key, value] = Buffer.from(e.data).toString().split('=');
      ops.push({ type: 'put', key: `app/kv/${key}`, value: value ?? '' });
      results.push(e.index);
    }
    const last = entries[entries.length - 1]!.index;
    ops.push({ type: 'put', key: 'app/applied', value: String(last) });
    await this.engine.batch(ops, { sync: false });
    this.applied = last;
    return results;
  }

  async snapshot(): Promise<{ index: number; data: Uint8Array }> {
    const pairs: [string, string][] = [];
    for await (const [k, v] of this.engine.scan({ prefix: 'app/kv/' })) pairs.push([k.toString(), v.toString()]);
    return { index: this.applied, data: Buffer.from(JSON.stringify(pairs)) };
  }

  async restore(snapshot: { index: number; data: Uint8Array }): Promise<void> {
    const ops: BatchOp[] = [];
    for await (const [k] of this.engine.scan({ prefix: 'app/kv/' })) ops.push({ type: 'del', key: k });
    for (const [k, v] of JSON.parse(Buffer.from(snapshot.data).toString()) as [string, string][]) ops.push({ type: 'put', key: k, value: v });
    ops.push({ type: 'put', key: 'app/applied', value: String(snapshot.index) });
    await this.engine.batch(ops, { sync: true });
    this.applied = snapshot.index;
  }

  appliedIndex(): number {
    return this.applied;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.engine.get(`app/kv/${key}`))?.toString();
  }

  async count(): Promise<number> {
    let n = 0;
    for await (const _ of this.engine.scan({ prefix: 'app/kv/' })) n++;
    return n;
  }
}

export interface Member {
  id: number;
  dir: string;
  port: number;
  server: grpc.Server;
  engine: RocksDbEngine;
  app: KvApp;
  node: RaftNode;
}

export class Cluster {
  readonly members = new Map<number, Member>();
  private readonly dirs: string[] = [];
  private ports = new Map<number, number>();

  constructor(
    readonly ids: number[],
    private readonly options: { snapshotEntries?: number } = {},
  ) {}

  async start(): Promise<void> {
    // bind every server first so all addresses are known before any node starts
    const servers = new Map<number, { server: grpc.Server; transportServer: RaftTransportServer }>();
    for (const id of this.ids) {
      const server = new grpc.Server();
      const transportServer = new RaftTransportServer(server);
      const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
      );
      this.ports.set(id, port);
      servers.set(id, { server, transportServer });
      this.dirs.push(mkdtempSync(join(tmpdir(), `raft-${id}-`)));
    }
    for (const [i, id] of this.ids.entries()) {
      const { server, transportServer } = servers.get(id)!;
      await this.startMember(id, this.dirs[i]!, server, transportServer);
    }
  }

  private async startMember(id: number, dir: string, server: grpc.Server, transportServer: RaftTransportServer): Promise<void> {
    const engine = await RocksDbEngine.open(dir);
    const storage = await RocksDbRaftStorage.open(engine, 'test', { voters: this.ids, learners: [] });
    const app = await KvApp.open(engine);
    const peers = new Map([...this.ports].filter(([p]) => p !== id).map(([p, port]) => [p, `127.0.0.1:${port}`]));
    const node = await RaftNode.start({
      id,
      group: 'test',
      storage,
      transport: new GrpcRaftTransport('test', peers),
      server: transportServer,
      app,
      tickMs: 20,
      electionTicks: 10,
      heartbeatTicks: 1,
      snapshotEntries: this.options.snapshotEntries ?? 10_000,
    });
    this.members.set(id, { id, dir, port: this.ports.get(id)!, server, engine, app, node });
  }

  async waitForLeader(timeoutMs = 10_000): Promise<Member> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const leaders = [...this.members.values()].filter((m) => m.node.isLeader);
      if (leaders.length === 1) return leaders[0]!;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('no leader elected');
  }

  /** Stops a member as a crash would: no clean hand-over, the process's state is simply gone. */
  async kill(id: number): Promise<void> {
    const m = this.members.get(id)!;
    await m.node.stop();
    m.server.forceShutdown();
    await m.engine.close();
    this.members.delete(id);
  }

  async restart(id: number): Promise<void> {
    const i = this.ids.indexOf(id);
    const server = new grpc.Server();
    const transportServer = new RaftTransportServer(server);
    await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${this.ports.get(id)}`, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    await this.startMember(id, this.dirs[i]!, server, transportServer);
  }

  async stop(): Promise<void> {
    for (const id of [...this.members.keys()]) await this.kill(id);
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}
