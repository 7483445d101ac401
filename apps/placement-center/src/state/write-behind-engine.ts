// The state machine's view of its KvEngine when the Raft log is the durable record: an applied batch may be written
// behind (the callers' answers do not wait for the engine's thread), and every read or write that comes after it
// waits until it has landed, so no reader ever sees the state without a batch that was already applied.
import type { BatchOp, Bytes, KvEngine, ScanOptions, WriteOptions } from '@robustmq/common';

export class WriteBehindEngine implements KvEngine {
  /** The last write handed to the engine; a failed one fails everything after it (the owner must stop). */
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly inner: KvEngine) {}

  /** Queues an unsynced batch and returns at once; what is read or written after this call sees it. */
  writeBehind(ops: BatchOp[]): Promise<void> {
    const landed = this.last.then(() => this.inner.batch(ops, { sync: false }));
    // the failure is reported to whoever reads or writes next; keep it from being an unhandled rejection meanwhile
    landed.catch(() => undefined);
    this.last = landed;
    return landed;
  }

  /** Resolves once every queued write has landed (rejects if one failed). */
  settled(): Promise<void> {
    return this.last;
  }

  async get(key: Bytes): Promise<Buffer | undefined> {
    await this.last;
    return this.inner.get(key);
  }

  async getMany(keys: Bytes[]): Promise<(Buffer | undefined)[]> {
    await this.last;
    return this.inner.getMany ? this.inner.getMany(keys) : Promise.all(keys.map((key) => this.inner.get(key)));
  }

  async put(key: Bytes, value: Bytes, options?: WriteOptions): Promise<void> {
    await this.last;
    return this.inner.put(key, value, options);
  }

  async delete(key: Bytes, options?: WriteOptions): Promise<void> {
    await this.last;
    return this.inner.delete(key, options);
  }

  async batch(ops: BatchOp[], options?: WriteOptions): Promise<void> {
    await this.last;
    return this.inner.batch(ops, options);
  }

  async *scan(options: ScanOptions): AsyncIterable<[Buffer, Buffer]> {
    await this.last;
    yield* this.inner.scan(options);
  }

  /** The engine belongs to the caller that opened it; this only waits for the writes queued here. */
  async close(): Promise<void> {
    await this.last.catch(() => undefined);
  }
}
