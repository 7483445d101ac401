// The log storage a RaftNode drives: what the core reads synchronously (Storage) plus the asynchronous writes of the
// Ready protocol. RaftNode takes this interface, not a concrete store, so the node runs over RocksDB in production
// (@robustmq/raft/rocksdb) and over any other durable store a caller brings.
import type { Ready } from '../ready.js';
import type { Storage } from '../storage.js';
import type { ConfState, HardState, Snapshot } from '../types.js';

/** The parts of a Ready that reach the disk. */
export type PersistableReady = Pick<Ready, 'snapshot' | 'entries' | 'hardState' | 'mustSync'>;

/** What the node tells the store about the write at hand. */
export interface PersistContext {
  /**
   * This node leads: its thread has clients and followers to serve while the disk flushes (a store may then flush off
   * the thread; a follower's next step waits for the flush anyway).
   */
  leading: boolean;
}

/**
 * Durable log storage for one Raft group. Reads (the Storage half) are answered from memory and reflect only what
 * is durable; persist() calls never overlap, nor persist() and compact() unless `compactsBesidePersist`.
 */
export interface RaftLogStore extends Storage {
  /**
   * compact() may run while persist() calls come and go: it writes the snapshot beside the log and changes the log
   * only in a last synchronous step (after waiting for a persist() in flight). Without it, the node runs compact()
   * between Readys, like persist().
   */
  readonly compactsBesidePersist?: boolean;
  /** Nothing was ever written for this group: a brand-new member. */
  isEmpty(): boolean;
  /** Makes a brand-new group's founding membership durable (only when isEmpty()). */
  bootstrap(confState: ConfState): Promise<void>;
  /** The hard state as durable now. */
  hardState(): HardState;
  /**
   * Step 2 of the Ready protocol: snapshot, entries (dropping any conflicting suffix) and hard state, atomically,
   * fsynced when `mustSync`. Resolves only once durable; reads change only then.
   */
  persist(rd: PersistableReady, context?: PersistContext): Promise<void>;
  /**
   * A chunk of the snapshot the leader is sending, as the core took it: in order (`offset` is how many bytes of that
   * snapshot came before it; 0 starts another). A store may write it beside the loop as it comes, so that persisting
   * the snapshot's Ready later only has to finish the file. Best effort: persist() writes whatever it did not get.
   * Returns a promise when the chunk is being written: it settles (never rejects) once it is.
   */
  stageSnapshotChunk?(
    from: { leaderTerm: number; index: number; term: number },
    offset: number,
    data: Uint8Array,
  ): Promise<void> | undefined;
  /**
   * Records the application's image at applied index `index` as the snapshot and deletes log entries up to
   * `compactTo` (default `index`). Atomic: a crash leaves either the old snapshot and log or the new ones. Fails
   * with RaftStorageError SNAPSHOT_OUT_OF_DATE if the store's snapshot is already at or past `index` (a snapshot
   * from the leader was installed meanwhile).
   */
  compact(index: number, data: Uint8Array, confState: ConfState, compactTo?: number): Promise<Snapshot>;
}
