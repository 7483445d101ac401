// How long SegmentLogStore.persist() holds the calling thread — the Raft loop's — per write, over enough writes to
// cross several segments (issue #19: extending the current segment inline wrote 4 MiB of zeros and fdatasynced them
// on that thread). Runs one build's store (its libs/raft/dist) in a fresh directory and prints one JSON line:
// writes, bytes logged, segment files made, the thread hold per persist() (p50 / p99 / p99.9 / max ms), the write's
// latency until durable, how many holds exceeded 2 ms and their sum above 1 ms, the longest event-loop delay seen by a 1 ms timer, and CPU µs per write.
//   node libs/raft/scripts/segment-log-stall.mjs [raft dist dir] [writes] [entry bytes] [flush]
// e.g. an A/B against a build of main: node libs/raft/scripts/segment-log-stall.mjs /path/to/old/libs/raft/dist 8000 4096 pool
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, '../dist'));
const writes = Number(process.argv[3] ?? 8000);
const entryBytes = Number(process.argv[4] ?? 4096);
const flush = process.argv[5] ?? 'pool';
const { SegmentLogStore } = await import(pathToFileURL(join(dist, 'segment/index.js')).href);

const dir = mkdtempSync(join(tmpdir(), 'segment-log-stall-'));
const store = SegmentLogStore.open(dir, { flush });
await store.bootstrap({ voters: [1, 2, 3], learners: [] });
const data = new Uint8Array(entryBytes).fill(7);
const hold = [];
const latency = [];
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const cpu0 = process.cpuUsage();
const files = new Set(readdirSync(dir).filter((f) => f.endsWith('.wal')));
for (let i = 1; i <= writes; i++) {
  const t0 = performance.now();
  const p = store.persist(
    {
      entries: [{ index: i, term: 1, type: 'normal', data }],
      hardState: { term: 1, vote: 1, commit: i - 1 },
      mustSync: true,
    },
    { leading: true },
  );
  const t1 = performance.now();
  await p;
  const t2 = performance.now();
  hold.push(t1 - t0);
  latency.push(t2 - t0);
  // a server's loop returns to the event loop between writes (network I/O): the pool's completions run there
  await new Promise((r) => setImmediate(r));
  if (i % 500 === 0) for (const f of readdirSync(dir)) if (f.endsWith('.wal')) files.add(f);
}
const cpu = process.cpuUsage(cpu0);
loop.disable();
store.close();
rmSync(dir, { recursive: true, force: true });
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(s.length * p))].toFixed(3);
};
if (process.env.STALL_TOP)
  console.error(
    hold
      .map((h, i) => [i + 1, +h.toFixed(2)])
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(process.env.STALL_TOP)),
  );
const stats = (xs) => ({ p50: q(xs, 0.5), p99: q(xs, 0.99), p999: q(xs, 0.999), max: q(xs, 1) });
console.log(
  JSON.stringify({
    dist,
    writes,
    entryBytes,
    flush,
    mb: +((writes * (entryBytes + 66)) / 2 ** 20).toFixed(1),
    segmentFiles: files.size,
    holdMs: stats(hold),
    holdsOver2Ms: hold.filter((h) => h > 2).length,
    holdMsOver1Ms: +hold
      .filter((h) => h > 1)
      .reduce((a, b) => a + b, 0)
      .toFixed(1),
    latencyMs: stats(latency),
    loopDelayMaxMs: +(loop.max / 1e6 - 1).toFixed(2),
    cpuUsPerWrite: Math.round((cpu.user + cpu.system) / writes),
    load: loadavg().map((n) => +n.toFixed(2)),
  }),
);
