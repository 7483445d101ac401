// Majority arithmetic over a voter set: the committed index of a set of match indexes and vote tallies.
import type { NodeId } from './types.js';

export type VoteResult = 'pending' | 'lost' | 'won';

/** The largest index that a majority of `voters` have acknowledged (`acked` returns 0 for unknown voters). */
export function committedIndex(voters: readonly NodeId[], acked: (id: NodeId) => number): number {
  const n = voters.length;
  if (n === 0) return 0;
  const matches = voters.map(acked).sort((a, b) => b - a);
  return matches[Math.floor(n / 2)]!;
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
