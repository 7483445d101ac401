// The Raft log of its own (issue #19): append-only segment files, one record per Ready written by the calling thread
// and one fdatasync() — on the calling thread (flush "inline", no hand-off at all), on the libuv pool (flush
// "pool", one hand-off per Ready, never per entry), or inline on a follower and on the pool on the leader ("auto"). No RocksDB in the write path: a write through RocksDB paid for
// its memtable and its own WAL too; this is the WAL alone, as etcd's wal package keeps it.
//
// Layout of `dir`:
//   snapshot                 the latest snapshot: magic, meta length, CRC-32 of the rest, JSON meta, data
//                            (replaced atomically: written to snapshot.tmp — snapshot.compact.tmp for compact(),
//                            which writes it while the log goes on — fsynced, renamed, directory fsynced)
//   <seq 16 hex>.wal         segments, replayed in sequence order; one record per write: [u32 length][u32 CRC-32]
//                            [u8 1 = hard state follows][3 × f64 term, vote, commit][u32 count]
//                            count × [f64 index][f64 term][u8 type][u32 length][data]
// One record per write keeps a Ready's entries and hard state all-or-nothing: a torn write cannot leave entries of
// a new term behind without the term, or a commit index beyond the entries.
// Every segment is a file of fixed size (segmentBytes), written as zeros and fdatasynced — with its directory entry —
// on the libuv pool while the current one is half full, and appends move to it when a record does not fit: the Raft
// loop never waits for zeros (extending the current file inline, 4 MiB of zeros plus an fdatasync on the loop's own
// thread, stalled every write behind it, as it did the broker's WAL: libs/storage-adapter rocksdb-wal.ts). Why zeros:
// an fdatasync after an append that grows the file must also journal the new size, which cost 3–5× the data flush
// alone here (380–775 µs against 130–170 µs per write on this machine's ext4). A zero length field ends a segment's
// records. Should the next segment not be ready when needed (a slow disk), appends go on past the end of the current
// one (growing it, dearer flushes) until it is: never a wait. The first record of every segment carries the hard
// state and is fdatasynced, so deleting older segments never loses it.
// A record that repeats an index truncates the log there on replay (a leader's conflicting suffix is overwritten by
// appending, never by rewriting a file). A record torn by a crash can only be the last one written (each write is
// fdatasynced before the next is acknowledged): it is cut off on open, also when prepared segments (zeros, no record)
// follow it; segments holding no record are deleted on open, and appends go on in a fresh segment. A bad record anywhere else is
// corruption and stops the open. A failed fdatasync leaves the file's state unknown (the kernel may have dropped
// the dirty pages): the store refuses every later write, and the node stops — it is never retried.
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  write as writeCallback,
  writeSync,
} from 'node:fs';
import { fdatasync as fdatasyncCallback } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import {
  FRAME_HEADER,
  fsyncDirAsync,
  fsyncDirSync,
  holdsFrames,
  readFrame,
  SEGMENT_ZEROS,
  sealFrame,
  segmentFileName,
  stageTimings,
} from '@robustmq/common';
import { RaftStorageError } from '../errors.js';
import { invariant } from '../invariant.js';
import { MemoryStorage, normalizeConfState } from '../memory-storage.js';
import type { PersistableReady, PersistContext, RaftLogStore } from '../node/log-store.js';
import { MirroredLogStore } from '../node/mirrored-log-store.js';
import { isEmptyHardState, type ConfState, type Entry, type HardState, type Snapshot } from '../types.js';

/** The disk calls the store makes, replaceable so crash tests can make fdatasync fail or tear a write. */
export interface SegmentLogIo {
  write(fd: number, data: Buffer, position: number): void;
  fdatasync(fd: number): void;
  /** The same on the libuv thread pool (flush = "pool", and a prepared segment's zeros); defaults to the real one. */
  fdatasyncAsync?(fd: number): Promise<void>;
}

const realIo: SegmentLogIo = {
  write(fd, data, position) {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off, position + off);
  },
  fdatasync: (fd) => fdatasyncSync(fd),
  fdatasyncAsync: (fd) =>
    new Promise<void>((resolve, reject) => fdatasyncCallback(fd, (err) => (err ? reject(err) : resolve()))),
};

/**
 * Where a write's fdatasync runs: "inline" on the calling thread (no hand-off; the thread waits for the disk), or
 * "pool" on the libuv thread pool (one hand-off per write; the thread keeps serving the network meanwhile), or
 * "auto": on the pool while this member leads (its thread serves the clients and the other members meanwhile), inline
 * while it follows. A follower's acknowledgement is what a write waits for, and a follower's next Ready waits for
 * this flush either way, so the hand-off's two thread wake-ups (to the pool and back) only lengthened the write.
 */
export type SegmentLogFlush = 'inline' | 'pool' | 'auto';

export interface SegmentLogStoreOptions {
  /** Each segment file is this many bytes of zeros, prepared on the pool before the log needs it (default 4 MiB). */
  segmentBytes?: number;
  /** Default "inline". */
  flush?: SegmentLogFlush;
  io?: SegmentLogIo;
}

interface SnapshotFileMeta {
  index: number;
  term: number;
  confState: ConfState;
  /** Index and term just below the first live entry (below `index` when a tail was kept for lagging followers). */
  logStart: { index: number; term: number };
  /** Segments with a lower sequence number hold a log the snapshot replaced; they are ignored and deleted. */
  firstLiveSeq: number;
}

interface SegmentInfo {
  seq: number;
  /** Highest entry index written into it (0: none). */
  maxIndex: number;
}

/** An open segment file: `size` bytes of it exist durably (zeros or records, size and directory entry). */
interface SegmentFile {
  seq: number;
  fd: number;
  size: number;
}

/** The next segment while its zeros are written on the pool. */
interface Preparing {
  seq: number;
  /** The store no longer wants it (closed, failed, or a snapshot install took a fresh segment): deleted once done. */
  dropped: boolean;
  /** Settles when the preparation ends (never rejects). */
  done: Promise<void>;
}

const SNAPSHOT_MAGIC = Buffer.from('RMQSNAP1');
/**
 * The snapshot file as an install from the leader writes it: [magic][u32 meta length][u32 CRC-32 of the data, then the
 * meta][data][JSON meta]. The data goes first (as it arrives, before the meta is known); the meta names the segment
 * the log goes on in, chosen only at the install.
 */
const SNAPSHOT_MAGIC_V2 = Buffer.from('RMQSNAP2');
const SNAPSHOT_V2_HEAD = SNAPSHOT_MAGIC_V2.length + 8;
/** Files of snapshots being received (`snapshot.incoming.<n>.tmp`); left-overs are deleted on open. */
const INCOMING_PREFIX = 'snapshot.incoming.';

/** A snapshot from the leader being written to its file as it arrives. */
interface Incoming {
  leaderTerm: number;
  index: number;
  term: number;
  path: string;
  fd: number;
  /** Bytes of data queued for the file (written once `writes` settles). */
  size: number;
  /** CRC-32 of those bytes. */
  crc: number;
  /** The queued writes and fdatasyncs, in order (never rejects: a failure is kept in `error`). */
  writes: Promise<void>;
  error: unknown;
}
/** Where compact() writes the next snapshot file beside the log (installs from the leader use snapshot.incoming.<n>.tmp,
 * bootstrap's writeSnapshotFile snapshot.tmp). */
const COMPACT_TMP = 'snapshot.compact.tmp';
/** a record is one frame of @robustmq/common's framed-records: [u32 length][u32 CRC-32][body]. */
const RECORD_HEADER = FRAME_HEADER;
const BODY_HEADER = 1 + 24 + 4;
const ENTRY_HEADER = 8 + 8 + 1 + 4;

/** Closes and deletes a snapshot's file once its queued writes settle (a descriptor closed under them could be reused
 * by another file meanwhile); after a successful install the file was renamed away and only the descriptor goes. */
async function removeIncoming(inc: Incoming): Promise<void> {
  await inc.writes;
  closeSync(inc.fd);
  rmSync(inc.path, { force: true });
}

export class SegmentLogStore extends MirroredLogStore implements RaftLogStore {
  readonly compactsBesidePersist = true;
  private busy = false;
  /** A persist() whose fdatasync is still on the pool (the store is busy until it settles). */
  private inFlight: Promise<void> | undefined;
  private compacting = false;
  private failed: Error | undefined;
  private closed = false;
  /** The segment appends go to. */
  private current: SegmentFile;
  private position = 0;
  /** A record was written to the current segment and not fdatasynced yet. */
  private unsynced = false;
  /** The next segment, zeros durable, ready to take appends. */
  private next: SegmentFile | undefined;
  private preparing: Preparing | undefined;
  /** The sequence number the next new segment file gets. */
  private nextSeq: number;
  private diskHardState: HardState;
  /** The snapshot the leader is sending, written as its chunks arrive (stageSnapshotChunk). */
  private incoming: Incoming | undefined;
  private incomingSeq = 0;

  private constructor(
    private readonly dir: string,
    mem: MemoryStorage,
    private segments: SegmentInfo[],
    private snapMeta: SnapshotFileMeta | undefined,
    private readonly segmentBytes: number,
    private readonly io: SegmentLogIo,
    private readonly flushMode: SegmentLogFlush,
    nextSeq: number,
  ) {
    super(mem);
    this.diskHardState = mem.hardStateValue();
    this.nextSeq = nextSeq;
    this.current = { seq: 0, fd: -1, size: 0 };
  }

  /**
   * Opens (or creates) the log in `dir`: cuts a torn last record off, deletes segments that hold no record, and
   * starts a fresh segment (prepared here, on the calling thread) whose first record is the hard state.
   */
  static open(dir: string, options: SegmentLogStoreOptions = {}): SegmentLogStore {
    mkdirSync(dir, { recursive: true });
    const io = options.io ?? realIo;
    const segmentBytes = options.segmentBytes ?? 4 * 1024 * 1024;
    const snapPath = join(dir, 'snapshot');
    let meta: SnapshotFileMeta | undefined;
    let snapData: Uint8Array = new Uint8Array();
    let installed = false;
    if (existsSync(snapPath)) ({ meta, data: snapData, installed } = readSnapshotFile(snapPath));
    if (existsSync(join(dir, 'snapshot.tmp'))) unlinkSync(join(dir, 'snapshot.tmp'));
    if (existsSync(join(dir, COMPACT_TMP))) unlinkSync(join(dir, COMPACT_TMP));
    for (const f of readdirSync(dir)) if (f.startsWith(INCOMING_PREFIX)) unlinkSync(join(dir, f));

    const mem = new MemoryStorage(meta?.confState);
    if (meta && meta.logStart.index > 0) {
      mem.applySnapshot({
        metadata: { index: meta.logStart.index, term: meta.logStart.term, confState: meta.confState },
        data: meta.logStart.index === meta.index ? snapData : new Uint8Array(),
      });
    }
    const logStart = meta?.logStart.index ?? 0;
    const firstLive = meta?.firstLiveSeq ?? 0;
    const seqs = readdirSync(dir)
      .filter((f) => /^[0-9a-f]{16}\.wal$/.test(f))
      .map((f) => parseInt(f.slice(0, 16), 16))
      .sort((a, b) => a - b);
    for (const seq of seqs.filter((s) => s < firstLive)) unlinkSync(join(dir, segmentFileName(seq)));
    const live = seqs.filter((s) => s >= firstLive);
    // entries by index as replayed; a repeated index cuts the log there
    let ents: Entry[] = [];
    let hardState: HardState | undefined;
    const segments: SegmentInfo[] = [];
    let torn = false;
    for (let k = 0; k < live.length && !torn; k++) {
      const seq = live[k]!;
      const path = join(dir, segmentFileName(seq));
      const buf = readFileSync(path);
      const info: SegmentInfo = { seq, maxIndex: 0 };
      let records = 0;
      let off = 0;
      while (off < buf.length) {
        const rec = readFrame(buf, off);
        if (!rec) {
          // zeros: the prepared rest of a segment, no record was ever written there
          if (off + 4 <= buf.length && buf.readUInt32LE(off) === 0) break;
          // each write is fdatasynced before the next one is made: a damaged record must be the last one written,
          // with nothing but prepared segments (zeros) after it
          invariant(
            !live.slice(k + 1).some((s) => holdsFrames(join(dir, segmentFileName(s)))),
            () =>
              `raft log ${path}: record at byte ${off} is damaged and more records follow it (corruption)`,
          );
          torn = true;
          break;
        }
        records++;
        const body = rec.body;
        const count = body.readUInt32LE(25);
        let at = BODY_HEADER;
        for (let n = 0; n < count; n++) {
          const index = body.readDoubleLE(at);
          const length = body.readUInt32LE(at + 17);
          const e: Entry = {
            index,
            term: body.readDoubleLE(at + 8),
            type: body[at + 16] === 1 ? 'confChange' : 'normal',
            data: Buffer.from(body.subarray(at + ENTRY_HEADER, at + ENTRY_HEADER + length)),
          };
          at += ENTRY_HEADER + length;
          if (index > info.maxIndex) info.maxIndex = index;
          if (index <= logStart) continue;
          const pos = index - logStart - 1;
          invariant(
            pos <= ents.length,
            () => `raft log ${path}: entry ${index} leaves a gap after ${logStart + ents.length}`,
          );
          if (pos < ents.length) ents = ents.slice(0, pos);
          ents.push(e);
        }
        invariant(at === body.length, () => `raft log ${path}: record at byte ${off} has trailing bytes`);
        if (body[0] === 1)
          hardState = {
            term: body.readDoubleLE(1),
            vote: body.readDoubleLE(9),
            commit: body.readDoubleLE(17),
          };
        off = rec.next;
      }
      if (torn) {
        // the torn record (never acknowledged) goes, so the file reads clean once newer segments follow it
        const fd = openSync(path, 'r+');
        try {
          ftruncateSync(fd, off);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
      if (records > 0) segments.push(info);
    }
    // segments without a record (prepared, never used; or holding only a torn record) are not needed for anything
    for (const seq of live)
      if (!segments.some((s) => s.seq === seq)) unlinkSync(join(dir, segmentFileName(seq)));
    mem.append(ents);
    if (meta && meta.logStart.index !== meta.index && meta.index > 0) {
      mem.createSnapshot(meta.index, meta.confState, snapData);
    }
    // a snapshot holds committed entries only: a commit index below an installed one (the hard state the install
    // wrote before its snapshot file took over, see installSnapshot) is raised to it
    if (hardState && meta && installed && hardState.commit < meta.index)
      hardState = { ...hardState, commit: meta.index };
    if (hardState) mem.setHardState(hardState);
    const store = new SegmentLogStore(
      dir,
      mem,
      segments,
      meta,
      segmentBytes,
      io,
      options.flush ?? 'inline',
      Math.max(seqs[seqs.length - 1] ?? 0, firstLive - 1) + 1,
    );
    store.useSegment(store.createSegmentSync(segmentBytes));
    return store;
  }

  isEmpty(): boolean {
    const snap = this.mem.snapshot().metadata;
    return (
      isEmptyHardState(this.mem.hardStateValue()) &&
      this.mem.lastIndex() === 0 &&
      snap.confState.voters.length === 0 &&
      snap.confState.learners.length === 0
    );
  }

  bootstrap(confState: ConfState): Promise<void> {
    invariant(this.isEmpty(), () => `raft log ${this.dir}: bootstrap of a group that already has state`);
    const cs = normalizeConfState(confState);
    invariant(cs.voters.length > 0, () => 'bootstrap needs at least one voter');
    this.writeSnapshotFile(
      { index: 0, term: 0, confState: cs, logStart: { index: 0, term: 0 }, firstLiveSeq: this.currentSeq() },
      new Uint8Array(),
    );
    this.mem = new MemoryStorage(cs);
    return Promise.resolve();
  }

  // --- Writes ---

  persist(rd: PersistableReady, context?: PersistContext): Promise<void> {
    let pending: Promise<void> | undefined;
    try {
      pending = this.persistNow(
        rd,
        this.flushMode === 'auto' ? context?.leading === true : this.flushMode === 'pool',
      );
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return pending ?? Promise.resolve();
  }

  /** Writes `rd`; returns a promise only when its fdatasync runs on the pool (the store stays busy until then). */
  private persistNow(rd: PersistableReady, onPool: boolean): Promise<void> | undefined {
    if (!rd.snapshot && rd.entries.length === 0 && !rd.hardState) return undefined;
    if (
      !rd.snapshot &&
      rd.entries.length === 0 &&
      rd.hardState &&
      sameTermAndVote(rd.hardState, this.diskHardState)
    ) {
      // Only the commit index moved: not written on its own (as in RocksDbRaftStorage; commit is re-learnt from
      // the leader after a restart).
      this.mem.setHardState(rd.hardState);
      return undefined;
    }
    if (rd.snapshot) return this.persistWithSnapshot(rd, rd.snapshot, onPool);
    this.enter();
    let deferred = false;
    try {
      const last = this.mem.lastIndex();
      const first = this.mem.firstIndex();
      const hardState = rd.hardState ?? this.mem.hardStateValue();
      const writeHardState = rd.hardState !== undefined || hardState.commit !== this.diskHardState.commit;
      let size = RECORD_HEADER + BODY_HEADER;
      const live: Entry[] = [];
      if (rd.entries.length > 0) {
        invariant(
          rd.entries[0]!.index <= last + 1,
          () => `raft log ${this.dir}: append at ${rd.entries[0]!.index} leaves a gap after ${last}`,
        );
        for (const e of rd.entries) {
          if (e.index < first) continue;
          live.push(e);
          size += ENTRY_HEADER + e.data.byteLength;
        }
      }
      let sync = rd.mustSync || rd.snapshot !== undefined;
      let withHardState = writeHardState;
      if ((live.length > 0 || writeHardState) && this.position + size > this.current.size && this.next) {
        // the record goes to the next segment, prepared on the pool: it opens it, so it carries the hard state and
        // is made durable (deleting older segments then never loses the hard state)
        this.switchSegment();
        withHardState = true;
        sync = true;
      }
      const pool = sync && onPool;
      if (live.length > 0 || withHardState) {
        this.append(encodeRecord(size, withHardState ? hardState : undefined, live), sync && !pool);
        const seg = this.segments[this.segments.length - 1]!;
        if (live.length > 0) seg.maxIndex = Math.max(seg.maxIndex, live[live.length - 1]!.index);
      }
      const done = (): void => {
        if (withHardState) this.diskHardState = hardState;
        this.mem.append(rd.entries);
        if (rd.hardState) this.mem.setHardState(rd.hardState);
      };
      if (!pool || (live.length === 0 && !withHardState)) {
        done();
        return undefined;
      }
      deferred = true;
      const flushed = this.flushOnPool()
        .then(done)
        .finally(() => {
          this.busy = false;
          this.inFlight = undefined;
        });
      this.inFlight = flushed;
      return flushed;
    } finally {
      if (!deferred) this.busy = false;
    }
  }

  /**
   * A Ready with a snapshot from the leader: the image is written to its file beside the loop (most of it already
   * was, as its chunks arrived: stageSnapshotChunk), then installed, then the Ready's entries and hard state follow as
   * any write's. The store is busy until then (persist() calls do not overlap; a compaction waits for it).
   */
  private persistWithSnapshot(rd: PersistableReady, snap: Snapshot, onPool: boolean): Promise<void> {
    const cur = this.mem.snapshot().metadata.index;
    if (snap.metadata.index <= cur) {
      return Promise.reject(
        new RaftStorageError(
          'SNAPSHOT_OUT_OF_DATE',
          `snapshot at ${snap.metadata.index} is not newer than ${cur}`,
        ),
      );
    }
    this.enter();
    const started = stageTimings ? performance.now() : 0;
    const file = this.takeIncoming(snap);
    const installed = (async () => {
      try {
        await this.installSnapshot(snap, rd.hardState ?? this.mem.hardStateValue(), file);
        if (stageTimings) stageTimings.record('raft.snapshot.install', performance.now() - started);
      } finally {
        this.busy = false;
      }
      // the Ready's hard state (its commit is the snapshot's index) and any entries after the snapshot
      await this.persistNow(
        { entries: rd.entries, ...(rd.hardState ? { hardState: rd.hardState } : {}), mustSync: true },
        onPool,
      );
    })().finally(() => {
      if (this.inFlight === installed) this.inFlight = undefined;
    });
    this.inFlight = installed;
    return installed;
  }

  /**
   * A chunk of the snapshot the leader is sending (RaftNode hands over each one the core took, in order): written to
   * a file of its own on the pool, a piece at a time, each fdatasynced — the image (tens of megabytes) never passes
   * through the loop's thread at once, and the disk never holds it all as dirty pages that the log's own flushes
   * would queue behind. Installing the snapshot then only writes what did not come this way (its last chunk).
   */
  stageSnapshotChunk(
    from: { leaderTerm: number; index: number; term: number },
    offset: number,
    data: Uint8Array,
  ): Promise<void> | undefined {
    if (this.closed || this.failed) return undefined;
    let inc = this.incoming;
    if (
      offset === 0 ||
      !inc ||
      inc.leaderTerm !== from.leaderTerm ||
      inc.index !== from.index ||
      inc.term !== from.term ||
      inc.size !== offset
    ) {
      this.dropIncoming();
      // (a chunk that does not follow what was written is not written: persist() writes from where this stops)
      if (offset !== 0) return undefined;
      inc = this.incoming = this.openIncoming(from);
    }
    this.writeIncoming(inc, data);
    return inc.writes;
  }

  /** A new file for a snapshot's image (the caller keeps it: in `incoming` while chunks arrive, or for an install). */
  private openIncoming(from: { leaderTerm: number; index: number; term: number }): Incoming {
    const path = join(this.dir, `${INCOMING_PREFIX}${this.incomingSeq++}.tmp`);
    const inc: Incoming = {
      ...from,
      path,
      fd: openSync(path, 'w'),
      size: 0,
      crc: 0,
      writes: Promise.resolve(),
      error: undefined,
    };
    // the install appends in a fresh segment: prepared now, beside the transfer, so it is ready by then
    if (!this.next && !this.preparing) this.prepareNext();
    return inc;
  }

  /**
   * The file the install of `snap` writes to: the one its chunks were staged in (the store lets go of it), or — when
   * none was staged, or what was staged is of another snapshot or longer than this one — a new one.
   */
  private takeIncoming(snap: Snapshot): Incoming {
    const m = snap.metadata;
    const staged = this.incoming;
    if (staged && staged.index === m.index && staged.term === m.term && staged.size <= snap.data.byteLength) {
      this.incoming = undefined;
      return staged;
    }
    this.dropIncoming();
    return this.openIncoming({ leaderTerm: 0, index: m.index, term: m.term });
  }

  /** Queues `data` after what `inc` holds (the write and its fdatasync on the pool); the CRC is kept as it goes. */
  private writeIncoming(inc: Incoming, data: Uint8Array): void {
    const fdatasync = this.io.fdatasyncAsync ?? realIo.fdatasyncAsync!;
    for (let off = 0; off < data.byteLength; off += SNAPSHOT_PIECE_BYTES) {
      const piece = data.subarray(off, Math.min(off + SNAPSHOT_PIECE_BYTES, data.byteLength));
      const at = SNAPSHOT_V2_HEAD + inc.size;
      inc.crc = crc32(piece, inc.crc);
      inc.size += piece.byteLength;
      inc.writes = inc.writes.then(async () => {
        if (inc.error !== undefined) return;
        try {
          await writeAllAsync(inc.fd, piece, at);
          await fdatasync(inc.fd);
        } catch (err) {
          inc.error = err;
        }
      });
    }
  }

  /** The snapshot being received is not wanted (another started, or the store closes): its file goes once written. */
  private dropIncoming(): void {
    const inc = this.incoming;
    this.incoming = undefined;
    if (inc) void removeIncoming(inc);
  }

  private async flushOnPool(): Promise<void> {
    if (this.failed) throw this.failed;
    try {
      await (this.io.fdatasyncAsync ?? realIo.fdatasyncAsync!)(this.current.fd);
      this.unsynced = false;
    } catch (err) {
      this.failed = new RaftStorageError(
        'UNAVAILABLE',
        `raft log ${this.dir}: a write failed (${(err as Error).message}); the log refuses further writes`,
      );
      throw this.failed;
    }
  }

  /**
   * The snapshot file (the whole state image, possibly large) is written and flushed on the thread pool, under a
   * name of its own, while persist() calls go on; then, in one synchronous step once no persist() is in flight, it
   * replaces the snapshot and the log is cut. A snapshot installed from the leader meanwhile wins: this one is
   * dropped (SNAPSHOT_OUT_OF_DATE).
   */
  async compact(index: number, data: Uint8Array, confState: ConfState, compactTo = index): Promise<Snapshot> {
    const outOfDate = (): RaftStorageError | undefined => {
      const cur = this.mem.snapshot().metadata.index;
      return index <= cur
        ? new RaftStorageError('SNAPSHOT_OUT_OF_DATE', `snapshot at ${index} is not newer than ${cur}`)
        : undefined;
    };
    const stale = outOfDate();
    if (stale) throw stale;
    invariant(compactTo <= index, () => `compactTo ${compactTo} beyond snapshot index ${index}`);
    invariant(!this.compacting, () => `raft log ${this.dir}: overlapping compactions`);
    this.compacting = true;
    const tmp = join(this.dir, COMPACT_TMP);
    try {
      const term = this.mem.term(index);
      const cs = normalizeConfState(confState);
      const first = this.mem.firstIndex();
      const start = Math.max(compactTo, first - 1);
      const meta: SnapshotFileMeta = {
        index,
        term,
        confState: cs,
        logStart: { index: start, term: this.mem.term(start) },
        firstLiveSeq: this.snapMeta?.firstLiveSeq ?? this.segments[0]!.seq,
      };
      await writeSnapshotFileInPieces(tmp, meta, data);
      await this.persistSettled();
      const late = outOfDate();
      if (late) {
        unlinkSync(tmp);
        throw late;
      }
      // the rename is the commit point (a crash before the directory is synced leaves the old snapshot and log,
      // which is as good); segments are deleted only after it is durable
      renameSync(tmp, join(this.dir, 'snapshot'));
      this.snapMeta = meta;
      await fsyncDirAsync(this.dir);
      await this.persistSettled();
      // a snapshot installed from the leader while the directory synced replaced this one on disk and in memory
      const superseded = outOfDate();
      if (superseded) throw superseded;
      this.enter();
      try {
        this.mem.createSnapshot(index, cs, data);
        if (compactTo >= first) this.mem.compact(compactTo);
        // whole segments below the new log start go; the current one always stays
        while (this.segments.length > 1 && this.segments[0]!.maxIndex <= start) {
          unlinkSync(join(this.dir, segmentFileName(this.segments.shift()!.seq)));
        }
        return this.mem.snapshot();
      } finally {
        this.busy = false;
      }
    } finally {
      this.compacting = false;
    }
  }

  /** Resolves once no persist() is in flight (one may start again right after: check synchronously). */
  private async persistSettled(): Promise<void> {
    while (this.inFlight) await this.inFlight.catch(() => undefined);
  }

  /** Resolves once no next segment is being prepared (it is ready, or none is needed yet). */
  async nextSegmentSettled(): Promise<void> {
    while (this.preparing) await this.preparing.done;
  }

  /**
   * Closes the open segment (the store must not be used afterwards). A prepared next segment is deleted (one still
   * being prepared, once its zeros are written: its descriptor stays open until then).
   */
  close(): void {
    this.closed = true;
    this.dropNext();
    this.dropIncoming();
    if (this.current.fd >= 0) closeSync(this.current.fd);
    this.current = { ...this.current, fd: -1 };
  }

  // --- internals ---

  /**
   * A snapshot from the leader replaces the whole log: the segments before it are voided by the snapshot file. Every
   * disk wait happens on the pool. Order, for a crash at any point:
   * 1. the image goes to its own file (most of it already did, as it arrived), its metadata and checksum last, durably;
   * 2. appends move to a fresh segment whose first record is the term and vote the Ready brings with the commit index
   *    durable so far, durably — valid over the old log (a crash here reopens the old snapshot and log) and over the
   *    snapshot alone (open() raises a commit index below the snapshot's to it: a snapshot holds only committed entries);
   * 3. the file is renamed into place and the directory synced: the commit point;
   * 4. the old segments are deleted (a crash before leaves them, and open() ignores them: firstLiveSeq).
   */
  private async installSnapshot(snap: Snapshot, hardState: HardState, file: Incoming): Promise<void> {
    const m = snap.metadata;
    try {
      // what did not arrive as chunks (the last one; all of it when nothing was staged)
      if (file.size < snap.data.byteLength) this.writeIncoming(file, snap.data.subarray(file.size));
      // the fresh segment: the prepared one, or one prepared now (beside the image's writes)
      if (!this.next && !this.preparing) this.prepareNext();
      const freshSeq = this.next?.seq ?? this.preparing?.seq;
      if (freshSeq === undefined)
        throw this.failed ?? new RaftStorageError('UNAVAILABLE', `raft log ${this.dir}: closed`);
      const meta: SnapshotFileMeta = {
        index: m.index,
        term: m.term,
        confState: normalizeConfState(m.confState),
        logStart: { index: m.index, term: m.term },
        firstLiveSeq: freshSeq,
      };
      await Promise.all([file.writes, this.nextSegmentSettled()]);
      if (file.error !== undefined) throw this.fail(file.error);
      if (this.failed) throw this.failed;
      invariant(
        this.next?.seq === freshSeq,
        () => `raft log ${this.dir}: the fresh segment ${freshSeq} went away`,
      );
      // 1.
      const json = Buffer.from(JSON.stringify(meta));
      const head = Buffer.allocUnsafe(SNAPSHOT_V2_HEAD);
      SNAPSHOT_MAGIC_V2.copy(head, 0);
      head.writeUInt32LE(json.length, SNAPSHOT_MAGIC_V2.length);
      head.writeUInt32LE(crc32(json, file.crc), SNAPSHOT_MAGIC_V2.length + 4);
      try {
        await writeAllAsync(file.fd, json, SNAPSHOT_V2_HEAD + file.size);
        await writeAllAsync(file.fd, head, 0);
        await (this.io.fdatasyncAsync ?? realIo.fdatasyncAsync!)(file.fd);
      } catch (err) {
        throw this.fail(err);
      }
      // 2.
      const old = [...this.segments];
      this.switchSegment();
      const first = { term: hardState.term, vote: hardState.vote, commit: this.diskHardState.commit };
      this.append(hardStateRecord(first), false);
      await this.flushOnPool();
      this.diskHardState = first;
      // 3.
      renameSync(file.path, join(this.dir, 'snapshot'));
      await fsyncDirAsync(this.dir);
      this.snapMeta = meta;
      // 4.
      for (const s of old) unlinkSync(join(this.dir, segmentFileName(s.seq)));
      this.segments = this.segments.filter((s) => !old.includes(s));
      this.mem.applySnapshot(snap);
    } finally {
      await removeIncoming(file);
    }
  }

  private append(buf: Buffer, sync: boolean): void {
    if (this.failed) throw this.failed;
    try {
      this.io.write(this.current.fd, buf, this.position);
      this.position += buf.length;
      this.unsynced = true;
      if (sync) {
        this.io.fdatasync(this.current.fd);
        this.unsynced = false;
      }
    } catch (err) {
      // After a failed write or fdatasync the file's durable content is unknown: never write to it again.
      throw this.fail(err);
    }
    // (a record beyond the prepared size grows the file: correct, only its flush costs more)
    if (this.position > this.current.size) this.current.size = this.position;
    if (!this.next && !this.preparing && this.position > this.current.size / 2) this.prepareNext();
  }

  private fail(err: unknown): RaftStorageError {
    this.failed ??= new RaftStorageError(
      'UNAVAILABLE',
      `raft log ${this.dir}: a write failed (${(err as Error).message}); the log refuses further writes`,
    );
    this.dropNext();
    return this.failed as RaftStorageError;
  }

  private syncCurrent(): void {
    try {
      this.io.fdatasync(this.current.fd);
      this.unsynced = false;
    } catch (err) {
      throw this.fail(err);
    }
  }

  private currentSeq(): number {
    return this.current.seq;
  }

  /** Moves appends to the prepared next segment (no wait: called only when it is ready). */
  private switchSegment(): void {
    const next = this.next!;
    this.next = undefined;
    const started = stageTimings ? performance.now() : 0;
    // a record not yet flushed stays durable-to-be: the old file is flushed before it is let go (rare: every
    // write the node makes with entries is fdatasynced)
    if (this.unsynced) this.syncCurrent();
    // the old segment's unused tail stays zeros: read as its end
    closeSync(this.current.fd);
    this.current = next;
    this.position = 0;
    this.segments.push({ seq: next.seq, maxIndex: 0 });
    if (stageTimings) stageTimings.record('raft.log.switch', performance.now() - started);
  }

  /** Starts appending to `segment` (fresh, prepared or made now): its first record is the hard state, fdatasynced. */
  private useSegment(segment: SegmentFile): void {
    this.current = segment;
    this.position = 0;
    this.segments.push({ seq: segment.seq, maxIndex: 0 });
    this.diskHardState = this.mem.hardStateValue();
    this.append(hardStateRecord(this.diskHardState), true);
  }

  /** Creates the next segment file here with `bytes` zeros (0: an empty file that grows), durably. */
  private createSegmentSync(bytes: number): SegmentFile {
    const seq = this.nextSeq++;
    const fd = openSync(join(this.dir, segmentFileName(seq)), 'wx+');
    for (let at = 0; at < bytes;)
      at += writeSync(fd, SEGMENT_ZEROS, 0, Math.min(SEGMENT_ZEROS.length, bytes - at), at);
    if (bytes > 0) this.io.fdatasync(fd);
    fsyncDirSync(this.dir);
    return { seq, fd, size: bytes };
  }

  /**
   * Prepares the next segment on the pool: the file is created here (a name taken now can never clash with a later
   * one), its zeros are written and fdatasynced a piece at a time on the pool (the log's own fdatasync never queues
   * behind megabytes of them), then its directory entry is synced. A failure fails the store, as a failed write does.
   */
  private prepareNext(): void {
    if (this.closed || this.failed) return;
    let fd: number;
    const prep: Preparing = { seq: this.nextSeq++, dropped: false, done: Promise.resolve() };
    const path = join(this.dir, segmentFileName(prep.seq));
    try {
      fd = openSync(path, 'wx+');
    } catch (err) {
      this.fail(err);
      return;
    }
    this.preparing = prep;
    const started = stageTimings ? performance.now() : 0;
    const fdatasync = this.io.fdatasyncAsync ?? realIo.fdatasyncAsync!;
    prep.done = (async () => {
      let error: unknown;
      try {
        for (let at = 0; at < this.segmentBytes && !prep.dropped;) {
          const n = Math.min(SEGMENT_ZEROS.length, this.segmentBytes - at);
          at += await new Promise<number>((resolve, reject) =>
            writeCallback(fd, SEGMENT_ZEROS, 0, n, at, (err, written) =>
              err ? reject(err) : resolve(written),
            ),
          );
          await fdatasync(fd);
        }
        if (!prep.dropped) await fsyncDirAsync(this.dir);
      } catch (err) {
        error = err;
      }
      if (this.preparing === prep) this.preparing = undefined;
      if (prep.dropped || error !== undefined) {
        closeSync(fd);
        rmSync(path, { force: true });
        if (error !== undefined && !prep.dropped) this.fail(error);
        return;
      }
      if (stageTimings) stageTimings.record('raft.log.prepare', performance.now() - started);
      this.next = { seq: prep.seq, fd, size: this.segmentBytes };
    })();
  }

  /** The prepared (or preparing) next segment is not wanted: deleted. */
  private dropNext(): void {
    if (this.preparing) {
      this.preparing.dropped = true;
      this.preparing = undefined;
    }
    const next = this.next;
    this.next = undefined;
    if (next) {
      closeSync(next.fd);
      rmSync(join(this.dir, segmentFileName(next.seq)), { force: true });
    }
  }

  private writeSnapshotFile(meta: SnapshotFileMeta, data: Uint8Array): void {
    const tmp = join(this.dir, 'snapshot.tmp');
    const fd = openSync(tmp, 'w');
    try {
      realIo.write(fd, snapshotFileBytes(meta, data), 0);
      this.io.fdatasync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, 'snapshot'));
    fsyncDirSync(this.dir);
    this.snapMeta = meta;
  }

  private enter(): void {
    invariant(!this.busy, () => `raft log ${this.dir}: overlapping storage writes`);
    this.busy = true;
  }
}

/** Bytes of the snapshot file written (and fdatasynced) at a time by compact(). */
const SNAPSHOT_PIECE_BYTES = 1024 * 1024;

/**
 * The snapshot file written by compact() beside the log: a piece at a time, each fdatasynced on the pool, so the
 * disk never holds tens of megabytes of dirty pages that the log's own fdatasync (every write's) would queue behind;
 * no copy of the whole image is made. The header (with the CRC of all the data) goes last, at the start.
 */
async function writeSnapshotFileInPieces(
  path: string,
  meta: SnapshotFileMeta,
  data: Uint8Array,
): Promise<void> {
  const json = Buffer.from(JSON.stringify(meta));
  const headerBytes = SNAPSHOT_MAGIC.length + 8 + json.length;
  const fh = await openFile(path, 'w');
  try {
    let crc = crc32(json);
    for (let off = 0; off < data.byteLength; off += SNAPSHOT_PIECE_BYTES) {
      const piece = data.subarray(off, Math.min(off + SNAPSHOT_PIECE_BYTES, data.byteLength));
      crc = crc32(piece, crc);
      await fh.write(piece, 0, piece.byteLength, headerBytes + off);
      await fh.datasync();
    }
    const head = Buffer.allocUnsafe(headerBytes);
    SNAPSHOT_MAGIC.copy(head, 0);
    head.writeUInt32LE(json.length, SNAPSHOT_MAGIC.length);
    head.writeUInt32LE(crc, SNAPSHOT_MAGIC.length + 4);
    json.copy(head, SNAPSHOT_MAGIC.length + 8);
    await fh.write(head, 0, head.length, 0);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Writes all of `data` at `position` on the pool. */
async function writeAllAsync(fd: number, data: Uint8Array, position: number): Promise<void> {
  for (let off = 0; off < data.byteLength;) {
    off += await new Promise<number>((resolve, reject) =>
      writeCallback(fd, data, off, data.byteLength - off, position + off, (err, written) =>
        err ? reject(err) : resolve(written),
      ),
    );
  }
}

function snapshotFileBytes(meta: SnapshotFileMeta, data: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(meta));
  const head = Buffer.allocUnsafe(SNAPSHOT_MAGIC.length + 8);
  SNAPSHOT_MAGIC.copy(head, 0);
  head.writeUInt32LE(json.length, SNAPSHOT_MAGIC.length);
  head.writeUInt32LE(crc32(data, crc32(json)), SNAPSHOT_MAGIC.length + 4);
  return Buffer.concat([head, json, data]);
}

/** The snapshot file; `installed` when it is one a leader sent (the install's layout, RMQSNAP2). */
function readSnapshotFile(path: string): { meta: SnapshotFileMeta; data: Uint8Array; installed: boolean } {
  const buf = readFileSync(path);
  const h = SNAPSHOT_MAGIC.length;
  if (buf.length >= SNAPSHOT_V2_HEAD && buf.subarray(0, h).equals(SNAPSHOT_MAGIC_V2)) {
    const jsonLength = buf.readUInt32LE(h);
    invariant(jsonLength <= buf.length - SNAPSHOT_V2_HEAD, () => `raft snapshot ${path}: truncated`);
    const data = buf.subarray(SNAPSHOT_V2_HEAD, buf.length - jsonLength);
    const json = buf.subarray(buf.length - jsonLength);
    invariant(
      crc32(json, crc32(data)) === buf.readUInt32LE(h + 4),
      () => `raft snapshot ${path}: checksum mismatch (the file is damaged)`,
    );
    return { meta: JSON.parse(json.toString('utf8')) as SnapshotFileMeta, data, installed: true };
  }
  invariant(
    buf.length >= h + 8 && buf.subarray(0, h).equals(SNAPSHOT_MAGIC),
    () => `raft snapshot ${path}: not a snapshot file`,
  );
  const jsonLength = buf.readUInt32LE(h);
  const json = buf.subarray(h + 8, h + 8 + jsonLength);
  const data = buf.subarray(h + 8 + jsonLength);
  invariant(
    crc32(data, crc32(json)) === buf.readUInt32LE(h + 4),
    () => `raft snapshot ${path}: checksum mismatch (the file is damaged)`,
  );
  return { meta: JSON.parse(json.toString('utf8')) as SnapshotFileMeta, data, installed: false };
}

/** One write's record: the hard state (if given) and the entries, under one length and checksum. */
function encodeRecord(size: number, hs: HardState | undefined, entries: readonly Entry[]): Buffer {
  const buf = Buffer.allocUnsafe(size);
  const body = RECORD_HEADER;
  buf[body] = hs ? 1 : 0;
  buf.writeDoubleLE(hs?.term ?? 0, body + 1);
  buf.writeDoubleLE(hs?.vote ?? 0, body + 9);
  buf.writeDoubleLE(hs?.commit ?? 0, body + 17);
  buf.writeUInt32LE(entries.length, body + 25);
  let off = body + BODY_HEADER;
  for (const e of entries) {
    buf.writeDoubleLE(e.index, off);
    buf.writeDoubleLE(e.term, off + 8);
    buf[off + 16] = e.type === 'confChange' ? 1 : 0;
    buf.writeUInt32LE(e.data.byteLength, off + 17);
    buf.set(e.data, off + ENTRY_HEADER);
    off += ENTRY_HEADER + e.data.byteLength;
  }
  invariant(off === size, () => `raft log record is ${off} bytes, sized ${size}`);
  return sealFrame(buf);
}

function hardStateRecord(hs: HardState): Buffer {
  return encodeRecord(RECORD_HEADER + BODY_HEADER, hs, []);
}

function sameTermAndVote(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote;
}
