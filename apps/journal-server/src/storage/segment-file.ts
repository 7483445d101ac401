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
import { writevSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export class SegmentFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    /** bytes written (not necessarily synced yet). */
    public size: number,
  ) {}

  private second: FileHandle | undefined;
  private opening: Promise<void> | undefined;
  private closed = false;

  static async open(path: string): Promise<SegmentFile> {
    // 'a+' would force every write to the end regardless of position; 'r+' after creating keeps positional writes
    const created = await open(path, 'a');
    await created.close();
    const handle = await open(path, 'r+');
    const { size } = await handle.stat();
    return new SegmentFile(path, handle, size);
  }

  /** writes the buffers at the end of the file; the caller syncs. Returns the position of the first byte. */
  async append(parts: Buffer[]): Promise<number> {
    const position = this.size;
    let total = 0;
    for (const p of parts) total += p.length;
    // reserve the range before awaiting, so a read racing with this write never sees a half-claimed size
    this.size += total;
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
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.dropSecond().catch(() => {});
    await this.handle.close();
  }
}
