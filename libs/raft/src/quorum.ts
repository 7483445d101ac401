// Majority arithmetic over a voter set: the committed index of a set of match indexes and vote tallies.
import type { NodeId } from './types.js';

export type VoteResult = 'pending' | 'lost' | 'won';

/** The largest index that a majority of `voters` have acknowledged (`acked` returns 0 for unknown voters). */
export function committedIndex(voters: readonly NodeId[], acked: (id: NodeId) => number): number {
  if (voters.length === 0) return 0;
  return quorumValue(voters, acked);
}

/** Reused by quorumValue: it runs on every acknowledgement, and a fresh array plus a sort each time was garbage. */
const scratch: number[] = [];

/**
 * The largest value that a majority of `voters` have reached: the (⌊n/2⌋+1)-th largest of `valueOf` over them
 * (n ≥ 1). An insertion sort into a reused array (voter sets are a handful).
 */
export function quorumValue(voters: readonly NodeId[], valueOf: (id: NodeId) => number): number {
  const n = voters.length;
  for (let i = 0; i < n; i++) {
    const v = valueOf(voters[i]!);
    let j = i;
    while (j > 0 && scratch[j - 1]! < v) {
      scratch[j] = scratch[j - 1]!;
      j--;
    }
    scratch[j] = v;
  }
  return scratch[Math.floor(n / 2)]!;
}

export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

export function voteResult(voters: readonly NodeId[], votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.length === 0) return 'won';
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const q = majority(voters.length);
  if (granted >= q) return 'won';
  if (granted + missing >= q) return 'pending';
  return 'lost';
}
