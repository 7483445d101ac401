// Append benchmark for the StorageAdapter implementations: N concurrent producers each append batches of fixed-size
// records (100 bytes by default) and we print records/s, p50/p99 latency of one append() call, the process's CPU per
// append (all threads), and the command that reproduces the run. For the rocksdb adapter every append is durable
// before it resolves (its write-ahead log; `rocksdb-nowal`: a synced RocksDB batch, the path before the log), so the
// numbers include fsync, shared through group commit — `--producers 1 --batch 1` is a lone writer, every append its
// own fsync; for the mysql adapter every append is a committed InnoDB transaction
// (shared through group commit too) on the server given by --mysql-url (or ROBUSTMQ_MYSQL_URL), in a database of its
// own that is dropped afterwards.
//   build: npx tsc -b libs/storage-adapter
//   run:   node libs/storage-adapter/dist/bench/append-bench.js --producers 16 --batch 10 --records 200000
//          … --adapters mysql --mysql-url mysql://root@127.0.0.1:3306
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cliProgram, integerArg, listArg, parseCli, usageError } from '@robustmq/common';
import { createConnection } from 'mysql2/promise';
import { MemoryStorageAdapter } from '../memory-adapter.js';
import { MySqlStorageAdapter } from '../mysql-adapter.js';
import { RocksDbStorageAdapter } from '../rocksdb-adapter.js';
import type { AppendRecord, StorageAdapter } from '../storage-adapter.js';

interface BenchConfig {
  producers: number;
  batch: number;
  records: number;
  payload: number;
  adapters: string[];
  mysqlUrl: string | undefined;
}

interface BenchResult {
  adapter: string;
  records: number;
  seconds: number;
  appends: number;
  latenciesMs: number[];
  /** user + system CPU of the whole process (every thread) over the appends, in µs */
  cpuUs: number;
  note: string;
}

const ADAPTERS = ['rocksdb', 'rocksdb-nowal', 'memory', 'mysql'] as const;

function parseConfig(argv: string[]): BenchConfig {
  const program = cliProgram(
    'append-bench',
    'records/s and append latency of the StorageAdapter implementations',
  )
    .option('--producers <n>', 'concurrent producers', integerArg('--producers', 1), 16)
    .option('--batch <n>', 'records per append() call', integerArg('--batch', 1), 10)
    .option('--records <n>', 'records appended per adapter', integerArg('--records', 1), 200_000)
    .option('--payload <bytes>', 'payload bytes per record', integerArg('--payload', 1), 100)
    .option(
      '--adapters <list>',
      `adapters to measure (${ADAPTERS.join(',')})`,
      listArg(ADAPTERS, 'adapter'),
      ['rocksdb', 'memory'],
    )
    .option(
      '--mysql-url <url>',
      'for mysql: mysql://user:password@host:port (default: ROBUSTMQ_MYSQL_URL)',
      process.env.ROBUSTMQ_MYSQL_URL,
    );
  const values = parseCli(program, argv).opts<{
    producers: number;
    batch: number;
    records: number;
    payload: number;
    adapters: string[];
    mysqlUrl?: string;
  }>();
  const mysqlUrl = values.mysqlUrl?.replace(/\/+$/, '');
  if (values.adapters.includes('mysql') && !mysqlUrl) {
    usageError(
      program,
      '--adapters mysql needs --mysql-url mysql://user:password@host:port (or ROBUSTMQ_MYSQL_URL); the benchmark ' +
        'creates and drops a database of its own there',
    );
  }
  return { ...values, mysqlUrl };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function run(
  adapter: StorageAdapter,
  config: BenchConfig,
): Promise<Omit<BenchResult, 'adapter' | 'note'>> {
  await adapter.createShard('bench', { maxRecordsPerSegment: 100_000 });
  const payload = Buffer.alloc(config.payload, 0x61);
  const perProducer = Math.ceil(config.records / config.producers);
  const latenciesMs: number[] = [];
  let records = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: config.producers }, async (_, p) => {
      for (let sent = 0; sent < perProducer;) {
        const n = Math.min(config.batch, perProducer - sent);
        const batch: AppendRecord[] = Array.from({ length: n }, () => ({ key: `p${p}`, payload }));
        const t0 = performance.now();
        await adapter.append('bench', batch);
        latenciesMs.push(performance.now() - t0);
        sent += n;
        records += n;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const end = (await adapter.describeShard('bench')).nextOffset;
  if (end !== records)
    throw new Error(`bench check failed: appended ${records} records but the shard holds ${end}`);
  return { records, seconds, appends: latenciesMs.length, latenciesMs, cpuUs: cpu.user + cpu.system };
}

async function benchAdapter(name: string, config: BenchConfig): Promise<BenchResult> {
  if (name === 'memory') {
    const adapter = new MemoryStorageAdapter();
    try {
      return { adapter: name, ...(await run(adapter, config)), note: '' };
    } finally {
      await adapter.close();
    }
  }
  if (name === 'mysql') {
    const database = `robustmq_bench_${process.pid}_${Date.now().toString(36)}`;
    const adapter = await MySqlStorageAdapter.open({ url: `${config.mysqlUrl}/${database}` });
    try {
      const result = await run(adapter, config);
      const stats = adapter.groupCommitStats;
      const note = `${stats.batches} transactions, ${(stats.writes / stats.batches).toFixed(1)} appends/transaction avg, largest ${stats.largestBatch}`;
      return { adapter: name, ...result, note };
    } finally {
      await adapter.close();
      const conn = await createConnection({ uri: config.mysqlUrl! });
      await conn.query(`DROP DATABASE IF EXISTS ${conn.escapeId(database)}`);
      await conn.end();
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'robustmq-append-bench-'));
  try {
    const adapter = await RocksDbStorageAdapter.open(dir, { wal: name === 'rocksdb' });
    try {
      const result = await run(adapter, config);
      const stats = adapter.groupCommitStats;
      const note = `${stats.batches} ${name === 'rocksdb' ? 'log fdatasyncs' : 'synced batches'}, ${(stats.writes / stats.batches).toFixed(1)} appends/batch avg, largest ${stats.largestBatch}`;
      return { adapter: name, ...result, note };
    } finally {
      await adapter.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const script = relative(process.cwd(), fileURLToPath(import.meta.url)) || fileURLToPath(import.meta.url);
  const command =
    `node ${script} --producers ${config.producers} --batch ${config.batch} --records ${config.records} ` +
    `--payload ${config.payload} --adapters ${config.adapters.join(',')}` +
    (config.adapters.includes('mysql')
      ? ` --mysql-url ${config.mysqlUrl!.replace(/:[^:@/]*@/, ':***@')}`
      : '');
  console.log(`command: (cd ${process.cwd()} && ${command})`);
  console.log(
    `node ${process.version}, ${config.producers} producers × batches of ${config.batch} × ${config.payload}-byte payloads, ` +
      `${config.records} records per adapter`,
  );
  for (const name of config.adapters) {
    const r = await benchAdapter(name, config);
    const sorted = [...r.latenciesMs].sort((x, y) => x - y);
    console.log(
      `${r.adapter.padEnd(8)} ${Math.round(r.records / r.seconds)
        .toLocaleString('en-US')
        .padStart(
          11,
        )} records/s  ${((r.records * config.payload) / r.seconds / 1e6).toFixed(1)} MB/s payload  ` +
        `append p50 ${percentile(sorted, 50).toFixed(2)} ms  p99 ${percentile(sorted, 99).toFixed(2)} ms  ` +
        `max ${sorted[sorted.length - 1]!.toFixed(2)} ms  CPU ${(r.cpuUs / r.appends).toFixed(1)} µs/append  ` +
        `(${r.appends} appends in ${r.seconds.toFixed(2)} s)` +
        (r.note ? `  [${r.note}]` : ''),
    );
  }
}

main().catch((err: unknown) => {
  console.error(`append-bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
