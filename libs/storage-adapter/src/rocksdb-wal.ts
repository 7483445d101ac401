// The rocksdb adapter's own write-ahead log (issue #16): what makes an append durable, instead of a synced RocksDB
// write. A synced RocksDB batch paid, per group commit, for a hand-off to the libuv pool, the memtable insert and an
// fdatasync of RocksDB's WAL file, which grows with every write — on this machine's ext4 (no journal) every such
// fdatasync also wrote the inode synchronously, a second disk round trip. Here a group commit is one framed record
// written by the calling thread into a preallocated segment file (no size change, so fdatasync flushes data only) and
// one fdatasync on the pool; the same operations go to RocksDB later, unsynced and in bigger batches
// (rocksdb-adapter.ts). A crash loses at most RocksDB's unsynced tail, and opening replays this log into it.
//
// Layout of `dir`: `<seq 16 hex>.wal` segments, replayed in sequence order; one record per group commit, framed as
// placement's Raft log frames its records (libs/raft/src/segment): [u32 length][u32 CRC-32 of the body][body], a
// zero length ends a segment's records (the preallocated zeros). Body: [u32 op count] then per op
// [u8 1 = put | 2 = del][u32 key length][key] and for a put [u32 value length][value].
// Every segment is a file of fixed size (segmentBytes), written as zeros and fdatasynced — with its directory entry —
// on the pool while the previous one fills, and appends move to it when a record does not fit. Preparing it never
// touches the file being appended to: an fdatasync there waits for that file's dirty pages only, never for megabytes
// of zeros (extending the current file ahead of the writes did exactly that, and cost the p99 at 50,000 msg/s).
// A torn record can only be the last one written (each is fdatasynced before the next is acknowledged): it is cut on
// open, even if prepared (empty) segments follow it. A bad record anywhere else is corruption and stops the open. A
// failed fdatasync leaves the file's durable content unknown (the kernel may have dropped the dirty pages): the log
// then refuses every later write.
//
// Checkpoints (rocksdb-adapter.ts) run beside the appends: rotate() ends the current segment, RocksDB gets every
// operation up to there and one synced write, then release() deletes the segments up to there, oldest first — what
// is left is always a suffix of the log, and replaying operations RocksDB already has changes nothing. A write that
// goes to RocksDB directly (shard deletes, retention) first waits for a complete checkpoint with no append beside it,
// so replay never applies an operation older than such a write.
import {
  closeSync,
  fdatasync as fdatasyncCallback,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  open as openCallback,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  unlinkSync,
  write as writeCallback,
  writeSync,
} from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FRAME_HEADER,
  fsyncDirAsync,
  fsyncDirSync,
  holdsFrames,
  SEGMENT_ZEROS,
  segmentFileName,
  readFrame,
  sealFrame,
  stageTimings,
  type BatchOp,
} from '@robustmq/common';
import { StorageError } from './storage-error.js';

/** The disk calls the log makes, replaceable so tests can make an fdatasync fail. */
export interface WalIo {
  fdatasync(fd: number): Promise<void>;
}

const realIo: WalIo = {
  fdatasync: (fd) =>
    new Promise<void>((resolve, reject) => fdatasyncCallback(fd, (err) => (err ? reject(err) : resolve()))),
};

export interface WalOptions {
  /** each segment file holds this much: written as zeros and fdatasynced before the log needs it (default 4 MiB). */
  segmentBytes?: number;
  /** the adapter checkpoints once this much was logged since its last checkpoint (default 64 MiB; rocksdb-adapter). */
  checkpointBytes?: number;
  io?: WalIo;
}

/** a segment file on disk: `size` bytes of it exist as zeros or records, durably (size and directory entry). */
interface Segment {
  seq: number;
  fd: number;
  size: number;
}

const PUT = 1;
const DEL = 2;
const SEGMENT_FILE = /^[0-9a-f]{16}\.wal$/;
const seqOf = (file: string): number => parseInt(file.slice(0, 16), 16);

export class RocksDbWal {
  private current: Segment;
  /** where the next record goes in the current segment. */
  private position = 0;
  /** bytes appended since the last rotate(). */
  private logged = 0;
  /** the oldest segment that may hold records. */
  private oldest: number;
  /** the next segment, prepared on the pool while the current one fills, so switching to it never waits for it. */
  private next: Promise<Segment> | undefined;
  private failure: StorageError | undefined;

  private constructor(
    private readonly dir: string,
    first: Segment,
    oldest: number,
    private readonly segmentBytes: number,
    private readonly io: WalIo,
  ) {
    this.current = first;
    this.oldest = oldest;
  }

  /**
   * Opens the log in `dir` (creating it) and returns the operations of every record in it, oldest first, for the
   * caller to apply again; a torn last record is cut off. The log appends to a fresh segment after open.
   */
  static open(dir: string, options: WalOptions = {}): { wal: RocksDbWal; batches: BatchOp[][] } {
    mkdirSync(dir, { recursive: true });
    const seqs = readdirSync(dir)
      .filter((f) => SEGMENT_FILE.test(f))
      .map(seqOf)
      .sort((a, b) => a - b);
    const batches: BatchOp[][] = [];
    segments: for (let k = 0; k < seqs.length; k++) {
      const path = join(dir, segmentFileName(seqs[k]!));
      const buf = readFileSync(path);
      let off = 0;
      while (off + FRAME_HEADER <= buf.length) {
        const length = buf.readUInt32LE(off);
        if (length === 0) break; // preallocated zeros: no record was written here
        const end = off + FRAME_HEADER + length;
        const frame = readFrame(buf, off);
        if (!frame) {
          // Each record is fdatasynced before the next is written, so only the last one can be torn: nothing but the
          // preallocated zeros follows it in its segment, and segments after it (prepared ahead of need) hold no record.
          if (
            !zerosFrom(buf, Math.min(end, buf.length)) ||
            seqs.slice(k + 1).some((seq) => holdsFrames(join(dir, segmentFileName(seq))))
          ) {
            throw new StorageError(
              'CORRUPT_RECORD',
              `write-ahead log ${path}: record at byte ${off} is damaged and later segments follow it; the log is corrupt`,
            );
          }
          // a torn last record (never acknowledged): cut it, so the file reads clean once newer segments follow
          const fd = openSync(path, 'r+');
          try {
            ftruncateSync(fd, off);
            fsyncSync(fd);
          } finally {
            closeSync(fd);
          }
          break segments;
        }
        batches.push(decodeOps(frame.body, path, off));
        off = frame.next;
      }
    }
    // segments without a record (a clean close leaves one) are not needed for anything
    if (batches.length === 0) for (const seq of seqs) unlinkSync(join(dir, segmentFileName(seq)));
    const segmentBytes = options.segmentBytes ?? 4 * 1024 * 1024;
    const seq = (seqs[seqs.length - 1] ?? 0) + 1;
    const first = prepareSegmentSync(dir, seq, segmentBytes);
    const oldest = batches.length > 0 ? seqs[0]! : seq;
    return { wal: new RocksDbWal(dir, first, oldest, segmentBytes, options.io ?? realIo), batches };
  }

  /** bytes logged since the last rotate(): the caller checkpoints once this has grown large. */
  get size(): number {
    return this.logged;
  }

  /** no segment holds a record: nothing logged since the last release(). */
  get empty(): boolean {
    return this.oldest === this.current.seq && this.position === 0;
  }

  /** Writes one record holding `ops` (not yet durable: call sync()). */
  async append(ops: BatchOp[]): Promise<void> {
    this.checkUsable();
    const frame = encodeFrame(ops);
    if (this.position + frame.length > this.current.size) {
      const waited = stageTimings ? performance.now() : 0;
      await this.switchSegment(frame.length);
      if (stageTimings) stageTimings.record('rocksdb.wal.switch_wait', performance.now() - waited);
    }
    this.checkUsable();
    const { fd } = this.current;
    try {
      let off = 0;
      while (off < frame.length) off += writeSync(fd, frame, off, frame.length - off, this.position + off);
    } catch (err) {
      throw this.fail('write to', err);
    }
    this.position += frame.length;
    this.logged += frame.length;
    if (!this.next && this.position > this.current.size / 2) this.prepareNext();
  }

  /** Makes every record written so far durable: one fdatasync on the libuv pool. */
  async sync(): Promise<void> {
    this.checkUsable();
    try {
      await this.io.fdatasync(this.current.fd);
    } catch (err) {
      throw this.fail('fdatasync of', err);
    }
  }

  /**
   * Ends the current segment (later records go to the next one) and returns the newest segment that holds a record
   * written so far: once those records are durable elsewhere (RocksDB synced), release(it) deletes them. Waits only
   * if the next segment is not prepared yet.
   */
  async rotate(): Promise<number> {
    this.checkUsable();
    this.logged = 0;
    if (this.position === 0) return this.current.seq - 1;
    const ended = this.current.seq;
    await this.switchSegment(0);
    return ended;
  }

  /**
   * Deletes the segments up to `upTo` (oldest first, so what is left is always a suffix of the log) and makes the
   * deletes durable, all on the pool. Appends go on meanwhile.
   */
  async release(upTo: number): Promise<void> {
    this.checkUsable();
    try {
      const seqs = (await readdir(this.dir))
        .filter((f) => SEGMENT_FILE.test(f))
        .map(seqOf)
        .filter((seq) => seq <= upTo)
        .sort((a, b) => a - b);
      for (const seq of seqs) await unlink(join(this.dir, segmentFileName(seq)));
      await fsyncDirAsync(this.dir);
    } catch (err) {
      throw this.fail('deleting old segments of', err);
    }
    this.oldest = Math.max(this.oldest, upTo + 1);
  }

  async close(): Promise<void> {
    const next = this.next;
    this.next = undefined;
    if (next) {
      // prepared, never used: not needed by anything
      const segment = await next.catch(() => undefined);
      if (segment) {
        closeSync(segment.fd);
        rmSync(join(this.dir, segmentFileName(segment.seq)), { force: true });
      }
    }
    const { fd } = this.current;
    if (fd < 0) return;
    // the unused preallocated tail goes (zeros left by a crash are read as the segment's end)
    if (!this.failure && this.current.size > this.position) {
      try {
        ftruncateSync(fd, this.position);
        fdatasyncSync(fd);
      } catch {
        // harmless: the zeros stay and read as the end of the records
      }
    }
    closeSync(fd);
    this.current = { ...this.current, fd: -1 };
  }

  private prepareNext(): Promise<Segment> {
    const next = prepareSegment(this.dir, this.current.seq + 1, this.segmentBytes, this.io);
    next.catch(() => {}); // reported when the segment is needed (switchSegment)
    this.next = next;
    return next;
  }

  /** Moves appends to the next segment (prepared ahead, or now), at least `minBytes` long. */
  private async switchSegment(minBytes: number): Promise<void> {
    const pending = this.next ?? this.prepareNext();
    this.next = undefined;
    let segment: Segment;
    try {
      segment = await pending;
      // a record larger than a whole segment: this one grows to hold it (rare: group commits are bounded)
      if (segment.size < minBytes)
        segment.size = await writeZeros(segment.fd, segment.size, minBytes, this.io);
    } catch (err) {
      throw this.fail('preparing a segment of', err);
    }
    // the old segment's unused tail stays zeros: read as its end
    closeSync(this.current.fd);
    this.current = segment;
    this.position = 0;
  }

  private fail(what: string, err: unknown): StorageError {
    this.failure ??= new StorageError(
      'WRITE_FAILED',
      `${what} the write-ahead log in ${this.dir} failed (${(err as Error).message}); nothing of it is acknowledged, ` +
        `and no more writes are accepted — fix the disk problem and reopen`,
      { cause: err },
    );
    return this.failure;
  }

  private checkUsable(): void {
    if (this.failure) throw this.failure;
  }
}

function zerosFrom(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Creates segment `seq` as `bytes` zeros, durably (data, size and directory entry), on the pool. */
async function prepareSegment(dir: string, seq: number, bytes: number, io: WalIo): Promise<Segment> {
  const started = stageTimings ? performance.now() : 0;
  const fd = await new Promise<number>((resolve, reject) =>
    openCallback(join(dir, segmentFileName(seq)), 'w+', (err, fd) => (err ? reject(err) : resolve(fd))),
  );
  try {
    const size = await writeZeros(fd, 0, bytes, io);
    await fsyncDirAsync(dir);
    if (stageTimings) stageTimings.record('rocksdb.wal.prepare', performance.now() - started);
    return { seq, fd, size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

function prepareSegmentSync(dir: string, seq: number, bytes: number): Segment {
  const fd = openSync(join(dir, segmentFileName(seq)), 'w+');
  for (let at = 0; at < bytes;)
    at += writeSync(fd, SEGMENT_ZEROS, 0, Math.min(SEGMENT_ZEROS.length, bytes - at), at);
  fdatasyncSync(fd);
  fsyncDirSync(dir);
  return { seq, fd, size: bytes };
}

/** Writes zeros into `fd` from `from` to `to` and fdatasyncs them (the new size too); returns `to`. */
async function writeZeros(fd: number, from: number, to: number, io: WalIo): Promise<number> {
  for (let at = from; at < to;) {
    const n = Math.min(SEGMENT_ZEROS.length, to - at);
    at += await new Promise<number>((resolve, reject) =>
      writeCallback(fd, SEGMENT_ZEROS, 0, n, at, (err, written) => (err ? reject(err) : resolve(written))),
    );
  }
  await io.fdatasync(fd);
  return to;
}

function byteLength(b: Buffer | string): number {
  return typeof b === 'string' ? Buffer.byteLength(b) : b.length;
}

function put(buf: Buffer, at: number, b: Buffer | string): number {
  if (typeof b === 'string') {
    const n = buf.write(b, at + 4);
    buf.writeUInt32LE(n, at);
    return at + 4 + n;
  }
  buf.writeUInt32LE(b.length, at);
  b.copy(buf, at + 4);
  return at + 4 + b.length;
}

/** [u32 length][u32 CRC-32][body] with the body encoding `ops`. */
export function encodeFrame(ops: BatchOp[]): Buffer {
  let size = FRAME_HEADER + 4;
  for (const op of ops)
    size += 1 + 4 + byteLength(op.key) + (op.type === 'put' ? 4 + byteLength(op.value) : 0);
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32LE(ops.length, FRAME_HEADER);
  let at = FRAME_HEADER + 4;
  for (const op of ops) {
    buf[at++] = op.type === 'put' ? PUT : DEL;
    at = put(buf, at, op.key);
    if (op.type === 'put') at = put(buf, at, op.value);
  }
  return sealFrame(buf);
}

function decodeOps(body: Buffer, path: string, where: number): BatchOp[] {
  const bad = (): never => {
    throw new StorageError(
      'CORRUPT_RECORD',
      `write-ahead log ${path}: record at byte ${where} passes its CRC but does not decode; the log is corrupt`,
    );
  };
  if (body.length < 4) bad();
  const count = body.readUInt32LE(0);
  const ops: BatchOp[] = [];
  let at = 4;
  const take = (): Buffer => {
    if (at + 4 > body.length) bad();
    const n = body.readUInt32LE(at);
    if (at + 4 + n > body.length) bad();
    // a copy: RocksDB may keep the batch while the file buffer is dropped
    const out = Buffer.from(body.subarray(at + 4, at + 4 + n));
    at += 4 + n;
    return out;
  };
  for (let i = 0; i < count; i++) {
    if (at >= body.length) bad();
    const type = body[at++];
    if (type === PUT) {
      const key = take();
      ops.push({ type: 'put', key, value: take() });
    } else if (type === DEL) ops.push({ type: 'del', key: take() });
    else bad();
  }
  if (at !== body.length) bad();
  return ops;
}
