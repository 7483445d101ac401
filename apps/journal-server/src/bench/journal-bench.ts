// Journal benchmark: starts 1 placement center + 3 journal servers as separate processes (from dist/, on free
// ports, data in a temp dir), then measures append throughput of 100-byte records from batched producers through the
// journal StorageAdapter at acks=1 and acks=quorum (3 replicas), and read throughput of what was written; in the same
// run, as a reference, NATS JetStream (nats-server -js, file storage, R1 and a 3-node R3 cluster) with the same
// records and producers (nats-reference.ts; skipped with a message when nats-server is missing). --runs N repeats
// every measurement N times, interleaved, and prints medians and the journal/NATS ratios.
//
//   npx tsc -b apps/journal-server apps/placement-center && node apps/journal-server/dist/bench/journal-bench.js \
//     [--records 1000000] [--batch 1000] [--producers 8] [--payload 100] [--runs 1] [--nats true] [--profile DIR]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliProgram, freePort, integerArg, parseCli } from '@robustmq/common';
import { JournalStorageAdapter } from '@robustmq/storage-adapter';
import { printSummary } from './cpu-profile-summary.js';
import { natsServerVersion, natsUnavailable, runNats } from './nats-reference.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const values = parseCli(
  cliProgram(
    'journal-bench',
    'append and read throughput of 3 journal servers (acks=1 and quorum) through the journal StorageAdapter, next to NATS JetStream',
  )
    .option('--records <n>', 'records appended per measurement', integerArg('--records', 1), 1_000_000)
    .option('--batch <n>', 'records per append batch', integerArg('--batch', 1), 1000)
    .option('--producers <n>', 'concurrent producers', integerArg('--producers', 1, 10_000), 8)
    .option(
      '--payload <bytes>',
      'payload bytes per record',
      integerArg('--payload', 0, 16 * 1024 * 1024),
      100,
    )
    .option(
      '--runs <n>',
      'repeat every measurement this often, interleaved; medians are printed',
      integerArg('--runs', 1, 100),
      1,
    )
    .option('--nats <bool>', "run the NATS JetStream reference too ('false' to leave it out)", 'true')
    .option(
      '--profile <dir>',
      'write V8 CPU profiles of the journal servers here and print their top self-time functions',
    ),
).opts<{
  records: number;
  batch: number;
  producers: number;
  payload: number;
  runs: number;
  nats: string;
  profile?: string;
}>();
const RECORDS = values.records;
const BATCH = values.batch;
const PRODUCERS = values.producers;
const PAYLOAD = values.payload;
const RUNS = values.runs;

const dir = mkdtempSync(join(tmpdir(), 'robustmq-journal-bench-'));
const children: ChildProcess[] = [];

async function healthy(port: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    try {
      const body = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string };
      if (body.status === 'ok') return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process on HTTP port ${port} did not start`);
}

function start(script: string, toml: string[], name: string): ChildProcess {
  const file = join(dir, `${name}.toml`);
  writeFileSync(file, toml.join('\n'));
  const prof =
    values.profile && name.startsWith('js')
      ? ['--cpu-prof', '--cpu-prof-dir', join(values.profile, name)]
      : [];
  const child = spawn(process.execPath, [...prof, join(ROOT, script), '--config', file], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  if (name.startsWith('js') && child.pid !== undefined) journalPids.push(child.pid);
  return child;
}

async function cluster(): Promise<string> {
  const grpc = await freePort();
  const http = await freePort();
  start(
    'apps/placement-center/dist/main.js',
    [
      '[node]',
      `data_dir = "${join(dir, 'pc')}"`,
      '[network]',
      'host = "127.0.0.1"',
      `grpc_port = ${grpc}`,
      `http_port = ${http}`,
      '[log]',
      'level = "warn"',
    ],
    'pc',
  );
  await healthy(http);
  for (const id of [1, 2, 3]) {
    const jhttp = await freePort();
    const data = await freePort();
    start(
      'apps/journal-server/dist/main.js',
      [
        '[node]',
        `id = ${id}`,
        `data_dir = "${join(dir, `js${id}`)}"`,
        '[network]',
        'host = "127.0.0.1"',
        `data_port = ${data}`,
        'grpc_port = 0',
        `http_port = ${jhttp}`,
        '[placement]',
        `addresses = ["127.0.0.1:${grpc}"]`,
        '[log]',
        'level = "warn"',
      ],
      `js${id}`,
    );
    await healthy(jhttp);
  }
  return `127.0.0.1:${grpc}`;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const results = new Map<string, number[]>();
const journalPids: number[] = [];

/**
 * CPU seconds used so far by the journal servers (from /proc) and this load generator: on a shared, noisy machine
 * the CPU cost per record is steadier than wall-clock throughput, and 2 cores / cost is the ceiling when alone.
 */
function cpuSeconds(): { servers: number; serversSys: number; client: number } {
  let ticks = 0;
  let sys = 0;
  for (const pid of journalPids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
      sys += Number(fields[12]);
    } catch {
      // not Linux, or the process is gone: servers' CPU is then not reported
    }
  }
  const c = process.cpuUsage();
  return { servers: ticks / 100, serversSys: sys / 100, client: (c.user + c.system) / 1e6 };
}

function cpuNote(before: ReturnType<typeof cpuSeconds>, records: number, name: string): string {
  const after = cpuSeconds();
  const servers = ((after.servers - before.servers) / records) * 1e6;
  const client = ((after.client - before.client) / records) * 1e6;
  const kernel = ((after.serversSys - before.serversSys) / records) * 1e6;
  if (servers > 0) record(`${name} CPU us/record`, servers + client);
  return servers > 0
    ? `; CPU ${servers.toFixed(2)} us/record in the 3 servers (${kernel.toFixed(2)} of it in the kernel) + ${client.toFixed(2)} in the client`
    : '';
}
const record = (name: string, value: number) => results.set(name, [...(results.get(name) ?? []), value]);

async function appendRun(
  placement: string,
  acks: 'one' | 'quorum',
  run: number,
): Promise<JournalStorageAdapter> {
  const adapter = new JournalStorageAdapter({
    placementAddresses: [placement],
    namespace: `bench-${acks}-${run}`,
    replicaCount: 3,
    acks,
  });
  await adapter.createShard('bench', { maxRecordsPerSegment: 10_000_000 });
  const payload = Buffer.alloc(PAYLOAD, 0x61);
  const batch = Array.from({ length: BATCH }, () => ({ payload, timestamp: Date.now() }));
  await adapter.append('bench', batch.slice(0, 1)); // warm up: leader takes over, connections open
  let issued = 0;
  const latencies: number[] = [];
  const cpu = cpuSeconds();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (issued < RECORDS) {
        const n = Math.min(BATCH, RECORDS - issued);
        issued += n;
        const t0 = performance.now();
        await adapter.append('bench', n === BATCH ? batch : batch.slice(0, n));
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  record(`journal append acks=${acks}`, RECORDS / seconds);
  console.log(
    `journal append acks=${acks.padEnd(6)} ${RECORDS} records in ${seconds.toFixed(2)} s: ${fmt(RECORDS / seconds)} records/s, ` +
      `${((RECORDS * PAYLOAD) / seconds / 1e6).toFixed(1)} MB/s payload; batch latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms` +
      cpuNote(cpu, RECORDS, `journal append acks=${acks}`),
  );
  return adapter;
}

async function readRun(adapter: JournalStorageAdapter): Promise<void> {
  const end = (await adapter.describeShard('bench')).nextOffset;
  const cpu = cpuSeconds();
  const started = process.hrtime.bigint();
  let offset = 0;
  while (offset < end) {
    const got = await adapter.read('bench', offset, { maxRecords: 10_000, maxBytes: 8 << 20 });
    offset += got.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  record('journal read', end / seconds);
  console.log(
    `journal read (one reader, CRC-checked) ${end} records in ${seconds.toFixed(2)} s: ${fmt(end / seconds)} records/s${cpuNote(cpu, end, 'journal read')}`,
  );
}

const command =
  `npx tsc -b apps/journal-server apps/placement-center && node apps/journal-server/dist/bench/journal-bench.js --records ${RECORDS} --batch ${BATCH} ` +
  `--producers ${PRODUCERS} --payload ${PAYLOAD} --runs ${RUNS}${values.nats === 'false' ? ' --nats false' : ''}`;
try {
  const natsMissing = values.nats === 'false' ? 'left out (--nats false)' : await natsUnavailable();
  const placement = await cluster();
  console.log(
    `journal bench: ${RECORDS} records of ${PAYLOAD} B, ${PRODUCERS} producers x batches of ${BATCH}, 3 journal server processes, 3 replicas; ${RUNS} run(s)`,
  );
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (${cpus().length} CPUs)`,
  );
  if (natsMissing) console.log(`NATS JetStream reference skipped: ${natsMissing}`);
  else
    console.log(`NATS JetStream reference: ${natsServerVersion()}, file storage, same records and producers`);
  for (let run = 1; run <= RUNS; run++) {
    if (RUNS > 1) console.log(`-- run ${run}/${RUNS}`);
    const one = await appendRun(placement, 'one', run);
    await one.close();
    const quorum = await appendRun(placement, 'quorum', run);
    await readRun(quorum);
    await quorum.close();
    if (natsMissing) continue;
    for (const replicas of [1, 3] as const) {
      try {
        const r = await runNats({
          dir: join(dir, `nats-${run}`),
          records: RECORDS,
          batch: BATCH,
          producers: PRODUCERS,
          payload: PAYLOAD,
          replicas,
        });
        record(`nats append R${replicas}`, r.appendPerSec);
        if (r.serverCpuUs > 0)
          record(`nats append R${replicas} CPU us/record`, r.serverCpuUs + r.clientCpuUs);
        if (r.readPerSec !== undefined) record(`nats read R${replicas}`, r.readPerSec);
        console.log(
          `nats jetstream R${replicas} publish ${RECORDS} records: ${fmt(r.appendPerSec)} records/s; batch latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; ` +
            `CPU ${r.serverCpuUs.toFixed(2)} us/record in nats-server + ${r.clientCpuUs.toFixed(2)} in the client` +
            (r.readPerSec !== undefined ? `; read (ordered consumer) ${fmt(r.readPerSec)} records/s` : ''),
        );
      } catch (err) {
        console.log(`nats jetstream R${replicas} failed: ${(err as Error).message}`);
      }
    }
  }
  console.log(`medians over ${RUNS} run(s):`);
  for (const [name, xs] of results) {
    if (name.endsWith('CPU us/record'))
      console.log(
        `  ${name.padEnd(42)} ${median(xs).toFixed(2).padStart(10)}   (runs: ${xs.map((x) => x.toFixed(2)).join(', ')})`,
      );
    else
      console.log(
        `  ${name.padEnd(42)} ${fmt(median(xs)).padStart(10)} records/s   (runs: ${xs.map(fmt).join(', ')})`,
      );
  }
  const ratio = (a: string, b: string) => {
    const x = median(results.get(a) ?? []);
    const y = median(results.get(b) ?? []);
    if (Number.isFinite(x) && Number.isFinite(y)) console.log(`  ${a} / ${b} = ${(x / y).toFixed(2)}`);
  };
  ratio('journal append acks=quorum', 'nats append R3');
  ratio('journal append acks=one', 'nats append R1');
  ratio('journal read', 'nats read R3');
  ratio('nats append R3 CPU us/record', 'journal append acks=quorum CPU us/record');
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`command: ${command}`);
} finally {
  // profiled servers must exit cleanly to write their profiles; the rest need no courtesy
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const timer = setTimeout(() => c.kill('SIGKILL'), values.profile ? 10_000 : 0);
          c.once('exit', () => (clearTimeout(timer), resolve()));
          c.kill(values.profile ? 'SIGTERM' : 'SIGKILL');
        }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}
if (values.profile) {
  for (const name of ['js1', 'js2', 'js3']) {
    const folder = join(values.profile, name);
    for (const f of existsSync(folder) ? readdirSync(folder).filter((x) => x.endsWith('.cpuprofile')) : [])
      printSummary(join(folder, f), 20, `${name} ${f}`);
  }
}
