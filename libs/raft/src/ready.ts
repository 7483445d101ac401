// The batch of work the core hands to its driver: what to persist, what to send (before/after persisting), what to apply.
import type { Message } from './message.js';
import type { Entry, HardState, ReadState, Snapshot, SoftState } from './types.js';

/**
 * The driver processes a Ready in this order:
 *  1. send `messages` (they may go out before or during persistence);
 *  2. atomically persist `snapshot` (if any), `entries` (truncating any conflicting suffix) and `hardState`;
 *     fsync if `mustSync`;
 *  3. send `messagesAfterPersist`;
 *  4. install `snapshot` into the state machine, then apply `committedEntries` in order;
 *  5. call `advance()`.
 * The core may be ticked and stepped between ready() and advance(); the next Ready comes only after advance().
 */
export interface Ready {
  /** Present only when changed since the previous Ready. */
  readonly softState?: SoftState;
  /** Present only when changed since the previous Ready; must be persisted. */
  readonly hardState?: HardState;
  readonly readStates: readonly ReadState[];
  /** Entries to append to stable storage. */
  readonly entries: readonly Entry[];
  /** A snapshot received from the leader, to persist and install. */
  readonly snapshot?: Snapshot;
  /** Entries known committed, to apply to the state machine. */
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly messagesAfterPersist: readonly Message[];
  /** Whether the writes must be fsynced (new entries, or a changed term or vote). */
  readonly mustSync: boolean;
}
