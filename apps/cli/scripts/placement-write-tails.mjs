// Where a lone client's slow placement writes come from (issue #19): starts 3 members as `robust-bench placement`
// does (with placement-trace-preload.mjs in each), warms up, runs one closed-loop writer for DUR seconds, and tags the
// slowest 1 % of its writes with what overlapped them: a GC pause in a member (L = the leader, the busiest; F1, F2)
// or in this client (C), a member's fdatasync longer than that member's p90, an event-loop stall of a member. Prints
// the tally next to the share of all writes each tag touches, so a cause shows as over-represented in the tail.
//   node apps/cli/scripts/placement-write-tails.mjs            (DUR=8; ROBUST_BENCH_PLACEMENT_MAIN=<other build> works)
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const traceDir = mkdtempSync(join(tmpdir(), 'placement-trace-'));
process.env.PLACEMENT_TRACE_DIR = traceDir;
const preload = fileURLToPath(new URL('./placement-trace-preload.mjs', import.meta.url));
process.env.PLACEMENT_NODE_ARGS = `${process.env.PLACEMENT_NODE_ARGS ?? ''} --import=${preload}`;
const { startRobustmq } = await import('../dist/bench/placement-systems.js');
const seconds = Number(process.env.DUR ?? 8);
const dataDir = mkdtempSync(join(tmpdir(), 'placement-tails-'));
const cluster = await startRobustmq(3, dataDir);
const client = cluster.newClient();
const VALUE = Buffer.alloc(100, 'v');
const t0 = performance.timeOrigin;

async function closedLoop(concurrency, s, record) {
  const end = performance.now() + s * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      let i = 0;
      while (performance.now() < end) {
        const started = performance.now();
        await client.put(`bench/k${(w * 7919 + i++) % 10000}`, VALUE);
        record?.push([t0 + started, performance.now() - started]);
      }
    }),
  );
}

await closedLoop(1, 2);
await closedLoop(100, 2);
await closedLoop(1, 2);
const clientGc = [];
new PerformanceObserver((l) => {
  for (const e of l.getEntries())
    clientGc.push([
      t0 + e.startTime,
      e.duration,
      e.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR ? 'minor' : 'other',
    ]);
}).observe({ entryTypes: ['gc'] });
const writes = [];
const loadBefore = loadavg()[0];
await closedLoop(1, seconds, writes);
client.close();
await cluster.stop();
await new Promise((r) => setTimeout(r, 300));

const traces = readdirSync(traceDir).map((f) => JSON.parse(readFileSync(join(traceDir, f), 'utf8')));
traces.sort((a, b) => b.cpuMs - a.cpuMs);
const names = traces.map((_, i) => (i === 0 ? 'L' : `F${i}`));
const from = writes[0][0];
const to = writes.at(-1)[0] + writes.at(-1)[1];
const inWindow = (events) => events.filter((e) => e[0] >= from && e[0] <= to);
const sorted = writes.map((w) => w[1]).sort((a, b) => a - b);
const q = (a, p) => a[Math.min(a.length - 1, Math.floor(p * a.length))] ?? 0;
const ms = (n) => n.toFixed(2);
console.log(
  `${writes.length} writes in ${seconds} s (${(writes.length / seconds).toFixed(0)}/s): p50 ${ms(q(sorted, 0.5))} p90 ${ms(q(sorted, 0.9))} p99 ${ms(q(sorted, 0.99))} p99.9 ${ms(q(sorted, 0.999))} max ${ms(sorted.at(-1))} ms; load ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
);
const fsyncP90 = traces.map((t) =>
  q(
    inWindow(t.fsyncs)
      .map((e) => e[1])
      .sort((a, b) => a - b),
    0.9,
  ),
);
traces.forEach((t, k) => {
  const g = inWindow(t.gc);
  const f = inWindow(t.fsyncs)
    .map((e) => e[1])
    .sort((a, b) => a - b);
  const mean = g.reduce((a, e) => a + e[1], 0) / (g.length || 1);
  console.log(
    `${names[k]} (pid ${t.pid}): ${g.length} GC pauses (${((g.length / writes.length) * 1000).toFixed(1)} per 1,000 writes, mean ${ms(mean)} ms); ${f.length} fdatasyncs p50 ${ms(q(f, 0.5))} p90 ${ms(fsyncP90[k])} p99 ${ms(q(f, 0.99))} ms; ${inWindow(t.stalls).length} loop stalls > 0.7 ms`,
  );
});
const cg = inWindow(clientGc);
console.log(
  `C (this client): ${cg.length} GC pauses, mean ${ms(cg.reduce((a, e) => a + e[1], 0) / (cg.length || 1))} ms`,
);

const overlaps = (events, w) => events.filter((e) => e[0] < w[0] + w[1] && e[0] + e[1] > w[0]);
function tags(w) {
  const out = new Map();
  traces.forEach((t, k) => {
    const g = overlaps(t.gc, w);
    if (g.length) out.set(`${names[k]} GC`, g.map((e) => ms(e[1])).join(','));
    const f = overlaps(t.fsyncs, w).filter((e) => e[1] > fsyncP90[k]);
    if (f.length) out.set(`${names[k]} slow fdatasync`, f.map((e) => ms(e[1])).join(','));
    const s = t.stalls.filter((e) => e[0] - e[1] < w[0] + w[1] && e[0] > w[0]);
    if (s.length) out.set(`${names[k]} stall`, s.map((e) => ms(e[1])).join(','));
  });
  const c = overlaps(clientGc, w);
  if (c.length) out.set('C GC', c.map((e) => ms(e[1])).join(','));
  return out;
}
const cut = q(sorted, 0.99);
const slow = writes.filter((w) => w[1] >= cut);
const tally = new Map();
const all = new Map();
for (const w of writes) for (const k of tags(w).keys()) all.set(k, (all.get(k) ?? 0) + 1);
console.log(`\nthe slowest ${slow.length} writes (≥ ${ms(cut)} ms) and what overlapped each:`);
for (const w of slow) {
  const t = tags(w);
  for (const k of t.size ? t.keys() : ['nothing recorded']) tally.set(k, (tally.get(k) ?? 0) + 1);
  console.log(`  ${ms(w[1])} ms: ${[...t].map(([k, v]) => `${k} (${v})`).join(', ') || 'nothing recorded'}`);
}
console.log('\n| tag | slowest 1 % | all writes |\n| --- | ---: | ---: |');
for (const [k, n] of [...tally].sort((a, b) => b[1] - a[1]))
  console.log(
    `| ${k} | ${n} of ${slow.length} (${((n / slow.length) * 100).toFixed(0)} %) | ${(((all.get(k) ?? 0) / writes.length) * 100).toFixed(1)} % |`,
  );
rmSync(dataDir, { recursive: true, force: true });
rmSync(traceDir, { recursive: true, force: true });
process.exit(0);
