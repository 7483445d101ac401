// The choice placement makes when it hands an expired leader's segment over: the replica whose copy is most up to
// date (KIP-101 order: the epoch of its last record first, then its length), ties to the lowest node id. The hand-over
// itself runs against real processes in apps/journal-server/test/segment-handover.e2e.test.ts.
import { expect, it } from 'vitest';
import { mostCaughtUp } from '../src/scheduler/journal-segment-handover.js';

/** A replica's answer: node `nodeId` holds records up to `durableEnd`, the last written under epoch `lastEpoch`. */
const copy = (nodeId: number, lastEpoch: number, durableEnd: number) => ({ nodeId, lastEpoch, durableEnd });

it.each([
  ['nobody when no replica answers', [], undefined],
  // a longer log written under an older leader loses to a shorter one that has the newer epoch's records
  ['the newest last epoch over a longer log', [copy(2, 1, 900), copy(3, 2, 850)], 3],
  ['the longest log within one epoch', [copy(2, 2, 800), copy(3, 2, 850)], 3],
  ['the lowest node id on a tie', [copy(5, 2, 850), copy(4, 2, 850)], 4],
  // a replica with no copy yet (NOT_FOUND) still qualifies when it is the only one answering
  ['the only replica answering, even without a copy', [copy(7, 0, 100)], 7],
])('picks %s', (_, copies, expected) => {
  expect(mostCaughtUp(copies)?.nodeId).toBe(expected);
});
