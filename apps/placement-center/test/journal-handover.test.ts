// The choice placement makes when it hands an expired leader's segment over: the replica whose copy is most up to
// date (KIP-101 order: the epoch of its last record first, then its length), ties to the lowest node id. The hand-over
// itself runs against real processes in apps/journal-server/test/segment-handover.e2e.test.ts.
import { expect, it } from 'vitest';
import { mostCaughtUp } from '../src/scheduler/journal-segment-handover.js';

it('prefers the newest last epoch, then the longest log, then the lowest node id', () => {
  expect(mostCaughtUp([])).toBeUndefined();
  // a longer log written under an older leader loses to a shorter one that has the newer epoch's records
  expect(
    mostCaughtUp([
      { nodeId: 2, lastEpoch: 1, durableEnd: 900 },
      { nodeId: 3, lastEpoch: 2, durableEnd: 850 },
    ])?.nodeId,
  ).toBe(3);
  expect(
    mostCaughtUp([
      { nodeId: 2, lastEpoch: 2, durableEnd: 800 },
      { nodeId: 3, lastEpoch: 2, durableEnd: 850 },
    ])?.nodeId,
  ).toBe(3);
  expect(
    mostCaughtUp([
      { nodeId: 5, lastEpoch: 2, durableEnd: 850 },
      { nodeId: 4, lastEpoch: 2, durableEnd: 850 },
    ])?.nodeId,
  ).toBe(4);
  // a replica with no copy yet (NOT_FOUND) still qualifies when it is the only one answering
  expect(mostCaughtUp([{ nodeId: 7, lastEpoch: 0, durableEnd: 100 }])?.nodeId).toBe(7);
});
