// Group commit: writes submitted while a batch is being made durable wait in a queue and all go into the next batch,
// so N concurrent appenders cost about one fsync per round instead of N. Exclusive tasks (create/delete shard,
// retention) run alone between batches, which keeps them from interleaving with offset assignment.

/** a write waiting for its batch; the batch writer settles it. */
export interface QueuedWrite {
  /** bytes it adds to a batch; a batch is closed once it reaches the queue's maxBatchBytes. */
  readonly bytes: number;
  reject(err: unknown): void;
}

export interface GroupCommitStats {
  /** batches written (each is one synced write). */
  batches: number;
  /** writes that went into them. */
  writes: number;
  /** the most writes one batch held. */
  largestBatch: number;
}

type Entry<W> = { write: W } | { exclusive: () => Promise<void> };

export class GroupCommitQueue<W extends QueuedWrite> {
  private readonly queue: Entry<W>[] = [];
  private draining = false;
  private idle: Array<() => void> = [];
  private readonly counters: GroupCommitStats = { batches: 0, writes: 0, largestBatch: 0 };

  /**
   * @param writeBatch makes one batch durable and settles every write in it; if it throws, the queue rejects every
   *   write of that batch with the error (settling twice is harmless).
   */
  constructor(
    private readonly writeBatch: (writes: W[]) => Promise<void>,
    private readonly maxBatchBytes = 8 * 1024 * 1024,
  ) {}

  submit(write: W): void {
    this.queue.push({ write });
    this.kick();
  }

  /** runs `task` when every earlier write is settled and before any later one starts. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ exclusive: () => task().then(resolve, reject) });
      this.kick();
    });
  }

  /** resolves once everything submitted so far has been settled. */
  drained(): Promise<void> {
    if (!this.draining && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  get stats(): GroupCommitStats {
    return { ...this.counters };
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = true;
    // Start on a microtask, not right away: appends issued in the same tick (Promise.all of many) share batch one.
    queueMicrotask(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if ('exclusive' in head) {
        this.queue.shift();
        await head.exclusive(); // settles its own promise; never rejects
        continue;
      }
      const batch: W[] = [];
      let bytes = 0;
      while (this.queue.length > 0) {
        const next = this.queue[0]!;
        if (!('write' in next)) break;
        if (batch.length > 0 && bytes + next.write.bytes > this.maxBatchBytes) break;
        this.queue.shift();
        batch.push(next.write);
        bytes += next.write.bytes;
      }
      this.counters.batches++;
      this.counters.writes += batch.length;
      this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
      try {
        await this.writeBatch(batch);
      } catch (err) {
        for (const write of batch) write.reject(err);
      }
    }
    this.draining = false;
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }
}
