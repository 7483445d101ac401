// The read side of durable Raft state that the core consults; implemented in memory here and by RocksDB later.
import type { ConfState, Entry, HardState, Snapshot } from './types.js';

/**
 * Synchronous by design (as in etcd-io/raft): the core is a pure function of its inputs and cannot await.
 * A disk-backed implementation keeps an in-memory index of the log and writes through before the caller
 * calls `RawNode.advance()`.
 *
 * Index space: entries live in [firstIndex(), lastIndex()]; `firstIndex() - 1` is the snapshot's index, whose term
 * is still answerable by `term()`. Methods throw RaftStorageError('COMPACTED') for indexes below that and
 * RaftStorageError('UNAVAILABLE') for indexes past lastIndex().
 */
export interface Storage {
  /** Persisted hard state and the membership in the latest snapshot (the core replays config entries after it). */
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries [lo, hi), cut to about maxBytes (but at least one entry is returned). */
  entries(lo: number, hi: number, maxBytes?: number): Entry[];
  term(index: number): number;
  firstIndex(): number;
  lastIndex(): number;
  /** The most recent snapshot; index 0 means "none yet". */
  snapshot(): Snapshot;
}

/**
 * The write side a driver uses to persist Readys and manage snapshots (MemoryStorage now, RocksDB later). The core
 * never calls these; the driver does, in the order described on `Ready`.
 */
export interface WritableStorage extends Storage {
  /** Appends entries, first truncating any existing suffix they conflict with. */
  append(entries: readonly Entry[]): void;
  setHardState(hs: HardState): void;
  /** Replaces the log with a snapshot received from the leader. */
  applySnapshot(snap: Snapshot): void;
  /** Records a snapshot of the application state at applied index `index` (entries are kept until compact()). */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Snapshot;
  /** Discards entries up to and including `index` (which must not exceed the latest snapshot's index). */
  compact(index: number): void;
}
