// The message log: every PUBLISH the broker accepts is appended here, in the order it was routed. Offline and
// lagging sessions read it from their own position; a QoS 1/2 publisher is acknowledged once its message is durable.
//
// Appends are group-committed (append-batcher.ts): one append() is in flight at a time, and every message routed
// meanwhile goes to storage as the next single append() call. Offsets are known synchronously: the log has one shard, the adapter assigns
// offsets densely in call order, so the n-th message appended since start-up gets startOffset + n. That lets
// routing, readers and commits agree on positions before the append is durable.
//
// The log also keeps the most recent durable messages in memory (RECENT_MESSAGES / RECENT_BYTES at most), not only
// the ones still on their way to storage: a live subscriber whose in-flight window fills for a moment (it acknowledges
// a turn later than the publishers send — the usual case when thousands of publishers feed one subscriber) catches up
// from the messages as they were routed, already encoded, instead of reading back and decoding what it was about to
// be sent anyway (issue 16: the read-back was a quarter of the broker's allocation in fan-in). Only a subscriber
// further behind than that reads storage. They are kept only while some session reads the log (holdRecent): a
// message held for nobody would outlive a scavenge or two for nothing.
//
// Storage keeps pace within a poll phase: appends used to start only in the check phase, after libuv's poll phase has
// read every readable socket (up to ~48 × 1,024 reads). With thousands of publishers sending faster than the broker
// takes them, one poll phase accepted everything their sockets held — hundreds of thousands of messages — before any
// of them was durable, acknowledged or delivered: the heap grew by hundreds of MB, and a subscriber saw nothing for
// over 10 s (issue 16, fan-in). Now APPEND_NOW_AT queued messages are appended at once, within the phase; the write's
// completion is one of the phase's events, and the next batch goes as soon as it comes (append-batcher.ts).
//
// Flow control: routing never waits for storage, but nothing makes a publisher that does not wait for its
// acknowledgements (or a QoS 0 one) slow down when storage itself falls behind. So while BACKLOG_HIGH messages (or
// BACKLOG_HIGH_BYTES of payload) wait to be durable the log is `backlogged` and connections stop reading their
// publishers' sockets (transport/connection.ts), until it is down to BACKLOG_LOW (and BACKLOG_LOW_BYTES). The marks
// are high on purpose: with 10,000 publishers each pause and resume is a system call per socket, and at 8,192 / 4,096
// stopping and starting every publisher every few thousand messages cost a quarter of the broker's CPU per message
// in fan-in (41,468 vs 58,963 delivered per broker CPU-second without flow control, session 8).
//
// A failed append fails only its batch: those messages are reported not durable (their QoS 1/2 publishers are never
// acknowledged), their offsets become a hole, and the next append first fills the hole with empty placeholder
// records (no topic header: readers skip them) after asking storage where its shard really ends — a failed call
// may still have written some or all of its records, which then simply stay. Only storage that disagrees with the
// log's numbering in a way no failure explains (offsets it assigned elsewhere, or a shard end past the hole) stops
// the log, because from then on no position could be trusted.
import type { Logger } from '@robustmq/common';
import type { AppendRecord, StorageAdapter } from '@robustmq/storage-adapter';
import type { OutgoingPublish } from '../packets/outgoing-publish.js';
import { AppendBatcher } from './append-batcher.js';
import type { BrokerLog, DurableCallback } from './broker-log.js';
import { messageToRecord } from './message-record.js';
import { MESSAGE_SHARD, MessageShardLog, openMessageShard } from './message-shard.js';

export { MESSAGE_SHARD } from './message-shard.js';
export type { DurableCallback };

/** durable messages kept in memory for sessions a little behind: at most this many, and at most this many bytes of
 * payload (a few MiB whatever the traffic; a slow subscriber beyond them reads storage, as before). */
export const RECENT_MESSAGES = 16384;
export const RECENT_BYTES = 8 * 1024 * 1024;
/** messages queued for storage at which they are appended at once, within the poll phase that read them
 * (append-batcher.ts), instead of at its end. */
export const APPEND_NOW_AT = 2048;
/** messages waiting to be durable at which publishers are paused, and to which the backlog must fall to resume them:
 * a bound on memory when storage is slower than the publishers, not the usual pace (see the file header). */
export const BACKLOG_HIGH = 65_536;
export const BACKLOG_LOW = 32_768;
/** the same in payload bytes: large messages fill memory long before BACKLOG_HIGH of them wait. */
export const BACKLOG_HIGH_BYTES = 16 * 1024 * 1024;
export const BACKLOG_LOW_BYTES = 8 * 1024 * 1024;

interface Waiter {
  offset: number;
  callback: DurableCallback;
}

export interface MessageLogOptions {
  /** sealed segments older than this are removed by enforceRetention(); 0 keeps everything. */
  retentionMs: number;
}

export class MessageLog extends MessageShardLog implements BrokerLog {
  readonly shared = false;
  /** the offset the next appended message gets. */
  private next: number;
  /** every offset below this is durable. */
  private durable: number;
  /** messages in [kept, next): the most recent durable ones (below `durable`) and those routed but not yet durable,
   * so a reader that reached `kept` continues here; undefined for the offsets of a failed append (the hole), which
   * hold no message. */
  private tail: (OutgoingPublish | undefined)[] = [];
  /** the offset of tail[0]: kept <= durable. */
  private kept: number;
  /** payload bytes of the durable messages in tail (below `durable`). */
  private keptBytes = 0;
  /** payload bytes of the messages not durable yet (from `durable` on). */
  private pendingBytes = 0;
  /** publishers paused while the log is backlogged, called once it is down to BACKLOG_LOW. */
  private reliefWaiters: (() => void)[] = [];
  /** some session reads the log: recent durable messages are kept (see holdRecent). */
  private holding = false;
  /** messages of `tail` on their way to storage. */
  private readonly batcher = new AppendBatcher<OutgoingPublish>(
    (batch) => this.write(batch),
    1,
    APPEND_NOW_AT,
  );
  /** offsets from `durable` on that belong to failed appends and have no record in storage (as far as we know). */
  private hole = 0;
  /** callbacks waiting for durability, in offset order. */
  private waiters: Waiter[] = [];
  /** set when storage's numbering can no longer be trusted; the log then refuses to append. */
  private failure: Error | undefined;
  /** append() calls made, and messages they carried: the average batch size, for benchmarks and tests;
   * largestBatch: the most messages one append carried (flow control keeps it near BACKLOG_HIGH). */
  readonly appendStats = { appends: 0, messages: 0, failedAppends: 0, largestBatch: 0 };

  private constructor(
    storage: StorageAdapter,
    startOffset: number,
    private readonly logger: Logger,
  ) {
    super(storage);
    this.next = startOffset;
    this.durable = startOffset;
    this.kept = startOffset;
  }

  static async open(
    storage: StorageAdapter,
    options: MessageLogOptions,
    logger: Logger,
  ): Promise<MessageLog> {
    const info = await openMessageShard(storage, options.retentionMs);
    return new MessageLog(storage, info.nextOffset, logger);
  }

  /** the offset the next message will get: every message routed so far lies below it. */
  get nextOffset(): number {
    return this.next;
  }

  get durableOffset(): number {
    return this.durable;
  }

  /** messages from this offset on are held in memory (tailAt). */
  get memoryOffset(): number {
    return this.kept;
  }

  /** Too many accepted messages wait to be durable: publishers should stop being read (see the file header). */
  get backlogged(): boolean {
    return this.next - this.durable >= BACKLOG_HIGH || this.pendingBytes >= BACKLOG_HIGH_BYTES;
  }

  onRelief(callback: () => void): void {
    if (this.relieved) setImmediate(callback);
    else this.reliefWaiters.push(callback);
  }

  private get relieved(): boolean {
    return (
      this.failure !== undefined ||
      (this.next - this.durable <= BACKLOG_LOW && this.pendingBytes <= BACKLOG_LOW_BYTES)
    );
  }

  private relieve(): void {
    if (this.reliefWaiters.length === 0 || !this.relieved) return;
    const waiters = this.reliefWaiters;
    this.reliefWaiters = [];
    for (const callback of waiters) callback();
  }

  /** set once storage's offsets disagreed with the log's; the log then refuses to append. A failed append alone
   * does not set it: it fails its own batch only. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Queues a message for storage and gives it its offset (also set on the message). Returns -1 when the log has
   * failed: the message can still go to online subscribers, but must not be acknowledged. */
  append(message: OutgoingPublish): number {
    if (this.failure) return -1;
    const offset = this.next++;
    message.offset = offset;
    this.pendingBytes += message.payload.length;
    this.tail.push(message);
    this.batcher.add(message);
    return offset;
  }

  /** Calls back once the message at `offset` is durable (right away if it already is), or with an error once its
   * append failed. */
  onDurable(offset: number, callback: DurableCallback): void {
    if (offset < this.durable) return callback(undefined);
    if (this.failure || offset < 0)
      return callback(this.failure ?? new Error('message was not appended to the log'));
    if (offset < this.durable + this.hole)
      return callback(new Error(`the append of offset ${offset} failed`));
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

  onStored(message: OutgoingPublish, callback: DurableCallback): void {
    this.onDurable(message.offset, callback);
  }

  whenStored(message: OutgoingPublish): Promise<void> {
    return this.whenDurable(message.offset);
  }

  whenDurable(offset: number): Promise<void> {
    return new Promise((resolve, reject) => this.onDurable(offset, (err) => (err ? reject(err) : resolve())));
  }

  holdRecent(hold: boolean): void {
    this.holding = hold;
  }

  /** A message held in memory (from memoryOffset on: recent durable ones and those not durable yet, which storage
   * cannot serve yet); undefined for an offset whose append failed, or below memoryOffset. */
  tailAt(offset: number): OutgoingPublish | undefined {
    return offset < this.kept ? undefined : this.tail[offset - this.kept];
  }

  /** Resolves once everything appended so far is durable (or failed). */
  drain(): Promise<void> {
    return this.batcher.drain();
  }

  /** One append() call: placeholders for the hole (if any), then `batch`. Never rejects. A log that has failed
   * drops the batch (its waiters heard of the failure already). */
  private async write(batch: OutgoingPublish[]): Promise<void> {
    if (this.failure) return;
    for (const message of batch) {
      if (message.appendAfter) {
        // a publisher's QoS 2 marker goes first (session/incoming-qos2.ts); a failed one fails that message's
        // acknowledgement, but its offset is taken, so it is appended all the same
        await Promise.allSettled(batch.map((m) => m.appendAfter));
        for (const m of batch) m.appendAfter = undefined;
        break;
      }
    }
    const first = batch[0]!.offset;
    let fill = 0;
    let records: AppendRecord[];
    try {
      if (this.hole > 0) fill = await this.unfilled();
      records = new Array<AppendRecord>(fill + batch.length);
      for (let i = 0; i < fill; i++) records[i] = placeholderRecord();
      for (let i = 0; i < batch.length; i++) records[fill + i] = messageToRecord(batch[i]!);
    } catch (err) {
      return this.failBatch(batch, asError(err));
    }
    this.appendStats.appends++;
    this.appendStats.messages += batch.length;
    if (batch.length > this.appendStats.largestBatch) this.appendStats.largestBatch = batch.length;
    let offsets: number[];
    try {
      // the log is the shard's single writer: storage refuses a batch that would not start where the log says, and a
      // journal append retried after a lost answer counts what its first attempt wrote instead of storing it twice
      offsets = await this.storage.append(MESSAGE_SHARD, records, { expectedOffset: first - fill });
    } catch (err) {
      return this.failBatch(batch, asError(err));
    }
    if (offsets[0] !== first - fill) {
      this.fail(
        new Error(`message log out of step: storage assigned offset ${offsets[0]}, expected ${first - fill}`),
      );
      return;
    }
    this.hole = 0;
    this.advance(first + batch.length);
  }

  /** How many offsets of the hole storage does not have (a failed append may have written some or all of them). */
  private async unfilled(): Promise<number> {
    const storageNext = (await this.storage.describeShard(MESSAGE_SHARD)).nextOffset;
    const holeEnd = this.durable + this.hole;
    if (storageNext < this.durable || storageNext > holeEnd) {
      throw this.fail(
        new Error(
          `message log out of step: storage ends at offset ${storageNext}, expected ${this.durable}..${holeEnd}`,
        ),
      );
    }
    return holeEnd - storageNext;
  }

  /** The append of `batch` failed: its waiters hear so, and its offsets join the hole the next append fills. */
  private failBatch(batch: OutgoingPublish[], err: Error): void {
    if (this.failure) return;
    this.appendStats.failedAppends++;
    this.logger.error(
      { err, messages: batch.length },
      'message log append failed: the batch is not acknowledged',
    );
    // the batch directly follows the hole (appends are one at a time), so the hole now reaches its end
    const end = batch[batch.length - 1]!.offset + 1;
    const from = this.durable + this.hole;
    this.hole = end - this.durable;
    for (let offset = from; offset < end; offset++) {
      this.pendingBytes -= this.tail[offset - this.kept]?.payload.length ?? 0;
      this.tail[offset - this.kept] = undefined;
    }
    const waiters = this.waiters;
    let done = 0;
    while (done < waiters.length && waiters[done]!.offset < end) done++;
    if (done > 0) {
      const failed = waiters.slice(0, done);
      this.waiters = waiters.slice(done);
      for (const waiter of failed) waiter.callback(err);
    }
    this.relieve();
  }

  private advance(to: number): void {
    if (this.failure) return;
    this.keep(to);
    this.durable = to;
    const waiters = this.waiters;
    let done = 0;
    while (done < waiters.length && waiters[done]!.offset < to) done++;
    if (done > 0) {
      const ready = done === waiters.length ? waiters : waiters.slice(0, done);
      this.waiters = done === waiters.length ? [] : waiters.slice(done);
      for (const waiter of ready) waiter.callback(undefined);
    }
    // after the acknowledgements: a publisher let go now finds its earlier PUBACKs already on their way
    this.relieve();
  }

  /** Offsets below `to` become durable: their messages stay in memory within RECENT_MESSAGES / RECENT_BYTES, the
   * oldest leave. */
  private keep(to: number): void {
    const tail = this.tail;
    const kept = this.kept;
    let bytes = this.keptBytes;
    let durableBytes = 0;
    for (let offset = this.durable; offset < to; offset++)
      durableBytes += tail[offset - kept]?.payload.length ?? 0;
    this.pendingBytes -= durableBytes;
    bytes += durableBytes;
    let drop = 0;
    const excess = this.holding ? to - kept - RECENT_MESSAGES : to - kept;
    if (excess > 0) {
      for (; drop < excess; drop++) bytes -= tail[drop]?.payload.length ?? 0;
    }
    while (bytes > RECENT_BYTES && kept + drop < to) bytes -= tail[drop++]?.payload.length ?? 0;
    this.keptBytes = bytes;
    if (drop === 0) return;
    // in place: no array of the dropped messages, as splice would make
    tail.copyWithin(0, drop);
    tail.length -= drop;
    this.kept = kept + drop;
  }

  private fail(err: Error): Error {
    if (this.failure) return this.failure;
    this.failure = err;
    this.logger.error({ err }, 'message log stopped: QoS 1/2 messages are refused until the broker restarts');
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.callback(err);
    // nothing will become durable any more: paused publishers are let go (their QoS 1/2 messages are refused)
    this.relieve();
    return err;
  }
}

/** What fills the offset of a message whose append failed: a record with no topic, which readers skip. */
function placeholderRecord(): AppendRecord {
  return { headers: [], payload: EMPTY };
}

const EMPTY = Buffer.alloc(0);

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
