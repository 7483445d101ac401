// Raft throughput benchmark: a 3-member group in one process, connected by real gRPC over loopback, each member
// with its own RocksDB. Measures committed proposals/s and commit latency with 1, 100 and 1000 concurrent proposers.
//   node libs/raft/dist/driver/bench.js [--proposers 1,100,1000] [--seconds 5] [--size 100]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { RocksDbEngine } from '@robustmq/common';
import type { Entry } from '../types.js';
import { GrpcRaftTransport, RaftTransportServer } from './grpc-transport.js';
import { RaftNode, type RaftApplication } from './raft-node.js';
import { RocksDbRaftStorage } from './rocksdb-storage.js';

const { values } = parseArgs({
  options: {
    proposers: { type: 'string', default: '1,100,1000' },
    seconds: { type: 'string', default: '5' },
    size: { type: 'string', default: '100' },
  },
});
const proposerCounts = values.proposers!.split(',').map(Number);
const seconds = Number(values.seconds);
const payload = Buffer.alloc(Number(values.size), 'x');

/** An application that only counts: the bench measures consensus, not a state machine. */
class CountingApp implements RaftApplication {
  applied = 0;
  async applyEntries(entries: readonly Entry[]): Promise<unknown[]> {
    this.applied = entries[entries.length - 1]!.index;
    return entries.map(() => undefined);
  }
  async snapshot() {
    return { index: this.applied, data: new Uint8Array() };
  }
  async restore(s: { index: number }) {
    this.applied = s.index;
  }
  appliedIndex() {
    return this.applied;
  }
}

async function main(): Promise<void> {
  const ids = [1, 2, 3];
  const dirs = ids.map((id) => mkdtempSync(join(tmpdir(), `raft-bench-${id}-`)));
  const servers = ids.map(() => new grpc.Server());
  const transportServers = servers.map((s) => new RaftTransportServer(s));
  const ports = await Promise.all(
    servers.map((s) => new Promise<number>((res, rej) => s.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))))),
  );
  const engines = await Promise.all(dirs.map((d) => RocksDbEngine.open(d)));
  const nodes: RaftNode[] = [];
  for (const [i, id] of ids.entries()) {
    const storage = await RocksDbRaftStorage.open(engines[i]!, 'bench', { voters: ids, learners: [] });
    const peers = new Map(ids.filter((p) => p !== id).map((p) => [p, `127.0.0.1:${ports[p - 1]}`]));
    nodes.push(
      await RaftNode.start({
        id,
        group: 'bench',
        storage,
        transport: new GrpcRaftTransport('bench', peers),
        server: transportServers[i]!,
        app: new CountingApp(),
        tickMs: 100,
        snapshotEntries: 1_000_000_000,
      }),
    );
  }
  let leader: RaftNode | undefined;
  while (!(leader = nodes.find((n) => n.isLeader))) await new Promise((r) => setTimeout(r, 20));

  const rows: string[] = [];
  for (const count of proposerCounts) {
    process.stderr.write(`${count} proposers for ${seconds} s …\n`);
    const latencies: number[] = [];
    const end = performance.now() + seconds * 1000;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: count }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          await leader!.propose(payload);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]!.toFixed(2);
    rows.push(`| ${count} | ${Math.round(latencies.length / elapsed).toLocaleString('en-US')} | ${pct(0.5)} | ${pct(0.99)} |`);
  }
  for (const n of nodes) await n.stop();
  for (const s of servers) s.forceShutdown();
  for (const e of engines) await e.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });

  process.stdout.write(
    [
      `3-member Raft group, one process, real gRPC on loopback, RocksDB per member (fsync per Ready), ${payload.length}-byte entries, ${seconds} s per row`,
      '',
      '| proposers | committed proposals/s | p50 commit ms | p99 commit ms |',
      '| ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      `Command: node libs/raft/dist/driver/bench.js --proposers ${values.proposers} --seconds ${values.seconds} --size ${values.size}`,
      '',
    ].join('\n'),
  );
  process.exit(0);
}

await main();
