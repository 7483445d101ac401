// The read half both durable Raft logs share (RocksDbRaftStorage, SegmentLogStore): the core's synchronous Storage
// reads answered from a MemoryStorage mirror of the disk. A store writes to disk first and updates `mem` only once
// the write is durable (or replaces it when a snapshot is installed), so a read never shows what a crash could take
// back; how each store writes is its own.
import type { MemoryStorage } from '../memory-storage.js';
import type { ConfState, Entry, HardState, Snapshot } from '../types.js';

export abstract class MirroredLogStore {
  protected constructor(protected mem: MemoryStorage) {}

  initialState(): { hardState: HardState; confState: ConfState } {
    return this.mem.initialState();
  }

  entries(lo: number, hi: number, maxBytes?: number): Entry[] {
    return this.mem.entries(lo, hi, maxBytes);
  }

  term(index: number): number {
    return this.mem.term(index);
  }

  firstIndex(): number {
    return this.mem.firstIndex();
  }

  lastIndex(): number {
    return this.mem.lastIndex();
  }

  snapshot(): Snapshot {
    return this.mem.snapshot();
  }

  /** The hard state as durable now. */
  hardState(): HardState {
    return this.mem.hardStateValue();
  }
}
