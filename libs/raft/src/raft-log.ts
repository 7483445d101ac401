// The node's view of the whole log: stable storage plus the unstable tail, with commit/applied bookkeeping.
import { RaftStorageError } from './errors.js';
import { invariant } from './invariant.js';
import { limitSize } from './limit-size.js';
import { UnstableLog } from './log-unstable.js';
import type { Storage } from './storage.js';
import type { Entry, Snapshot } from './types.js';

export class RaftLog {
  readonly unstable: UnstableLog;
  private committedIdx: number;
  private appliedIdx: number;

  constructor(
    readonly storage: Storage,
    /** Called with every batch that goes into the log (after any truncation) so config can follow the log. */
    private readonly onAppend: (entries: readonly Entry[]) => void,
  ) {
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new UnstableLog(last + 1);
    this.committedIdx = first - 1;
    this.appliedIdx = first - 1;
  }

  get committed(): number {
    return this.committedIdx;
  }

  get applied(): number {
    return this.appliedIdx;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): number {
    const t = this.term(this.lastIndex());
    invariant(t !== undefined, () => `term of last index ${this.lastIndex()} unavailable`);
    return t;
  }

  /** Term at `i`, or undefined when `i` is compacted away or beyond the log. */
  term(i: number): number | undefined {
    const dummy = this.firstIndex() - 1;
    if (i < dummy || i > this.lastIndex()) return undefined;
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    try {
      return this.storage.term(i);
    } catch (e) {
      if (e instanceof RaftStorageError && (e.code === 'COMPACTED' || e.code === 'UNAVAILABLE'))
        return undefined;
      throw e;
    }
  }

  matchTerm(i: number, t: number): boolean {
    return this.term(i) === t;
  }

  isUpToDate(lastIndex: number, term: number): boolean {
    const ourTerm = this.lastTerm();
    return term > ourTerm || (term === ourTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Follower side of AppendEntries: if our log matches (index, logTerm), append the new part of `ents`, and advance
   * commit to min(committed, last new index). Returns the last index known to match the leader, or undefined.
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      invariant(
        ci > this.committedIdx,
        () => `entry ${ci} conflicts with committed entry (committed ${this.committedIdx})`,
      );
      this.append(ents.slice(ci - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    invariant(
      after >= this.committedIdx,
      () => `append after ${after} would truncate committed ${this.committedIdx}`,
    );
    invariant(
      after <= this.lastIndex(),
      () => `append after ${after} leaves a gap after ${this.lastIndex()}`,
    );
    for (let i = 1; i < ents.length; i++) {
      invariant(
        ents[i]!.index === ents[i - 1]!.index + 1,
        () => `non-contiguous append at ${ents[i]!.index}`,
      );
      invariant(ents[i]!.term >= ents[i - 1]!.term, () => `append with decreasing term at ${ents[i]!.index}`);
    }
    const prevTerm = this.term(after);
    invariant(
      prevTerm === undefined || ents[0]!.term >= prevTerm,
      () => `append at ${after + 1} with term ${ents[0]!.term} below previous term ${prevTerm}`,
    );
    this.unstable.truncateAndAppend(ents);
    this.onAppend(ents);
    return this.lastIndex();
  }

  /**
   * The first index of `ents` whose term differs from ours (or is past our last index), or 0 if every entry is
   * already in our log.
   */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term` (etcd's findConflictByTerm): every entry after it has a
   * term above `term` and so cannot match a log whose entry at `index` has term `term`.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let i = Math.min(index, this.lastIndex());
    for (; i > 0; i--) {
      const t = this.term(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
    }
    return { index: 0, term: 0 };
  }

  commitTo(toCommit: number): void {
    if (toCommit <= this.committedIdx) return; // never decrease commit
    invariant(
      toCommit <= this.lastIndex(),
      () =>
        `commit ${toCommit} beyond last index ${this.lastIndex()}: was the log corrupted, truncated or lost?`,
    );
    this.committedIdx = toCommit;
  }

  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committedIdx && this.term(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    invariant(
      i >= this.appliedIdx && i <= this.committedIdx,
      () => `applied ${i} out of range [applied ${this.appliedIdx}, committed ${this.committedIdx}]`,
    );
    this.appliedIdx = i;
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  /** Committed entries not yet handed to the application; none while a snapshot waits to be installed. */
  nextCommittedEntries(maxBytes: number): Entry[] {
    if (this.hasPendingSnapshot()) return [];
    const off = Math.max(this.appliedIdx + 1, this.firstIndex());
    if (this.committedIdx + 1 <= off) return [];
    return this.slice(off, this.committedIdx + 1, maxBytes);
  }

  hasNextCommittedEntries(): boolean {
    if (this.hasPendingSnapshot()) return false;
    return this.committedIdx + 1 > Math.max(this.appliedIdx + 1, this.firstIndex());
  }

  /** Unstable entries not yet handed to the driver (those of a Ready still being written are not repeated). */
  unstableEntries(): Entry[] {
    return this.unstable.notInProgress();
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  restore(s: Snapshot): void {
    invariant(
      s.metadata.index > this.committedIdx,
      () => `restore snapshot ${s.metadata.index} <= commit ${this.committedIdx}`,
    );
    this.committedIdx = s.metadata.index;
    this.unstable.restore(s);
  }

  /** Entries [lo, lastIndex], limited in bytes and count; throws RaftStorageError('COMPACTED') if lo is compacted. */
  entriesFrom(lo: number, maxBytes: number, maxCount = Infinity): Entry[] {
    if (lo > this.lastIndex()) return [];
    return this.slice(lo, this.lastIndex() + 1, maxBytes, maxCount);
  }

  slice(lo: number, hi: number, maxBytes = Infinity, maxCount = Infinity): Entry[] {
    invariant(lo <= hi, () => `invalid slice ${lo} > ${hi}`);
    const first = this.firstIndex();
    if (lo < first) throw new RaftStorageError('COMPACTED', `slice(${lo}) below first index ${first}`);
    invariant(hi <= this.lastIndex() + 1, () => `slice(${lo}, ${hi}) beyond last index ${this.lastIndex()}`);
    if (lo === hi) return [];
    const hiCapped = Math.min(hi, lo + Math.max(1, maxCount === Infinity ? hi - lo : maxCount));
    let ents: Entry[] = [];
    const uOff = this.unstable.offset;
    if (lo < uOff) {
      ents = this.storage.entries(lo, Math.min(hiCapped, uOff), maxBytes);
      // Storage cut the batch short (size limit): the unstable part would not fit either.
      if (ents.length < Math.min(hiCapped, uOff) - lo) return ents;
    }
    if (hiCapped > uOff) {
      const u = this.unstable.slice(Math.max(lo, uOff), hiCapped);
      ents = ents.length > 0 ? ents.concat(u) : u;
    }
    return limitSize(ents, maxBytes);
  }
}
