// Stage timings' tail events: a slow stage and a hold of the event loop are kept with their wall-clock time, so a
// benchmark can line them up with its slow messages (robust-bench mqtt-cluster --stage-pids); quick ones are not.
import { expect, it } from 'vitest';
import { StageTimings } from '../src/index.js';

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
