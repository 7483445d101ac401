// Invariant assertions that stay on in production: a violated Raft invariant means data loss, so we stop loudly.

/** Thrown when the Raft core detects that one of its safety invariants no longer holds. Never catch and continue. */
export class RaftInvariantError extends Error {
  readonly code = 'RAFT_INVARIANT';
  constructor(message: string) {
    super(`raft invariant violated: ${message}`);
    this.name = 'RaftInvariantError';
  }
}

/**
 * Asserts `condition`. The message is a thunk so that building it costs nothing on the hot path.
 */
export function invariant(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new RaftInvariantError(message());
}
