// Durable Raft log storage over a KvEngine (RocksDB): an in-memory index answers the core's synchronous reads, and
// every Ready is written in one atomic batch before the index is updated.
import type { BatchOp, KvEngine } from '@robustmq/common';
import { RaftStorageError } from '../errors.js';
import { invariant } from '../invariant.js';
import { MemoryStorage, normalizeConfState } from '../memory-storage.js';
import type { PersistableReady, RaftLogStore } from '../node/log-store.js';
import { MirroredLogStore } from '../node/mirrored-log-store.js';
import { isEmptyHardState, type ConfState, type Entry, type HardState, type Snapshot } from '../types.js';
import {
  GroupKeys,
  decodeEntry,
  decodeHardState,
  decodeSnapshotMeta,
  encodeEntry,
  encodeHardState,
  encodeSnapshotMeta,
  type StoredSnapshotMeta,
} from './log-codec.js';

export interface RocksDbRaftStorageOptions {
  /** Snapshot data is stored in values of at most this many bytes (default 4 MiB). */
  snapshotChunkBytes?: number;
}

/**
 * The log of one Raft group. The disk is the truth; `mem` mirrors it so the pure core can read synchronously (the
 * same split as etcd's MemoryStorage + WAL). Writes go to disk first and reach `mem` only once the batch is durable,
 * so the core never sees state a crash could take back. persist() and compact() must not overlap (the driver runs
 * one at a time); that is asserted.
 */
export class RocksDbRaftStorage extends MirroredLogStore implements RaftLogStore {
  private busy = false;

  private constructor(
    private readonly engine: KvEngine,
    private readonly keys: GroupKeys,
    mem: MemoryStorage,
    /** Snapshot chunk keys currently on disk, so a smaller snapshot deletes the surplus. */
    private chunksOnDisk: number,
    private readonly chunkBytes: number,
  ) {
    super(mem);
    this.diskHardState = mem.hardStateValue();
  }

  /** The hard state as last written: commit-only changes wait for the next write that must happen anyway. */
  private diskHardState: HardState;

  /** Loads group `group` from `engine` (an empty group if nothing is stored). */
  static async open(
    engine: KvEngine,
    group: string,
    options: RocksDbRaftStorageOptions = {},
  ): Promise<RocksDbRaftStorage> {
    const keys = new GroupKeys(group);
    const chunkBytes = options.snapshotChunkBytes ?? 4 * 1024 * 1024;
    invariant(chunkBytes > 0, () => 'snapshotChunkBytes must be > 0');
    let mem = new MemoryStorage();
    let chunks = 0;
    let pendingSnapshot: Snapshot | undefined;
    const metaBuf = await engine.get(keys.snapshotMeta);
    if (metaBuf) {
      const meta = decodeSnapshotMeta(metaBuf);
      chunks = meta.chunks;
      const data = meta.size > 0 ? await readChunks(engine, keys, meta) : new Uint8Array();
      const metadata = { index: meta.index, term: meta.term, confState: meta.confState };
      if (meta.logStart.index === meta.index) {
        mem = new MemoryStorage(meta.confState);
        if (meta.index > 0) mem.applySnapshot({ metadata, data });
      } else {
        // Entries below the snapshot were kept: rebuild the log from its real start, then record the snapshot.
        mem = new MemoryStorage(meta.confState);
        if (meta.logStart.index > 0) {
          mem.applySnapshot({
            metadata: { ...meta.logStart, confState: meta.confState },
            data: new Uint8Array(),
          });
        }
        pendingSnapshot = { metadata, data };
      }
    }
    const logStart = mem.firstIndex() - 1;
    const entries: Entry[] = [];
    for await (const [key, value] of engine.scan({ prefix: keys.entryPrefix })) {
      const index = keys.indexOfEntryKey(key);
      const e = decodeEntry(value);
      invariant(e.index === index, () => `raft/${group}: entry key ${index} holds entry ${e.index}`);
      // Compaction deletes entries in the batch that writes the snapshot, so none can be left at or below it.
      invariant(index > logStart, () => `raft/${group}: entry ${index} survived compaction to ${logStart}`);
      const expected = logStart + entries.length + 1;
      invariant(
        index === expected,
        () => `raft/${group}: log has a gap: found ${index}, expected ${expected}`,
      );
      entries.push(e);
    }
    mem.append(entries);
    if (pendingSnapshot) {
      const p = pendingSnapshot;
      mem.createSnapshot(p.metadata.index, p.metadata.confState, p.data);
    }
    const hsBuf = await engine.get(keys.hardState);
    if (hsBuf) mem.setHardState(decodeHardState(hsBuf));
    return new RocksDbRaftStorage(engine, keys, mem, chunks, chunkBytes);
  }

  get group(): string {
    return this.keys.group;
  }

  /** Nothing was ever written for this group: a brand-new member. */
  isEmpty(): boolean {
    const snap = this.mem.snapshot().metadata;
    return (
      isEmptyHardState(this.mem.hardStateValue()) &&
      this.mem.lastIndex() === 0 &&
      snap.confState.voters.length === 0 &&
      snap.confState.learners.length === 0
    );
  }

  /**
   * Makes a brand-new group's initial membership durable, as the membership of an empty snapshot at index 0 (how
   * the core expects a fresh cluster to start: every founding member is bootstrapped with the same voters).
   */
  async bootstrap(confState: ConfState): Promise<void> {
    invariant(this.isEmpty(), () => `raft/${this.group}: bootstrap of a group that already has state`);
    const cs = normalizeConfState(confState);
    invariant(cs.voters.length > 0, () => 'bootstrap needs at least one voter');
    const meta: StoredSnapshotMeta = {
      index: 0,
      term: 0,
      confState: cs,
      size: 0,
      chunks: 0,
      logStart: { index: 0, term: 0 },
    };
    await this.engine.put(this.keys.snapshotMeta, encodeSnapshotMeta(meta), { sync: true });
    this.mem = new MemoryStorage(cs);
  }

  // --- Writes ---

  /**
   * Step 2 of the Ready protocol: snapshot, entries (dropping any conflicting suffix) and hard state in one batch,
   * fsynced when `mustSync`. Resolves only once durable; the in-memory index changes only then.
   */
  async persist(rd: PersistableReady): Promise<void> {
    if (!rd.snapshot && rd.entries.length === 0 && !rd.hardState) return;
    if (
      !rd.snapshot &&
      rd.entries.length === 0 &&
      rd.hardState &&
      sameTermAndVote(rd.hardState, this.diskHardState)
    ) {
      // Only the commit index moved. etcd writes that without fsync; we do not write it on its own at all (it goes
      // with the next entries, term or vote): a restart may then come back with an older commit index, which Raft
      // allows — commit is re-learnt from the leader, and RaftNode.start skips what the application already has.
      // That saves every member a write per commit.
      this.mem.setHardState(rd.hardState);
      return;
    }
    this.enter();
    try {
      const ops: BatchOp[] = [];
      let last = this.mem.lastIndex();
      let first = this.mem.firstIndex();
      let chunks = this.chunksOnDisk;
      if (rd.snapshot) {
        const cur = this.mem.snapshot().metadata.index;
        if (rd.snapshot.metadata.index <= cur) {
          throw new RaftStorageError(
            'SNAPSHOT_OUT_OF_DATE',
            `snapshot at ${rd.snapshot.metadata.index} is not newer than ${cur}`,
          );
        }
        // The snapshot replaces the whole log.
        for (let i = first; i <= last; i++) ops.push({ type: 'del', key: this.keys.entry(i) });
        const m = rd.snapshot.metadata;
        chunks = this.snapshotOps(ops, rd.snapshot, { index: m.index, term: m.term });
        last = rd.snapshot.metadata.index;
        first = last + 1;
      }
      if (rd.entries.length > 0) {
        const newLast = rd.entries[rd.entries.length - 1]!.index;
        invariant(
          rd.entries[0]!.index <= last + 1,
          () => `raft/${this.group}: append at ${rd.entries[0]!.index} leaves a gap after ${last}`,
        );
        // A conflicting suffix beyond the new entries must go; the rest is overwritten key by key.
        for (let i = Math.max(newLast + 1, first); i <= last; i++)
          ops.push({ type: 'del', key: this.keys.entry(i) });
        for (const e of rd.entries) {
          if (e.index >= first)
            ops.push({ type: 'put', key: this.keys.entry(e.index), value: encodeEntry(e) });
        }
      }
      // the newest hard state, including a commit index that moved since the last write
      const hardState = rd.hardState ?? this.mem.hardStateValue();
      const writeHardState = rd.hardState !== undefined || hardState.commit !== this.diskHardState.commit;
      if (writeHardState)
        ops.push({ type: 'put', key: this.keys.hardState, value: encodeHardState(hardState) });
      await this.engine.batch(ops, { sync: rd.mustSync });
      if (writeHardState) this.diskHardState = hardState;
      this.chunksOnDisk = chunks;
      if (rd.snapshot) this.mem.applySnapshot(rd.snapshot);
      this.mem.append(rd.entries);
      if (rd.hardState) this.mem.setHardState(rd.hardState);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Records the application's image at applied index `index` as the group's snapshot and deletes log entries up to
   * `compactTo` (default `index`; pass a lower value to keep a tail for slightly lagging followers). Atomic: a crash
   * leaves either the old snapshot and log or the new ones.
   */
  async compact(index: number, data: Uint8Array, confState: ConfState, compactTo = index): Promise<Snapshot> {
    const cur = this.mem.snapshot().metadata.index;
    if (index <= cur) {
      throw new RaftStorageError('SNAPSHOT_OUT_OF_DATE', `snapshot at ${index} is not newer than ${cur}`);
    }
    invariant(compactTo <= index, () => `compactTo ${compactTo} beyond snapshot index ${index}`);
    this.enter();
    try {
      const term = this.mem.term(index);
      const snap: Snapshot = { metadata: { index, term, confState: normalizeConfState(confState) }, data };
      const ops: BatchOp[] = [];
      const first = this.mem.firstIndex();
      const start = Math.max(compactTo, first - 1);
      const chunks = this.snapshotOps(ops, snap, { index: start, term: this.mem.term(start) });
      for (let i = first; i <= compactTo; i++) ops.push({ type: 'del', key: this.keys.entry(i) });
      await this.engine.batch(ops, { sync: true });
      this.chunksOnDisk = chunks;
      this.mem.createSnapshot(index, snap.metadata.confState, data);
      if (compactTo >= first) this.mem.compact(compactTo);
      return this.mem.snapshot();
    } finally {
      this.busy = false;
    }
  }

  private enter(): void {
    invariant(!this.busy, () => `raft/${this.group}: overlapping storage writes`);
    this.busy = true;
  }

  /** Adds the writes for `snap`'s metadata and data chunks to `ops`; returns the new chunk count. */
  private snapshotOps(ops: BatchOp[], snap: Snapshot, logStart: StoredSnapshotMeta['logStart']): number {
    const data = snap.data;
    const chunks = Math.ceil(data.byteLength / this.chunkBytes);
    for (let n = 0; n < chunks; n++) {
      const part = data.subarray(n * this.chunkBytes, Math.min((n + 1) * this.chunkBytes, data.byteLength));
      ops.push({
        type: 'put',
        key: this.keys.chunk(n),
        value: Buffer.from(part.buffer, part.byteOffset, part.byteLength),
      });
    }
    for (let n = chunks; n < this.chunksOnDisk; n++) ops.push({ type: 'del', key: this.keys.chunk(n) });
    const meta: StoredSnapshotMeta = {
      index: snap.metadata.index,
      term: snap.metadata.term,
      confState: normalizeConfState(snap.metadata.confState),
      size: data.byteLength,
      chunks,
      logStart,
    };
    ops.push({ type: 'put', key: this.keys.snapshotMeta, value: encodeSnapshotMeta(meta) });
    return chunks;
  }
}

async function readChunks(engine: KvEngine, keys: GroupKeys, meta: StoredSnapshotMeta): Promise<Uint8Array> {
  const data = Buffer.allocUnsafe(meta.size);
  let off = 0;
  for (let n = 0; n < meta.chunks; n++) {
    const part = await engine.get(keys.chunk(n));
    invariant(part !== undefined, () => `raft/${keys.group}: snapshot chunk ${n} of ${meta.chunks} missing`);
    part.copy(data, off);
    off += part.length;
  }
  invariant(
    off === meta.size,
    () => `raft/${keys.group}: snapshot data is ${off} bytes, expected ${meta.size}`,
  );
  return data;
}

function sameTermAndVote(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote;
}
