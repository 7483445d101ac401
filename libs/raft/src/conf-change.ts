// Single-server membership changes: validation, the resulting membership, and the entry payload that carries both.
import { ConfChangeRejectedError } from './errors.js';
import { normalizeConfState } from './memory-storage.js';
import type { ConfState, NodeId } from './types.js';

/**
 * addNode: add a new voter, or promote an existing learner to voter.
 * removeNode: remove a voter or a learner.
 * addLearner: add a new learner (a non-voting member that receives the log).
 */
export type ConfChangeType = 'addNode' | 'removeNode' | 'addLearner';

export interface ConfChange {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
}

/**
 * What a confChange entry holds. The resulting membership travels with the change so every node adopts exactly the
 * leader's view when it appends the entry (no replay of change arithmetic needed, and a snapshot-less joiner is
 * fully configured by the first config entry it sees).
 */
export interface ConfChangeEntryData {
  readonly change: ConfChange;
  readonly confState: ConfState;
}

/** Applies one change to `cs`, refusing anything that would change more than one voter or is a no-op. */
export function applyConfChange(cs: ConfState, cc: ConfChange): ConfState {
  const id = cc.nodeId;
  if (!Number.isInteger(id) || id <= 0) throw invalid(`node id must be a positive integer, got ${id}`);
  const isVoter = cs.voters.includes(id);
  const isLearner = cs.learners.includes(id);
  switch (cc.type) {
    case 'addNode':
      if (isVoter) throw invalid(`node ${id} is already a voter`);
      return normalizeConfState({
        voters: [...cs.voters, id],
        learners: cs.learners.filter((x) => x !== id),
      });
    case 'addLearner':
      if (isLearner) throw invalid(`node ${id} is already a learner`);
      // Demoting a voter would be a legal single-voter change, but we keep the rule simple: remove, then re-add.
      if (isVoter) throw invalid(`node ${id} is a voter; remove it before adding it as a learner`);
      return normalizeConfState({ voters: cs.voters, learners: [...cs.learners, id] });
    case 'removeNode':
      if (!isVoter && !isLearner) throw invalid(`node ${id} is not a member`);
      if (isVoter && cs.voters.length === 1) throw invalid(`cannot remove node ${id}, the last voter`);
      return normalizeConfState({
        voters: cs.voters.filter((x) => x !== id),
        learners: cs.learners.filter((x) => x !== id),
      });
  }
}

function invalid(message: string): ConfChangeRejectedError {
  return new ConfChangeRejectedError('invalid', message);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeConfChangeEntry(data: ConfChangeEntryData): Uint8Array {
  return encoder.encode(
    JSON.stringify({
      change: { type: data.change.type, nodeId: data.change.nodeId },
      confState: { voters: data.confState.voters, learners: data.confState.learners },
    }),
  );
}

export function decodeConfChangeEntry(bytes: Uint8Array): ConfChangeEntryData {
  const raw = JSON.parse(decoder.decode(bytes)) as ConfChangeEntryData;
  if (
    !raw ||
    typeof raw.change?.nodeId !== 'number' ||
    !Array.isArray(raw.confState?.voters) ||
    !Array.isArray(raw.confState?.learners)
  ) {
    throw new Error('malformed conf change entry');
  }
  return raw;
}

export function confStateEqual(a: ConfState, b: ConfState): boolean {
  return (
    a.voters.length === b.voters.length &&
    a.learners.length === b.learners.length &&
    a.voters.every((v, i) => v === b.voters[i]) &&
    a.learners.every((v, i) => v === b.learners[i])
  );
}
