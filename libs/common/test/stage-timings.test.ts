// Stage timings' tail events: a slow stage and a hold of the event loop are kept with their wall-clock time, so a
// benchmark can line them up with its slow messages (robust-bench mqtt-cluster --stage-pids); quick ones are not.
import { expect, it } from 'vitest';
import { observeGcPauses, StageTimings, type TailEvent } from '../src/index.js';

it('keeps slow stages and event-loop holds as tail events with their time', async () => {
  const timings = new StageTimings();
  const before = Date.now();
  timings.record('fast', 0.2);
  timings.record('slow', 3.5, 4);
  // hold the loop for 30 ms: the hold probe runs late by about that much
  const until = performance.now() + 30;
  while (performance.now() < until);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const report = timings.report();
  expect(report.stages['slow']!.count).toBe(4);
  const tail = report.tail!;
  expect(tail.filter((e) => e.stage === 'fast')).toHaveLength(0);
  const slow = tail.find((e) => e.stage === 'slow')!;
  expect(slow.ms).toBe(3.5);
  expect(slow.at).toBeGreaterThanOrEqual(before);
  expect(slow.at).toBeLessThanOrEqual(Date.now() + 1);
  const hold = tail.find((e) => e.stage === 'loop.hold');
  expect(hold?.ms).toBeGreaterThan(20);
  timings.reset();
  expect(timings.report().tail).toEqual([]);
});

it('counts what the heap allocated over the window, across the GCs that freed it', () => {
  const timings = new StageTimings();
  // 64 MiB in arrays of 8 KiB, each dropped soon after: many scavenges free them within the window
  const keep: number[][] = [];
  for (let i = 0; i < 8192; i++) {
    keep[i % 16] = new Array<number>(1024).fill(i);
  }
  const allocated = timings.report().heapAllocated!;
  expect(allocated).toBeGreaterThan(64 * 1024 * 1024);
  expect(allocated).toBeLessThan(3 * 64 * 1024 * 1024);
  expect(keep).toHaveLength(16);
  timings.reset();
  expect(timings.report().heapAllocated!).toBeLessThan(8 * 1024 * 1024);
});

it("reports this process's GC pauses as tail events with their kind and time (the bench watches its own with it)", async () => {
  const pauses: TailEvent[] = [];
  const observer = observeGcPauses((pause) => pauses.push(pause));
  // the clock the pauses' times are on (performance's, which may stray from Date.now() over a process's life)
  const now = () => performance.timeOrigin + performance.now();
  const before = now();
  try {
    // 64 MiB in short-lived arrays: young-generation scavenges ('gc.minor'); the entries arrive on a later turn
    const keep: number[][] = [];
    for (let i = 0; i < 8192; i++) keep[i % 16] = new Array<number>(1024).fill(i);
    expect(keep).toHaveLength(16);
    for (let i = 0; i < 50 && !pauses.some((p) => p.at >= before); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    observer.disconnect();
  }
  // (a pause of the test before may be reported to this observer too: Node reports a GC on a later turn)
  const minor = pauses.find((p) => p.stage === 'gc.minor' && p.at >= before);
  expect(minor, JSON.stringify(pauses.slice(0, 5))).toBeDefined();
  expect(minor!.ms).toBeGreaterThan(0);
  expect(minor!.at).toBeLessThanOrEqual(now());
  expect(pauses.every((p) => p.stage === 'gc.minor' || p.stage === 'gc.major')).toBe(true);
});
