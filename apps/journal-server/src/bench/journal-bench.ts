// Journal benchmark: starts 1 placement center + 3 journal servers as separate processes (from dist/, on free
// ports, data in a temp dir), then measures append throughput of 100-byte records from batched producers through the
// journal StorageAdapter at acks=1 and acks=quorum (3 replicas), and read throughput of what was written. Prints the
// numbers and the command that made them.
//
//   npx tsc -b apps/journal-server apps/placement-center && node apps/journal-server/dist/bench/journal-bench.js \
//     [--records 1000000] [--batch 1000] [--producers 8] [--payload 100]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '@robustmq/common';
import { JournalStorageAdapter } from '@robustmq/storage-adapter';
import { printSummary } from './cpu-profile-summary.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '1000' },
    producers: { type: 'string', default: '8' },
    payload: { type: 'string', default: '100' },
    /** write V8 CPU profiles of the journal servers into this folder (and print their top self-time functions). */
    profile: { type: 'string' },
  },
});
const RECORDS = Number(values.records);
const BATCH = Number(values.batch);
const PRODUCERS = Number(values.producers);
const PAYLOAD = Number(values.payload);

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
  const prof = values.profile && name.startsWith('js') ? ['--cpu-prof', '--cpu-prof-dir', join(values.profile, name)] : [];
  const child = spawn(process.execPath, [...prof, join(ROOT, script), '--config', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

async function cluster(): Promise<string> {
  const grpc = await freePort();
  const http = await freePort();
  start('apps/placement-center/dist/main.js', ['[node]', `data_dir = "${join(dir, 'pc')}"`, '[network]', 'host = "127.0.0.1"', `grpc_port = ${grpc}`, `http_port = ${http}`, '[log]', 'level = "warn"'], 'pc');
  await healthy(http);
  for (const id of [1, 2, 3]) {
    const jhttp = await freePort();
    const data = await freePort();
    start(
      'apps/journal-server/dist/main.js',
      ['[node]', `id = ${id}`, `data_dir = "${join(dir, `js${id}`)}"`, '[network]', 'host = "127.0.0.1"', `data_port = ${data}`, 'grpc_port = 0', `http_port = ${jhttp}`, '[placement]', `addresses = ["127.0.0.1:${grpc}"]`, '[log]', 'level = "warn"'],
      `js${id}`,
    );
    await healthy(jhttp);
  }
  return `127.0.0.1:${grpc}`;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

async function appendRun(placement: string, acks: 'one' | 'quorum'): Promise<JournalStorageAdapter> {
  const adapter = new JournalStorageAdapter({ placementAddresses: [placement], namespace: `bench-${acks}`, replicaCount: 3, acks });
  await adapter.createShard('bench', { maxRecordsPerSegment: 10_000_000 });
  const payload = Buffer.alloc(PAYLOAD, 0x61);
  const batch = Array.from({ length: BATCH }, () => ({ payload, timestamp: Date.now() }));
  await adapter.append('bench', batch.slice(0, 1)); // warm up: leader takes over, connections open
  let issued = 0;
  const latencies: number[] = [];
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
  console.log(
    `append acks=${acks.padEnd(6)} ${RECORDS} records in ${seconds.toFixed(2)} s: ${Math.round(RECORDS / seconds).toLocaleString('en-US')} records/s, ` +
      `${((RECORDS * PAYLOAD) / seconds / 1e6).toFixed(1)} MB/s payload; batch latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
  );
  return adapter;
}

async function readRun(adapter: JournalStorageAdapter): Promise<void> {
  const end = (await adapter.describeShard('bench')).nextOffset;
  const started = process.hrtime.bigint();
  let offset = 0;
  while (offset < end) {
    const got = await adapter.read('bench', offset, { maxRecords: 10_000, maxBytes: 8 << 20 });
    offset += got.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`read (one reader, CRC-checked) ${end} records in ${seconds.toFixed(2)} s: ${Math.round(end / seconds).toLocaleString('en-US')} records/s`);
}

try {
  const placement = await cluster();
  console.log(`journal bench: ${RECORDS} records of ${PAYLOAD} B, ${PRODUCERS} producers x batches of ${BATCH}, 3 journal server processes, 3 replicas`);
  const one = await appendRun(placement, 'one');
  await one.close();
  const quorum = await appendRun(placement, 'quorum');
  await readRun(quorum);
  await quorum.close();
  console.log(
    `command: npx tsc -b apps/journal-server apps/placement-center && node apps/journal-server/dist/bench/journal-bench.js --records ${RECORDS} --batch ${BATCH} --producers ${PRODUCERS} --payload ${PAYLOAD}`,
  );
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
    for (const f of existsSync(folder) ? readdirSync(folder).filter((x) => x.endsWith('.cpuprofile')) : []) printSummary(join(folder, f), 20, `${name} ${f}`);
  }
}
