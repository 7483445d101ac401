// Raft replication benchmark: a 3-node group over real gRPC + RocksDB; committed proposals/s and commit latency
// with 1, 100 and 1000 concurrent proposers. By default each node is its own process (forked children talking to
// this parent over IPC only for control); `--single-process` runs all three in this process.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Option,
  RocksDbEngine,
  cliProgram,
  createLogger,
  integerArg,
  numberArg,
  numberListArg,
  parseCli,
} from '@robustmq/common';
import { GrpcRaftTransport } from '../transport/grpc-transport.js';
import type { NodeId } from '../types.js';
import { RaftNode, type RaftApplication } from './raft-node.js';
import { RocksDbRaftStorage } from '../rocksdb/rocksdb-storage.js';

interface LoadResult {
  concurrency: number;
  committed: number;
  seconds: number;
  p50: number;
  p99: number;
  failed: number;
}

/** Counts entries; the benchmark measures Raft, not a state machine. */
class CountingApp implements RaftApplication {
  applied = 0;
  count = 0;
  async applyEntries(entries: { index: number }[]): Promise<unknown[]> {
    this.count += entries.length;
    this.applied = entries[entries.length - 1]!.index;
    return new Array<unknown>(entries.length).fill(undefined);
  }
  async snapshot(): Promise<{ index: number; data: Uint8Array }> {
    const data = Buffer.alloc(8);
    data.writeDoubleBE(this.count);
    return { index: this.applied, data };
  }
  async restore(s: { index: number; data: Uint8Array }): Promise<void> {
    this.count = Buffer.from(s.data).readDoubleBE(0);
    this.applied = s.index;
  }
  appliedIndex(): number {
    return 0;
  }
}

const logger = createLogger({ service: 'raft-bench', level: process.env.LOG_LEVEL ?? 'warn' });

interface Running {
  node: RaftNode;
  engine: RocksDbEngine;
}

async function openTransport(id: NodeId): Promise<{ transport: GrpcRaftTransport; port: number }> {
  const transport = new GrpcRaftTransport({ selfId: id, group: 'bench', logger: logger.child({ node: id }) });
  return { transport, port: await transport.listen('127.0.0.1:0') };
}

async function startNode(
  id: NodeId,
  dir: string,
  transport: GrpcRaftTransport,
  peers: { id: NodeId; address: string }[],
): Promise<Running> {
  const engine = await RocksDbEngine.open(dir);
  const storage = await RocksDbRaftStorage.open(engine, 'bench');
  const node = await RaftNode.start({
    id,
    peers,
    storage,
    transport,
    app: new CountingApp(),
    logger: logger.child({ node: id }),
  });
  return { node, engine };
}

/** Closed loop: `concurrency` proposers each propose, wait for the commit, and propose again. */
async function runLoad(
  node: RaftNode,
  concurrency: number,
  seconds: number,
  size: number,
): Promise<LoadResult> {
  const payload = Buffer.alloc(size, 0x61);
  const latencies: number[] = [];
  let failed = 0;
  const until = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        await node.propose(payload);
        latencies.push(performance.now() - t0);
      } catch {
        failed++;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return {
    concurrency,
    committed: latencies.length,
    seconds: elapsed,
    p50: pct(0.5),
    p99: pct(0.99),
    failed,
  };
}

async function waitForLeader(isLeader: () => Promise<NodeId | undefined>): Promise<NodeId> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const id = await isLeader();
    if (id !== undefined) return id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no leader elected within 15 s');
}

// ---------------------------------------------------------------------------------------------------------------
// Child process: one node, driven by the parent over IPC.

type ToChild =
  | { kind: 'start'; peers: { id: NodeId; address: string }[] }
  | { kind: 'leader?' }
  | { kind: 'run'; concurrency: number; seconds: number; size: number }
  | { kind: 'exit' };
type ToParent =
  | { kind: 'port'; port: number }
  | { kind: 'started' }
  | { kind: 'leader'; isLeader: boolean }
  | { kind: 'result'; result: LoadResult };

async function child(id: NodeId, dir: string): Promise<void> {
  const send = (m: ToParent): void => void process.send!(m);
  const { transport, port } = await openTransport(id);
  let running: Running | undefined;
  process.on('message', (m: ToChild) => {
    void (async () => {
      switch (m.kind) {
        case 'start':
          running = await startNode(id, dir, transport, m.peers);
          send({ kind: 'started' });
          break;
        case 'leader?':
          send({ kind: 'leader', isLeader: running?.node.isLeader ?? false });
          break;
        case 'run':
          send({ kind: 'result', result: await runLoad(running!.node, m.concurrency, m.seconds, m.size) });
          break;
        case 'exit':
          await running?.node.stop();
          await running?.engine.close();
          process.exit(0);
      }
    })();
  });
  send({ kind: 'port', port });
}

class ChildNode {
  private readonly waiting: ((m: ToParent) => void)[] = [];
  constructor(
    readonly id: NodeId,
    readonly proc: ChildProcess,
  ) {
    proc.on('message', (m: ToParent) => this.waiting.shift()?.(m));
  }
  next<K extends ToParent['kind']>(kind: K): Promise<Extract<ToParent, { kind: K }>> {
    return new Promise((resolve, reject) =>
      this.waiting.push((m) =>
        m.kind === kind
          ? resolve(m as Extract<ToParent, { kind: K }>)
          : reject(new Error(`expected ${kind}, got ${m.kind}`)),
      ),
    );
  }
  ask<K extends ToParent['kind']>(m: ToChild, reply: K): Promise<Extract<ToParent, { kind: K }>> {
    const p = this.next(reply);
    this.proc.send(m);
    return p;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parent

async function main(): Promise<void> {
  const values = parseCli(
    cliProgram('raft-bench', 'committed entries/s and latency of a 3-voter Raft group over gRPC and RocksDB')
      .addOption(new Option('--child <id>', 'internal: run as node <id> of a parent bench').hideHelp())
      .addOption(new Option('--dir <dir>', "internal: the child node's data dir").hideHelp())
      .option(
        '--single-process',
        'run the three nodes in this process instead of three child processes',
        false,
      )
      .option('--seconds <s>', 'measured seconds per concurrency level', numberArg('--seconds', 0.1), 5)
      .option(
        '--concurrency <list>',
        'concurrent proposers, one measurement per level',
        numberListArg(integerArg('--concurrency', 1, 1_000_000)),
        [1, 100, 1000],
      )
      .option('--size <bytes>', 'bytes per entry', integerArg('--size', 1, 16 * 1024 * 1024), 100),
  ).opts<{
    child?: string;
    dir?: string;
    singleProcess: boolean;
    seconds: number;
    concurrency: number[];
    size: number;
  }>();
  if (values.child) return child(Number(values.child), values.dir!);

  const seconds = values.seconds;
  const size = values.size;
  const levels = values.concurrency;
  const single = values.singleProcess;
  const root = mkdtempSync(join(tmpdir(), 'raft-bench-'));
  const ids = [1, 2, 3];
  const results: LoadResult[] = [];
  try {
    if (single) {
      const opened = await Promise.all(ids.map(openTransport));
      const peers = ids.map((id, i) => ({ id, address: `127.0.0.1:${opened[i]!.port}` }));
      const nodes = await Promise.all(
        ids.map((id, i) => startNode(id, join(root, `n${id}`), opened[i]!.transport, peers)),
      );
      const leaderId = await waitForLeader(async () => nodes.find((n) => n.node.isLeader)?.node.id);
      const leader = nodes.find((n) => n.node.id === leaderId)!.node;
      await runLoad(leader, 100, 1, size); // warm-up
      for (const c of levels) results.push(await runLoad(leader, c, seconds, size));
      for (const n of nodes) {
        await n.node.stop();
        await n.engine.close();
      }
    } else {
      const self = fileURLToPath(import.meta.url);
      const children = ids.map(
        (id) =>
          new ChildNode(
            id,
            fork(self, ['--child', String(id), '--dir', join(root, `n${id}`)], {
              stdio: 'inherit',
              // BENCH_NODE_OPTIONS="--cpu-prof" profiles each node process.
              execArgv: (process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean),
            }),
          ),
      );
      const ports = await Promise.all(children.map((c) => c.next('port')));
      const peers = ids.map((id, i) => ({ id, address: `127.0.0.1:${ports[i]!.port}` }));
      await Promise.all(children.map((c) => c.ask({ kind: 'start', peers }, 'started')));
      const leaderId = await waitForLeader(async () => {
        const answers = await Promise.all(children.map((c) => c.ask({ kind: 'leader?' }, 'leader')));
        const i = answers.findIndex((a) => a.isLeader);
        return i < 0 ? undefined : ids[i];
      });
      const leader = children.find((c) => c.id === leaderId)!;
      await leader.ask({ kind: 'run', concurrency: 100, seconds: 1, size }, 'result'); // warm-up
      for (const c of levels) {
        results.push((await leader.ask({ kind: 'run', concurrency: c, seconds, size }, 'result')).result);
      }
      for (const c of children) c.proc.send({ kind: 'exit' } satisfies ToChild);
      await Promise.all(children.map((c) => new Promise((r) => c.proc.once('exit', r))));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  const mode = single ? '1 process' : '3 processes';
  console.log(
    `raft replication: 3 voters (${mode}), gRPC on loopback, RocksDB (fsync per Ready), ${size}-byte entries`,
  );
  console.log('proposers | committed/s | p50 ms | p99 ms | failed');
  console.log('----------|-------------|--------|--------|-------');
  for (const r of results) {
    console.log(
      `${String(r.concurrency).padStart(9)} | ${Math.round(r.committed / r.seconds)
        .toString()
        .padStart(11)} | ${r.p50.toFixed(2).padStart(6)} | ${r.p99.toFixed(2).padStart(6)} | ${r.failed}`,
    );
  }
  const args = process.argv.slice(2).join(' ');
  console.log(`command: npx tsc -b libs/raft && node libs/raft/dist/node/bench.js${args ? ` ${args}` : ''}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
