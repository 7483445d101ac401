// `robust-bench placement`: writes/s and linearizable reads/s of our placement center and etcd 3.4, 1 and 3
// members, with 1, 100 and 1000 concurrent clients, driven by the same closed-loop load generator, in one run.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCleanup, onBenchExit } from './child-processes.js';
import { percentile } from './statistics.js';
import {
  etcdAvailable,
  startEtcd,
  startRobustmq,
  type KvClient,
  type PlacementSystem,
  type RunningCluster,
} from './placement-systems.js';
import { cpuTimeMs, voluntaryContextSwitches } from './proc-stats.js';
import { markStageWindow, stageTimingsDir, takeStageReport } from './stage-report.js';
import type { StageReport } from '@robustmq/common';

export interface PlacementBenchOptions {
  systems: PlacementSystem[];
  members: number[];
  clients: number[];
  durationS: number;
  /** Unmeasured load before the first cell of each cluster (seconds), so JIT-compiled servers are measured warm. */
  warmupS: number;
  /** gRPC/HTTP2 connections the clients share (one client object each). */
  connections: number;
  command: string;
}

interface Row {
  system: PlacementSystem;
  members: number;
  clients: number;
  op: 'write' | 'read';
  opsPerSec: number;
  /** operations completed in the cell */
  ops: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Our members' stage timings over the cell (ROBUSTMQ_STAGE_TIMINGS set), in member order. */
  stages?: (StageReport | undefined)[];
  errors: number;
  cpuPerOpUs: number;
  /** CPU of this process (the load generator and the system's client library) per operation. */
  clientCpuPerOpUs: number;
  /** Voluntary context switches (thread wake-ups) summed over the member processes, per operation. */
  wakeupsPerOp: number;
}

const VALUE = Buffer.alloc(100, 'v');

async function closedLoop(
  clients: KvClient[],
  concurrency: number,
  durationS: number,
  op: (client: KvClient, i: number) => Promise<void>,
): Promise<{ ops: number; latencies: number[]; errors: number; seconds: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + durationS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const client = clients[worker % clients.length]!;
      let i = 0;
      while (performance.now() < end) {
        const t = performance.now();
        try {
          // workers start 7,919 keys apart (a prime), so concurrent clients spread over the key space instead of
          // writing the same keys in step
          await op(client, worker * 7_919 + i++);
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { ops: latencies.length, latencies, errors, seconds: (performance.now() - start) / 1000 };
}

async function measure(cluster: RunningCluster, options: PlacementBenchOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const clients = Array.from({ length: options.connections }, () => cluster.newClient());
  try {
    if (options.warmupS > 0) {
      // Node's JIT keeps optimising for many seconds after start (a fresh member spends a fifth of its CPU compiling
      // at first): warm both paths — one caller at a time and many at once — before measuring. etcd gets the same.
      process.stderr.write(
        `  ${cluster.system} × ${cluster.members}: warming up for ${options.warmupS} s …\n`,
      );
      const quarter = options.warmupS / 4;
      for (const concurrency of [1, 100]) {
        await closedLoop(clients, concurrency, quarter, (client, i) =>
          client.put(`bench/k${i % 10_000}`, VALUE),
        );
        await closedLoop(clients, concurrency, quarter, (client, i) => client.get(`bench/k${i % 10_000}`));
      }
    }
    for (const concurrency of options.clients) {
      for (const kind of ['write', 'read'] as const) {
        process.stderr.write(
          `  ${cluster.system} × ${cluster.members}: ${concurrency} clients, ${kind}s …\n`,
        );
        const cpuBefore = cluster.pids.reduce((s, pid) => s + cpuTimeMs(pid) / 1000, 0);
        const switchesBefore = cluster.pids.reduce((s, pid) => s + voluntaryContextSwitches(pid), 0);
        const clientCpuBefore = process.cpuUsage();
        const stages = cluster.system !== 'etcd' && stageTimingsDir() !== undefined;
        if (stages) await stageWindow(cluster.pids);
        const result = await closedLoop(clients, concurrency, options.durationS, (client, i) =>
          kind === 'write' ? client.put(`bench/k${i % 10_000}`, VALUE) : client.get(`bench/k${i % 10_000}`),
        );
        const cpu = cluster.pids.reduce((s, pid) => s + cpuTimeMs(pid) / 1000, 0) - cpuBefore;
        const switches =
          cluster.pids.reduce((s, pid) => s + voluntaryContextSwitches(pid), 0) - switchesBefore;
        const clientCpu = process.cpuUsage(clientCpuBefore);
        const reports = stages ? await stageWindow(cluster.pids) : undefined;
        const sorted = result.latencies.sort((a, b) => a - b);
        rows.push({
          system: cluster.system,
          members: cluster.members,
          clients: concurrency,
          op: kind,
          opsPerSec: result.ops / result.seconds,
          ops: result.ops,
          p50: percentile(sorted, 0.5),
          p99: percentile(sorted, 0.99),
          p999: percentile(sorted, 0.999),
          max: sorted[sorted.length - 1] ?? 0,
          ...(reports ? { stages: reports } : {}),
          errors: result.errors,
          cpuPerOpUs: result.ops ? (cpu / result.ops) * 1e6 : 0,
          clientCpuPerOpUs: result.ops ? (clientCpu.user + clientCpu.system) / result.ops : 0,
          wakeupsPerOp: result.ops ? switches / result.ops : 0,
        });
      }
    }
  } finally {
    for (const client of clients) client.close();
  }
  return rows;
}

/**
 * Ends the members' stage-timing window (SIGUSR2: each writes what it recorded since the last mark and starts over)
 * and returns their reports, in member order (undefined for a member that wrote none within 3 s).
 */
async function stageWindow(pids: number[]): Promise<(StageReport | undefined)[]> {
  for (const pid of pids) markStageWindow(pid);
  const reports: (StageReport | undefined)[] = pids.map(() => undefined);
  const deadline = Date.now() + 3_000;
  while (reports.some((r) => r === undefined) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    pids.forEach((pid, k) => (reports[k] ??= takeStageReport(pid)));
  }
  return reports;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const SYSTEM_LABEL: Record<PlacementSystem, string> = {
  robustmq: 'robustmq',
  'robustmq-unbatched': 'robustmq, one RPC per call',
  etcd: 'etcd 3.4',
};

function report(rows: Row[], options: PlacementBenchOptions): string {
  const lines: string[] = [];
  lines.push('## robust-bench placement', '');
  lines.push(
    `${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} · 100-byte values over 10,000 keys · closed loop: each client issues its next request when the previous answers · ${options.durationS} s per cell after ${options.warmupS} s of unmeasured warm-up per cluster · ${options.connections} client connections shared by the clients`,
    '',
    '- robustmq: our placement center through PlacementClient, which sends the KV calls of one event-loop turn as one Batch RPC (each call keeps its own result and request id); writes through the Raft log when 3 members; reads linearizable via ReadIndex',
    '- robustmq, one RPC per call: the same with PlacementClient batching off',
    '- etcd 3.4: Debian etcd 3.4.23 through the etcd3 npm client (one RPC per call; writes through Raft; reads linearizable by default)',
    "- server CPU µs/op: summed over the system's member processes; client CPU: this load-generator process, client library included",
    "- server wake-ups/op: voluntary context switches summed over the member processes' threads, per operation (each is a thread that slept waiting for a socket, a pool job or a disk flush and was woken: the hops an operation crosses)",
    `- load average at the end: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(', ')} on ${availableParallelism()} CPUs`,
    '',
  );
  for (const op of ['write', 'read'] as const) {
    lines.push(`### ${op === 'write' ? 'Writes' : 'Linearizable reads'}`, '');
    lines.push(
      '| members | clients | system | ops/s | vs etcd | p50 / p99 ms | server CPU µs/op | server wake-ups/op | client CPU µs/op | errors |',
    );
    lines.push('| ---: | ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const members of options.members) {
      for (const clients of options.clients) {
        const etcd = rows.find(
          (r) => r.system === 'etcd' && r.members === members && r.clients === clients && r.op === op,
        );
        for (const system of options.systems) {
          const r = rows.find(
            (x) => x.system === system && x.members === members && x.clients === clients && x.op === op,
          );
          if (!r) continue;
          const ratio = etcd && system !== 'etcd' ? `${fmt(r.opsPerSec / etcd.opsPerSec, 2)}×` : '–';
          lines.push(
            `| ${members} | ${clients} | ${SYSTEM_LABEL[system]} | ${fmt(r.opsPerSec)} | ${ratio} | ${fmt(r.p50, 2)} / ${fmt(r.p99, 2)} | ${fmt(r.cpuPerOpUs)} | ${fmt(r.wakeupsPerOp, 1)} | ${fmt(r.clientCpuPerOpUs)} | ${r.errors} |`,
          );
        }
      }
    }
    lines.push('');
  }
  lines.push('### Tails', '');
  lines.push(
    "Latency p99 / p99.9 / max per cell; with ROBUSTMQ_STAGE_TIMINGS=<dir> set, also each of our members' longest event-loop delay over the cell (how long its thread — the Raft loop's — was held at once, in 10 ms samples; the leader is the one serving the clients), the Raft log's segment switches, and the KB each member's JS heap allocated per operation (growth of its used heap plus what its GCs freed over the cell; Buffers' backing stores outside the heap not counted).",
    '',
    '| members | clients | system | op | p99 / p99.9 / max ms | longest event-loop delay per member ms | log segment switches (max ms) | heap KB allocated/op per member |',
    '| ---: | ---: | :--- | :--- | ---: | ---: | ---: | ---: |',
  );
  for (const r of rows) {
    const loop = r.stages?.map((s) => (s ? fmt(s.eventLoopDelay.max, 1) : '?')).join(' / ') ?? '–';
    const switches = r.stages
      ?.map((s) => {
        const sw = s?.stages['raft.log.switch'];
        return sw ? `${fmt(sw.count)} (${fmt(sw.max, 2)})` : '0';
      })
      .join(' / ');
    const allocated = r.stages
      ?.map((s) =>
        s?.heapAllocated !== undefined && r.ops > 0 ? fmt(s.heapAllocated / r.ops / 1024, 1) : '?',
      )
      .join(' / ');
    lines.push(
      `| ${r.members} | ${r.clients} | ${SYSTEM_LABEL[r.system]} | ${r.op} | ${fmt(r.p99, 2)} / ${fmt(r.p999, 2)} / ${fmt(r.max, 2)} | ${loop} | ${switches ?? '–'} | ${allocated ?? '–'} |`,
    );
  }
  lines.push('');
  lines.push(`Command: \`${options.command}\``, '');
  return lines.join('\n');
}

export async function runPlacementBench(options: PlacementBenchOptions): Promise<string> {
  installCleanup();
  const dir = mkdtempSync(join(tmpdir(), 'robust-bench-placement-'));
  onBenchExit(() => rmSync(dir, { recursive: true, force: true }));
  const systems = options.systems.filter((s) => {
    if (s === 'etcd' && !etcdAvailable()) {
      process.stderr.write('etcd is not installed (Debian: apt-get install etcd-server); skipping it\n');
      return false;
    }
    return true;
  });
  const rows: Row[] = [];
  // alternate systems per member count so both see similar machine conditions
  for (const members of options.members) {
    for (const system of systems) {
      process.stderr.write(`starting ${system} with ${members} member(s)\n`);
      const runDir = mkdtempSync(join(dir, `${system}-${members}-`));
      const cluster =
        system === 'etcd'
          ? await startEtcd(members, runDir)
          : await startRobustmq(members, runDir, { batching: system === 'robustmq' });
      try {
        rows.push(...(await measure(cluster, options)));
      } finally {
        await cluster.stop();
      }
    }
  }
  return report(rows, options);
}
