// The message log: every PUBLISH the broker accepts is appended here, in the order it was routed. Offline and
// lagging sessions read it from their own position; a QoS 1/2 publisher is acknowledged once its message is durable.
//
// Appends are batched twice: messages routed in one turn of the event loop go to storage as one append() call, and
// the adapter's group commit merges concurrent calls into one synced write. Offsets are known synchronously: the log
// has one shard, the adapter assigns offsets densely in call order, so the n-th message appended since start-up
// gets startOffset + n. That lets routing, readers and commits agree on positions before the append is durable; the
// offsets storage returns are checked against it, and any disagreement (or failed append) stops the log, because
// from then on no position could be trusted.
import type { Logger } from '@robustmq/common';
import type { StorageAdapter, StoredRecord } from '@robustmq/storage-adapter';
import type { OutgoingPublish } from '../outgoing-publish.js';
import { messageToRecord } from './message-record.js';

export const MESSAGE_SHARD = 'mqtt-messages';

/** called once the message at an offset is durable, or with the error that means it never will be. */
export type DurableCallback = (err: Error | undefined) => void;

interface Waiter {
  offset: number;
  callback: DurableCallback;
}

export interface MessageLogOptions {
  /** sealed segments older than this are removed by enforceRetention(); 0 keeps everything. */
  retentionMs: number;
}

export class MessageLog {
  readonly shard = MESSAGE_SHARD;
  /** the offset the next appended message gets. */
  private next: number;
  /** every offset below this is durable. */
  private durable: number;
  /** messages in [durable, next): routed but not yet durable, so a reader that reached `durable` continues here. */
  private readonly tail: OutgoingPublish[] = [];
  /** messages of `tail` not yet handed to storage. */
  private pending: OutgoingPublish[] = [];
  private flushScheduled = false;
  /** callbacks waiting for durability, in offset order. */
  private waiters: Waiter[] = [];
  private failure: Error | undefined;
  private readonly idle: (() => void)[] = [];
  private inflightAppends = 0;

  private constructor(
    readonly storage: StorageAdapter,
    startOffset: number,
    private readonly logger: Logger,
  ) {
    this.next = startOffset;
    this.durable = startOffset;
  }

  static async open(storage: StorageAdapter, options: MessageLogOptions, logger: Logger): Promise<MessageLog> {
    const shards = await storage.listShards();
    let info = shards.find((s) => s.name === MESSAGE_SHARD);
    info ??= await storage.createShard(MESSAGE_SHARD, {
      maxRecordsPerSegment: 100_000,
      ...(options.retentionMs > 0 ? { retentionMs: options.retentionMs } : {}),
    });
    return new MessageLog(storage, info.nextOffset, logger);
  }

  /** the offset the next message will get: every message routed so far lies below it. */
  get nextOffset(): number {
    return this.next;
  }

  get durableOffset(): number {
    return this.durable;
  }

  /** set once an append failed; the log then refuses to append. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Queues a message for storage and gives it its offset (also set on the message). Returns -1 when the log has
   * failed: the message can still go to online subscribers, but must not be acknowledged. */
  append(message: OutgoingPublish): number {
    if (this.failure) return -1;
    const offset = this.next++;
    message.offset = offset;
    this.tail.push(message);
    this.pending.push(message);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // after the current I/O phase, so everything routed from the sockets read in this turn shares one append
      setImmediate(this.flush);
    }
    return offset;
  }

  /** Calls back once the message at `offset` is durable (right away if it already is). */
  onDurable(offset: number, callback: DurableCallback): void {
    if (offset < this.durable) return callback(undefined);
    if (this.failure || offset < 0) return callback(this.failure ?? new Error('message was not appended to the log'));
    const waiters = this.waiters;
    if (waiters.length === 0 || waiters[waiters.length - 1]!.offset <= offset) {
      waiters.push({ offset, callback });
      return;
    }
    // rare (a commit waiting on an older offset): keep the list sorted
    let i = waiters.length;
    while (i > 0 && waiters[i - 1]!.offset > offset) i--;
    waiters.splice(i, 0, { offset, callback });
  }

  whenDurable(offset: number): Promise<void> {
    return new Promise((resolve, reject) => this.onDurable(offset, (err) => (err ? reject(err) : resolve())));
  }

  /** A message that is routed but not durable yet, by offset (the part of the log storage cannot serve yet). */
  tailAt(offset: number): OutgoingPublish | undefined {
    return this.tail[offset - this.durable];
  }

  /** Durable records from `from` on. */
  read(from: number, maxRecords: number): Promise<StoredRecord[]> {
    return this.storage.read(MESSAGE_SHARD, from, { maxRecords, maxBytes: 4 * 1024 * 1024 });
  }

  async startOffset(): Promise<number> {
    return (await this.storage.describeShard(MESSAGE_SHARD)).startOffset;
  }

  /** Resolves once everything appended so far is durable (or failed). */
  async drain(): Promise<void> {
    if (this.pending.length > 0) this.flush();
    if (this.inflightAppends === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    if (this.failure) return;
    const first = batch[0]!.offset;
    this.inflightAppends++;
    let records;
    try {
      records = batch.map(messageToRecord);
    } catch (err) {
      this.fail(err as Error);
      this.appendSettled();
      return;
    }
    this.storage.append(MESSAGE_SHARD, records).then(
      (offsets) => {
        if (offsets[0] !== first) {
          this.fail(new Error(`message log out of step: storage assigned offset ${offsets[0]}, expected ${first}`));
        } else {
          this.advance(first + batch.length);
        }
        this.appendSettled();
      },
      (err: unknown) => {
        this.fail(err instanceof Error ? err : new Error(String(err)));
        this.appendSettled();
      },
    );
  };

  private advance(to: number): void {
    if (this.failure) return;
    this.tail.splice(0, to - this.durable);
    this.durable = to;
    const waiters = this.waiters;
    let done = 0;
    while (done < waiters.length && waiters[done]!.offset < to) done++;
    if (done === 0) return;
    const ready = done === waiters.length ? waiters : waiters.slice(0, done);
    this.waiters = done === waiters.length ? [] : waiters.slice(done);
    for (const waiter of ready) waiter.callback(undefined);
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.logger.error({ err }, 'message log append failed: QoS 1/2 messages are refused until the broker restarts');
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.callback(err);
  }

  private appendSettled(): void {
    if (--this.inflightAppends === 0 && this.pending.length === 0) {
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }
}
