// Errors the Raft core returns to its caller; each carries a code and enough context to act on (e.g. who leads).
import type { NodeId } from './types.js';

export type RaftErrorCode =
  'NOT_LEADER' | 'PROPOSAL_DROPPED' | 'CONF_CHANGE_REJECTED' | 'READY_NOT_ADVANCED' | 'INVALID_CONFIG';

export class RaftError extends Error {
  constructor(
    readonly code: RaftErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RaftError';
  }
}

/** A proposal (or read) reached a node that is not the leader. `leaderId` is 0 when no leader is known. */
export class NotLeaderError extends RaftError {
  constructor(
    readonly nodeId: NodeId,
    readonly leaderId: NodeId,
  ) {
    super(
      'NOT_LEADER',
      leaderId === 0
        ? `node ${nodeId} is not the leader and knows no leader; retry later`
        : `node ${nodeId} is not the leader; send the request to node ${leaderId}`,
    );
    this.name = 'NotLeaderError';
  }
}

/** The leader refused a proposal it could otherwise take (leadership transfer in progress, too much uncommitted). */
export class ProposalDroppedError extends RaftError {
  constructor(
    readonly reason: 'leadership-transfer' | 'uncommitted-size-limit' | 'not-a-member' | 'superseded',
    message: string,
  ) {
    super('PROPOSAL_DROPPED', message);
    this.name = 'ProposalDroppedError';
  }
}

/** A membership change was refused; `reason` says whether retrying later can help. */
export class ConfChangeRejectedError extends RaftError {
  constructor(
    readonly reason: 'pending-conf-change' | 'no-commit-in-term' | 'invalid',
    message: string,
  ) {
    super('CONF_CHANGE_REJECTED', message);
    this.name = 'ConfChangeRejectedError';
  }
}

export type StorageErrorCode = 'COMPACTED' | 'UNAVAILABLE' | 'SNAPSHOT_OUT_OF_DATE';

/** Raised by Storage implementations; the core handles COMPACTED/UNAVAILABLE by falling back to snapshots. */
export class RaftStorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RaftStorageError';
  }
}
