// How long installing a snapshot from the leader holds a follower's thread — the Raft loop's — and how long the loop
// waits for the install (issue #19: the 33 MB image of 100k placement writes was written and fdatasynced on that
// thread in one piece). Runs one build's SegmentLogStore (its libs/raft/dist) in a fresh directory, as RaftNode drives
// it: the image arrives in 1 MiB chunks (handed to stageSnapshotChunk when the build has it, one per event-loop turn),
// then the Ready with the snapshot is persisted. Prints one JSON line: the longest single hold of the thread by a
// store call, their sum, the longest event-loop delay a 1 ms timer saw over the whole sequence, and how long the
// Ready's persist() took until durable (the loop waits that long before it answers the leader again).
//   node libs/raft/scripts/snapshot-install-stall.mjs [raft dist dir] [image MiB]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, '../dist'));
const mib = Number(process.argv[3] ?? 33);
const { SegmentLogStore } = await import(pathToFileURL(join(dist, 'segment/index.js')).href);

const dir = mkdtempSync(join(tmpdir(), 'snapshot-install-stall-'));
const store = SegmentLogStore.open(dir, { flush: 'auto' });
const confState = { voters: [1, 2, 3], learners: [] };
await store.bootstrap(confState);
const small = new Uint8Array(200).fill(1);
for (let i = 1; i <= 100; i++) {
  await store.persist({
    entries: [{ index: i, term: 1, type: 'normal', data: small }],
    hardState: { term: 1, vote: 1, commit: i - 1 },
    mustSync: true,
  });
}
const image = Buffer.alloc(mib * 1024 * 1024);
for (let i = 0; i + 4 <= image.length; i += 4096) image.writeUInt32LE(i, i);
const metadata = { index: 100_000, term: 2, confState };
const CHUNK = 1024 * 1024;
const holds = [];
const held = (f) => {
  const t = performance.now();
  const r = f();
  holds.push(performance.now() - t);
  return r;
};
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const started = performance.now();
for (let off = 0; off + CHUNK < image.length; off += CHUNK) {
  if (store.stageSnapshotChunk)
    held(() =>
      store.stageSnapshotChunk({ leaderTerm: 2, ...metadata }, off, image.subarray(off, off + CHUNK)),
    );
  // the next chunk comes with the next message (a round trip to the leader)
  await new Promise((r) => setTimeout(r, 2));
}
const t0 = performance.now();
await held(() =>
  store.persist(
    {
      snapshot: { metadata, data: image },
      entries: [],
      hardState: { term: 2, vote: 0, commit: 100_000 },
      mustSync: true,
    },
    { leading: false },
  ),
);
const persistMs = performance.now() - t0;
const totalMs = performance.now() - started;
loop.disable();
store.close();
const again = SegmentLogStore.open(dir);
const ok = again.snapshot().metadata.index === 100_000 && Buffer.from(again.snapshot().data).equals(image);
again.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    dist,
    imageMiB: mib,
    staged: typeof store.stageSnapshotChunk === 'function',
    longestHoldMs: +Math.max(...holds).toFixed(2),
    holdsSumMs: +holds.reduce((a, b) => a + b, 0).toFixed(2),
    longestLoopDelayMs: +(loop.max / 1e6).toFixed(2),
    readyPersistMs: +persistMs.toFixed(1),
    totalMs: +totalMs.toFixed(0),
    reopened: ok,
    load: loadavg()[0],
  }),
);
