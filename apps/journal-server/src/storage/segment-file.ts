// One segment's append-only file: records framed as [u32 length][record-codec bytes], written at the end and made
// durable by fdatasync. Group commit happens above this class: many appends, one sync. Reads use positional reads,
// so readers never block the writer.
//
// Writes are synchronous (writev into the page cache, tens of microseconds): through the thread pool they waited
// behind the fdatasyncs, RocksDB batches and reads of every segment sharing its four threads — up to several ms at
// the p99 of an append, more than the write itself ever costs. The fdatasync stays asynchronous.
//
// A second descriptor of the file (opened on first use) lets a second fdatasync start while one runs
// (LocalSegment.sync): a write error is reported once per open file description (Linux errseq), so each of the two
// overlapping syncs sees an error that hit what it waits for through its own descriptor — with one descriptor the
// first to look would consume it and the other could claim lost data as durable.
//
// Preallocation ([storage] preallocate_bytes, off by default): an fdatasync after an append that grew the file must
// also commit the new size (and the new blocks) to the filesystem's journal — on ext4 a jbd2 commit, which also waits
// for every other file's newly allocated dirty data on the same filesystem (data=ordered): RocksDB's write-ahead log,
// the placement center, other processes. A write that only overwrites blocks already written and on disk changes no
// size, so its fdatasync is a data flush alone. So once a file has grown past PREALLOCATE_AFTER, a write that passes
// the zeros already written also writes zeros up to `preallocateBytes` (at most the file's size) past its end — in the
// same writev, so no other write can race it — and the appends that follow land on those zeros until they run out.
// The zeros are not records: readers stop at the data's end, recovery treats a zero length as the end of the data and
// cuts the zeros, and a sealed segment's zeros are trimmed (trim()).
import { writevSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** a file is preallocated only once it has grown past this (small segments, e.g. of tests, never are). */
const PREALLOCATE_AFTER = 64 * 1024;
/** zeros shared by every file's preallocating writes (writev only reads them). */
let zeros = Buffer.alloc(0);

export class SegmentFile {
  /** bytes of the file (data and the zeros written past it): where a write stops growing the file. */
  private allocated: number;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    /** bytes written (not necessarily synced yet). */
    public size: number,
    /** zeros written past the end of the data ahead of appends (0: none); see the header. */
    private readonly preallocateBytes: number,
  ) {
    this.allocated = size;
  }

  private second: FileHandle | undefined;
  private opening: Promise<void> | undefined;
  private closed = false;

  /** `size` is the file's length as found: the caller (recovery) cuts any zeros past the data with truncate(). */
  static async open(path: string, preallocateBytes = 0): Promise<SegmentFile> {
    // 'a+' would force every write to the end regardless of position; 'r+' after creating keeps positional writes
    const created = await open(path, 'a');
    await created.close();
    const handle = await open(path, 'r+');
    const { size } = await handle.stat();
    return new SegmentFile(path, handle, size, preallocateBytes);
  }

  /** writes the buffers at the end of the file; the caller syncs. Returns the position of the first byte. */
  async append(parts: Buffer[]): Promise<number> {
    const position = this.size;
    let total = 0;
    for (const p of parts) total += p.length;
    // reserve the range before awaiting, so a read racing with this write never sees a half-claimed size
    this.size += total;
    const end = this.size;
    if (this.preallocateBytes > 0 && end > this.allocated && end >= PREALLOCATE_AFTER) {
      // zeros up to a 4 KiB boundary `preallocateBytes` (at most the file's size) past the data, in the same write
      const upTo = Math.ceil((end + Math.min(this.preallocateBytes, end)) / 4096) * 4096;
      if (zeros.length < upTo - end) zeros = Buffer.alloc(upTo - end);
      parts = [...parts, zeros.subarray(0, upTo - end)];
    }
    let written = 0;
    let index = 0;
    while (index < parts.length) {
      // writev takes at most IOV_MAX (1024) buffers per call
      const slice = parts.slice(index, index + 1024);
      const bytesWritten = writevSync(this.handle.fd, slice, position + written);
      let sliceBytes = 0;
      for (const p of slice) sliceBytes += p.length;
      if (bytesWritten !== sliceBytes) {
        // a short write leaves the tail unknown: report it, and let recovery cut the torn record on the next start
        throw new Error(`short write to ${this.path}: ${bytesWritten} of ${sliceBytes} bytes`);
      }
      written += bytesWritten;
      index += slice.length;
    }
    this.allocated = Math.max(this.allocated, position + written);
    return position;
  }

  sync(): Promise<void> {
    return this.handle.datasync();
  }

  /** opens the second descriptor (once); false if the file was closed first. */
  openSecond(): Promise<boolean> {
    this.opening ??= (async () => {
      const handle = await open(this.path, 'r+');
      if (this.closed) await handle.close();
      else this.second = handle;
    })();
    return this.opening.then(() => this.second !== undefined);
  }

  /** fdatasync through the second descriptor (openSecond first). */
  syncSecond(): Promise<void> {
    if (!this.second) return Promise.reject(new Error(`${this.path}: no second descriptor open`));
    return this.second.datasync();
  }

  /** closes the second descriptor (after a failed sync: it may hold an error the other one reported already). */
  async dropSecond(): Promise<void> {
    const second = this.second;
    this.second = undefined;
    this.opening = undefined;
    await second?.close();
  }

  async read(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.handle.read(buf, 0, length, position);
    return bytesRead === length ? buf : buf.subarray(0, bytesRead);
  }

  async truncate(size: number): Promise<void> {
    await this.handle.truncate(size);
    await this.handle.datasync();
    this.size = size;
    this.allocated = size;
  }

  /** cuts the zeros written past the data (a sealed segment's file gets no more appends). */
  async trim(): Promise<void> {
    if (this.allocated > this.size) await this.truncate(this.size);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.dropSecond().catch(() => {});
    await this.handle.close();
  }
}
