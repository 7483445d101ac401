// The mysql adapter's long polls: a read at the end of a shard waits on in-process waiters, woken at once by this
// adapter's own appends (notify), and — for appends by other processes, which nothing here sees — by one shared poll:
// one query for every shard with waiting readers every intervalMs, running only while someone waits. Its own unit so
// the waiting readers, the timer and the query that wakes them live together, apart from the write path.
import { OffsetWaiters } from './offset-waiters.js';
import { shardNotFound, type StorageError } from './storage-error.js';

export interface LongPollDeps {
  intervalMs: number;
  /** next_offset of each named shard that still exists (one query). */
  fetchNextOffsets(names: string[]): Promise<Map<string, number>>;
  /** a shard's next offset as the poll saw it (the adapter keeps the highest it has seen). */
  onNext(name: string, next: number): void;
  /** the error waiting readers get when the poll cannot reach the database. */
  unavailable(err: unknown): StorageError;
}

export class MySqlLongPoll {
  private readonly waiters = new OffsetWaiters();
  /** shards with waiting readers → how many; the poll watches these for appends by other processes. */
  private readonly waiting = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;

  constructor(private readonly deps: LongPollDeps) {}

  /** waits until the shard has a record at fromOffset (true) or `ms` pass (false). */
  async wait(shardName: string, fromOffset: number, ms: number): Promise<boolean> {
    this.waiting.set(shardName, (this.waiting.get(shardName) ?? 0) + 1);
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.deps.intervalMs);
      this.timer.unref();
    }
    try {
      return await this.waiters.wait(shardName, fromOffset, ms);
    } finally {
      const left = (this.waiting.get(shardName) ?? 1) - 1;
      if (left > 0) this.waiting.set(shardName, left);
      else this.waiting.delete(shardName);
      if (this.waiting.size === 0) this.stopTimer();
    }
  }

  /** wakes the shard's readers waiting for offsets below `next` (an append committed). */
  notify(shardName: string, next: number): void {
    this.waiters.notify(shardName, next);
  }

  /** fails the shard's waiting readers (every shard's when shardName is undefined). */
  fail(shardName: string | undefined, err: StorageError): void {
    this.waiters.fail(shardName, err);
  }

  /** ends the poll; waiting readers are failed separately (fail(undefined, ...)). */
  stop(): void {
    this.stopped = true;
    this.stopTimer();
  }

  /** one query for every shard with waiting readers: wakes them for appends made by other processes. */
  private async poll(): Promise<void> {
    if (this.polling || this.stopped || this.waiting.size === 0) return;
    this.polling = true;
    const names = [...this.waiting.keys()];
    try {
      const next = await this.deps.fetchNextOffsets(names);
      for (const [name, offset] of next) {
        this.deps.onNext(name, offset);
        this.waiters.notify(name, offset);
      }
      for (const name of names) if (!next.has(name)) this.waiters.fail(name, shardNotFound(name));
    } catch (err) {
      // a reader must not wait out its time on a database it cannot see: tell it
      if (!this.stopped) {
        const failure = this.deps.unavailable(err);
        for (const name of names) this.waiters.fail(name, failure);
      }
    } finally {
      this.polling = false;
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
