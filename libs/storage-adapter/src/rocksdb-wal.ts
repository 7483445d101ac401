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
// A torn record can only be the last one written (each is fdatasynced before the next is acknowledged): it is cut on
// open. A bad record anywhere else is corruption and stops the open. A failed fdatasync leaves the file's durable
// content unknown (the kernel may have dropped the dirty pages): the log then refuses every later write.
//
// Segments are never appended to after a checkpoint: once RocksDB has everything synced (rocksdb-adapter.ts
// checkpoint()), rotate() starts a new segment and deletes the older ones, so replay never applies an operation
// older than a write that went to RocksDB directly (shard deletes, retention).
import {
  closeSync,
  fdatasync as fdatasyncCallback,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  unlinkSync,
  write as writeCallback,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { BatchOp } from '@robustmq/common';
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
  /** the file is extended with zeros this much at a time, ahead of the writes (default 4 MiB). */
  preallocateBytes?: number;
  io?: WalIo;
}

const FRAME_HEADER = 8;
const PUT = 1;
const DEL = 2;
const ZEROS = Buffer.alloc(1024 * 1024);
const segmentName = (seq: number): string => `${seq.toString(16).padStart(16, '0')}.wal`;

export class RocksDbWal {
  private fd = -1;
  private seq: number;
  /** where the next record goes in the current segment. */
  private position = 0;
  /** bytes of the current segment that exist on disk as zeros or records (fdatasynced). */
  private allocated = 0;
  /** an extension of the file running on the pool, started ahead of need. */
  private extending: Promise<void> | undefined;
  private failure: StorageError | undefined;

  private constructor(
    private readonly dir: string,
    seq: number,
    private readonly preallocateBytes: number,
    private readonly io: WalIo,
  ) {
    this.seq = seq;
  }

  /**
   * Opens the log in `dir` (creating it) and returns the operations of every record in it, oldest first, for the
   * caller to apply again; a torn last record is cut off. The log appends to a fresh segment after open.
   */
  static open(dir: string, options: WalOptions = {}): { wal: RocksDbWal; batches: BatchOp[][] } {
    mkdirSync(dir, { recursive: true });
    const seqs = readdirSync(dir)
      .filter((f) => /^[0-9a-f]{16}\.wal$/.test(f))
      .map((f) => parseInt(f.slice(0, 16), 16))
      .sort((a, b) => a - b);
    const batches: BatchOp[][] = [];
    for (let k = 0; k < seqs.length; k++) {
      const path = join(dir, segmentName(seqs[k]!));
      const buf = readFileSync(path);
      let off = 0;
      while (off + FRAME_HEADER <= buf.length) {
        const length = buf.readUInt32LE(off);
        if (length === 0) break; // preallocated zeros: no record was written here
        const end = off + FRAME_HEADER + length;
        const body = end <= buf.length ? buf.subarray(off + FRAME_HEADER, end) : undefined;
        if (!body || crc32(body) !== buf.readUInt32LE(off + 4)) {
          if (k < seqs.length - 1) {
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
          break;
        }
        batches.push(decodeOps(body, path, off));
        off = end;
      }
    }
    // segments without a record (a clean close leaves one) are not needed for anything
    if (batches.length === 0) for (const seq of seqs) unlinkSync(join(dir, segmentName(seq)));
    const wal = new RocksDbWal(
      dir,
      (seqs[seqs.length - 1] ?? 0) + 1,
      options.preallocateBytes ?? 4 * 1024 * 1024,
      options.io ?? realIo,
    );
    wal.startSegment();
    return { wal, batches };
  }

  /** bytes written to the current segment: the caller checkpoints and rotates when it has grown large. */
  get size(): number {
    return this.position;
  }

  /** Writes one record holding `ops` (not yet durable: call sync()). */
  async append(ops: BatchOp[]): Promise<void> {
    this.checkUsable();
    const frame = encodeFrame(ops);
    if (this.position + frame.length > this.allocated) await this.extend(this.position + frame.length);
    this.checkUsable();
    try {
      let off = 0;
      while (off < frame.length)
        off += writeSync(this.fd, frame, off, frame.length - off, this.position + off);
    } catch (err) {
      throw this.fail('write to', err);
    }
    this.position += frame.length;
    // extend ahead of need, on the pool, so a later append rarely waits for it
    if (!this.extending && this.allocated - this.position < this.preallocateBytes / 2) {
      this.extending = this.extendTo(this.allocated + this.preallocateBytes).finally(
        () => (this.extending = undefined),
      );
      this.extending.catch(() => {}); // a failure is kept in this.failure and reported by the next call
    }
  }

  /** Makes every record written so far durable: one fdatasync on the libuv pool. */
  async sync(): Promise<void> {
    this.checkUsable();
    try {
      await this.io.fdatasync(this.fd);
    } catch (err) {
      throw this.fail('fdatasync of', err);
    }
  }

  /**
   * Starts a new segment and deletes the older ones. Only once everything written so far is durable elsewhere
   * (RocksDB synced): afterwards those records are gone.
   */
  async rotate(): Promise<void> {
    this.checkUsable();
    if (this.extending) await this.extending;
    const old = this.seq;
    this.closeSegment();
    this.seq = old + 1;
    this.startSegment();
    for (const f of readdirSync(this.dir)) {
      if (/^[0-9a-f]{16}\.wal$/.test(f) && parseInt(f.slice(0, 16), 16) < this.seq)
        unlinkSync(join(this.dir, f));
    }
    syncDir(this.dir);
  }

  async close(): Promise<void> {
    if (this.extending) await this.extending.catch(() => {});
    this.closeSegment();
  }

  private startSegment(): void {
    this.fd = openSync(join(this.dir, segmentName(this.seq)), 'w+');
    this.position = 0;
    this.allocated = 0;
    syncDir(this.dir);
  }

  private closeSegment(): void {
    if (this.fd < 0) return;
    // the unused preallocated tail goes (zeros left by a crash are read as the segment's end)
    if (!this.failure && this.allocated > this.position) {
      try {
        ftruncateSync(this.fd, this.position);
        fdatasyncSync(this.fd);
      } catch {
        // harmless: the zeros stay and read as the end of the records
      }
    }
    closeSync(this.fd);
    this.fd = -1;
  }

  private async extend(needed: number): Promise<void> {
    if (this.extending) await this.extending;
    this.checkUsable();
    if (needed > this.allocated)
      await this.extendTo(Math.max(needed, this.allocated + this.preallocateBytes));
  }

  /** Writes zeros from `allocated` to `size` and fdatasyncs them (also journals the new size), all on the pool. */
  private async extendTo(size: number): Promise<void> {
    const fd = this.fd;
    try {
      for (let at = this.allocated; at < size;) {
        const n = Math.min(ZEROS.length, size - at);
        at += await new Promise<number>((resolve, reject) =>
          writeCallback(fd, ZEROS, 0, n, at, (err, written) => (err ? reject(err) : resolve(written))),
        );
      }
      await this.io.fdatasync(fd);
    } catch (err) {
      throw this.fail('preallocation of', err);
    }
    if (fd === this.fd) this.allocated = size;
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

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
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
  buf.writeUInt32LE(size - FRAME_HEADER, 0);
  buf.writeUInt32LE(crc32(buf.subarray(FRAME_HEADER)), 4);
  return buf;
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
