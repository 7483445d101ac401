// In-memory Storage (like etcd's MemoryStorage): the simulator's durable store and the RocksDB driver's log index.
import { RaftStorageError } from './errors.js';
import { invariant } from './invariant.js';
import { limitSize } from './limit-size.js';
import type { WritableStorage } from './storage.js';
import {
  EMPTY_CONF_STATE,
  EMPTY_HARD_STATE,
  type ConfState,
  type Entry,
  type HardState,
  type Snapshot,
} from './types.js';

export class MemoryStorage implements WritableStorage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot;
  /** ents[0] is a dummy carrying the snapshot's index and term, so term(firstIndex-1) is always answerable. */
  private ents: Entry[];

  /**
   * `confState` bootstraps a brand-new cluster member set: it becomes the membership of the (empty) snapshot at
   * index 0. A node joining an existing cluster starts with no conf state and learns it from the leader.
   */
  constructor(confState: ConfState = EMPTY_CONF_STATE) {
    this.snap = {
      metadata: { index: 0, term: 0, confState: normalizeConfState(confState) },
      data: new Uint8Array(),
    };
    this.ents = [{ index: 0, term: 0, type: 'normal', data: new Uint8Array() }];
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.metadata.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  hardStateValue(): HardState {
    return this.hardState;
  }

  private get offset(): number {
    return this.ents[0]!.index;
  }

  firstIndex(): number {
    return this.offset + 1;
  }

  lastIndex(): number {
    return this.offset + this.ents.length - 1;
  }

  term(index: number): number {
    const offset = this.offset;
    if (index < offset) throw new RaftStorageError('COMPACTED', `term(${index}): compacted below ${offset}`);
    if (index - offset >= this.ents.length) {
      throw new RaftStorageError('UNAVAILABLE', `term(${index}): beyond last index ${this.lastIndex()}`);
    }
    return this.ents[index - offset]!.term;
  }

  entries(lo: number, hi: number, maxBytes = Infinity): Entry[] {
    const offset = this.offset;
    if (lo <= offset) throw new RaftStorageError('COMPACTED', `entries(${lo}): compacted up to ${offset}`);
    if (hi > this.lastIndex() + 1) {
      throw new RaftStorageError(
        'UNAVAILABLE',
        `entries(${lo}, ${hi}): beyond last index ${this.lastIndex()}`,
      );
    }
    if (lo >= hi) return [];
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole log with `snap` (a follower installing the leader's snapshot). */
  applySnapshot(snap: Snapshot): void {
    if (snap.metadata.index <= this.snap.metadata.index) {
      throw new RaftStorageError(
        'SNAPSHOT_OUT_OF_DATE',
        `snapshot at ${snap.metadata.index} is not newer than ${this.snap.metadata.index}`,
      );
    }
    this.snap = snap;
    this.ents = [
      { index: snap.metadata.index, term: snap.metadata.term, type: 'normal', data: new Uint8Array() },
    ];
  }

  /**
   * Records an application snapshot taken at applied index `index`. Does not drop log entries: call compact() to
   * do that, so lagging followers can still be served from the log for a while.
   */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (index <= this.snap.metadata.index) {
      throw new RaftStorageError(
        'SNAPSHOT_OUT_OF_DATE',
        `snapshot at ${index} is not newer than ${this.snap.metadata.index}`,
      );
    }
    invariant(
      index <= this.lastIndex(),
      () => `createSnapshot(${index}) beyond last index ${this.lastIndex()}`,
    );
    const term = this.ents[index - this.offset]!.term;
    this.snap = { metadata: { index, term, confState: normalizeConfState(confState) }, data };
    return this.snap;
  }

  /** Drops entries up to and including `compactIndex`; the caller must not compact past what it has applied. */
  compact(compactIndex: number): void {
    const offset = this.offset;
    if (compactIndex <= offset)
      throw new RaftStorageError('COMPACTED', `compact(${compactIndex}): already at ${offset}`);
    invariant(
      compactIndex <= this.lastIndex(),
      () => `compact(${compactIndex}) beyond last index ${this.lastIndex()}`,
    );
    const i = compactIndex - offset;
    const dummy: Entry = {
      index: this.ents[i]!.index,
      term: this.ents[i]!.term,
      type: 'normal',
      data: new Uint8Array(),
    };
    this.ents = [dummy, ...this.ents.slice(i + 1)];
  }

  /** Appends entries, truncating any conflicting suffix first (entries must be contiguous). */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return; // all already compacted
    let ents = entries;
    if (first > entries[0]!.index) ents = entries.slice(first - entries[0]!.index);
    const offset = ents[0]!.index - this.offset;
    invariant(
      offset <= this.ents.length,
      () => `append at ${ents[0]!.index} leaves a gap after ${this.lastIndex()}`,
    );
    if (offset < this.ents.length) this.ents = this.ents.slice(0, offset);
    for (const e of ents) this.ents.push(e);
  }
}

export function normalizeConfState(cs: ConfState): ConfState {
  return { voters: [...cs.voters].sort((a, b) => a - b), learners: [...cs.learners].sort((a, b) => a - b) };
}
