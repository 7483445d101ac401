// The state machine's view of its KvEngine when the Raft log is the durable record: applied batches are written
// behind (the callers' answers do not wait for the engine's thread) and coalesced — the batches applied within a few
// milliseconds go to RocksDB as one write, so a lone client's write no longer costs every member a RocksDB batch and
// a thread-pool round trip of its own (etcd's backend commits every 100 ms for the same reason). Nothing is lost
// by a crash: the state records its applied index in the same write, and the Raft log keeps every entry above the
// last snapshot, which flushes first, so a restart re-applies what had not landed. Every read or write through this
// engine flushes and waits first, so no reader ever sees the state without a batch that was already applied.
// A key written again before its write landed (the applied index and the revision, every batch) goes to RocksDB once,
// with its last value: every operation costs the engine's binding a conversion on this thread.
// With a gate (`gateOn`), a write lands only once the Raft log holds the entries it applied durably: a leader may
// apply what its followers' logs already hold before its own flush finishes, and the state must never be ahead of
// the log it is replayed from.
import type { BatchOp, Bytes, KvEngine, ScanOptions, WriteOptions } from '@robustmq/common';

/** How long applied batches may wait to be written together, and how many operations force a write at once. */
export interface WriteBehindOptions {
  delayMs?: number;
  maxOps?: number;
  /**
   * The string keys worth coalescing (default: all). Keys written once each (request ids, history) only cost a
   * map entry per write to track; writing a key twice in one batch is correct anyway (the last one wins).
   */
  coalesce?: (key: string) => boolean;
}

export class WriteBehindEngine implements KvEngine {
  /** The last write handed to the engine; a failed one fails everything after it (the owner must stop). */
  private last: Promise<void> = Promise.resolve();
  private pending: (BatchOp | undefined)[] = [];
  /** Where each string key's latest queued operation sits in `pending`. */
  private pendingAt = new Map<string, number>();
  private pendingLanded: { promise: Promise<void>; resolve(): void; reject(err: unknown): void } | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The highest log index applied by the queued batches (for the gate). */
  private pendingIndex = 0;
  private gate: ((index: number) => Promise<void> | undefined) | undefined;
  private readonly delayMs: number;
  private readonly maxOps: number;
  private readonly coalesce: ((key: string) => boolean) | undefined;

  constructor(
    private readonly inner: KvEngine,
    options: WriteBehindOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 20;
    this.maxOps = options.maxOps ?? 20_000;
    this.coalesce = options.coalesce;
  }

  /** From now on a write waits for `gate(index)` (undefined = already durable) of the highest index it applied. */
  gateOn(gate: (index: number) => Promise<void> | undefined): void {
    this.gate = gate;
  }

  /**
   * Queues an unsynced batch and returns at once; what is read or written after this call sees it. `index` is the
   * last log index the batch applied.
   */
  writeBehind(ops: BatchOp[], index = 0): Promise<void> {
    if (index > this.pendingIndex) this.pendingIndex = index;
    for (const op of ops) {
      if (typeof op.key === 'string' && (this.coalesce === undefined || this.coalesce(op.key))) {
        const at = this.pendingAt.get(op.key);
        // the earlier operation is dropped, not overwritten in place: the last one of a key stays last in the batch
        if (at !== undefined) this.pending[at] = undefined;
        this.pendingAt.set(op.key, this.pending.length);
      }
      this.pending.push(op);
    }
    if (!this.pendingLanded) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // the failure is reported to whoever reads or writes next; keep it from being an unhandled rejection meanwhile
      promise.catch(() => undefined);
      this.pendingLanded = { promise, resolve, reject };
    }
    const landed = this.pendingLanded.promise;
    if (this.pending.length >= this.maxOps) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
    return landed;
  }

  /** Hands the queued batches to the engine as one write; returns the promise of the last write. */
  private flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const waiter = this.pendingLanded;
    if (!waiter) return this.last;
    const ops = this.pending.filter((op): op is BatchOp => op !== undefined);
    this.pending = [];
    this.pendingAt.clear();
    this.pendingLanded = undefined;
    const durable = this.gate?.(this.pendingIndex);
    this.pendingIndex = 0;
    const landed = (durable ? Promise.all([this.last, durable]) : this.last).then(() =>
      this.inner.batch(ops, { sync: false }),
    );
    landed.then(waiter.resolve, waiter.reject);
    landed.catch(() => undefined);
    this.last = landed;
    return landed;
  }

  /** Resolves once every queued write has landed (rejects if one failed). */
  settled(): Promise<void> {
    return this.flush();
  }

  async get(key: Bytes): Promise<Buffer | undefined> {
    await this.flush();
    return this.inner.get(key);
  }

  async getMany(keys: Bytes[]): Promise<(Buffer | undefined)[]> {
    await this.flush();
    return this.inner.getMany
      ? this.inner.getMany(keys)
      : Promise.all(keys.map((key) => this.inner.get(key)));
  }

  async put(key: Bytes, value: Bytes, options?: WriteOptions): Promise<void> {
    await this.flush();
    return this.inner.put(key, value, options);
  }

  async delete(key: Bytes, options?: WriteOptions): Promise<void> {
    await this.flush();
    return this.inner.delete(key, options);
  }

  async batch(ops: BatchOp[], options?: WriteOptions): Promise<void> {
    await this.flush();
    return this.inner.batch(ops, options);
  }

  async *scan(options: ScanOptions): AsyncIterable<[Buffer, Buffer]> {
    await this.flush();
    yield* this.inner.scan(options);
  }

  /** The engine belongs to the caller that opened it; this only writes and waits for what is queued here. */
  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
  }
}
