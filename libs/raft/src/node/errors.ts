// Errors a RaftNode's callers can get besides the core's own (NotLeaderError, ProposalDroppedError, ...).
import { ProposalDroppedError } from '../errors.js';

export type RaftNodeErrorCode = 'TIMEOUT' | 'STOPPED' | 'OUTCOME_UNKNOWN';

export class RaftNodeError extends Error {
  constructor(
    readonly code: RaftNodeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RaftNodeError';
  }
}

/**
 * Another leader's entry won the log index our proposal was appended at, so the proposal never took effect and
 * never will: safe to retry. (The core's ProposalDroppedError has no reason for this yet, hence the cast; callers
 * can still test `instanceof ProposalDroppedError` or `code === 'PROPOSAL_DROPPED'`.)
 */
export class ProposalSupersededError extends ProposalDroppedError {
  constructor(
    readonly index: number,
    readonly proposedTerm: number,
    readonly appliedTerm: number,
  ) {
    super(
      'superseded',
      `proposal at index ${index} (term ${proposedTerm}) was replaced by an entry of term ${appliedTerm}; it did not take effect, retry`,
    );
    this.name = 'ProposalSupersededError';
  }
}
