// The cluster's shared message log: every broker of a cluster appends the messages it accepts to one shard of the
// shared storage (the journal, or MySQL), and every broker routes to its own subscribers what it reads back from
// that shard, in the shard's order — its own messages included. So a message accepted anywhere reaches every
// matching session everywhere, every broker sees the messages in the same order, a session's position is one offset
// that means the same on every broker (it resumes anywhere from it), and a subscriber is only ever sent what is
// durable: a broker's death loses nothing that was acknowledged (see docs/architecture.md "The broker cluster").
//
// Appends are group-committed like the lone broker's log (append-batcher.ts: everything accepted while appends are in
// flight goes in the next one), but offsets are assigned by storage, so a message gets its offset when its append
// completes. On storage with ordered appends (the journal) up to PIPELINE_DEPTH appends are in flight at once, in
// one ordered chain: the next batch goes out while the previous one waits for its fsync, and storage keeps them in
// call order through failures and leader changes (docs/architecture.md "Pipelined appends to the shared log").
// A batch of our own is routed as soon as its append completes, once everything before it is routed (no wait for the
// read to bring it back). The reader long-polls the shard for the other brokers' records; storage that can
// (StorageAdapter.readOthers, the journal) leaves our own records out of the answers and does not end the long poll
// for them, so the reader reads only the gaps between our appends. Every offset is routed once, in order: other
// brokers' records wait for our appends before them; offsets that storage skipped as ours but that no append of ours
// answered (an append that failed here yet was stored) are read back in full once every append that could own them
// has answered.
//
// Flow control: a QoS 0 publisher waits for nothing, so without a bound the messages waiting for their append grow
// as fast as publishers send, each append gets bigger and slower, and — with the journal server in the same process
// — the socket reads crowd out the append's own round trips until subscribers get next to nothing. So while
// BACKLOG_HIGH accepted messages are not routed yet (or BACKLOG_HIGH_BYTES of payload wait for an append) the log is
// `backlogged`, and connections stop reading their publishers' sockets (TCP pushes back) until it is down to
// BACKLOG_LOW (and BACKLOG_LOW_BYTES) (transport/connection.ts).
import { stageTimings, type Logger } from '@robustmq/common';
import {
  isStorageError,
  type AppendRecord,
  type StorageAdapter,
  type StoredRecord,
} from '@robustmq/storage-adapter';
import type { OutgoingPublish } from '../packets/outgoing-publish.js';
import { AppendBatcher } from './append-batcher.js';
import type { BrokerLog, DurableCallback } from './broker-log.js';
import { messageToRecord, recordToMessage } from './message-record.js';
import { MESSAGE_SHARD, MessageShardLog, READ_MAX_BYTES, openMessageShard } from './message-shard.js';

const READ_BATCH = 1000;
/** how long one read waits for new records (long poll); also how long stop() may wait for the reader. */
const READ_WAIT_MS = 500;
/** pause after a failed read before trying again (storage unreachable, leader change). */
const READ_RETRY_MS = 200;
/** accepted messages not routed yet at which publishers are paused, and to which the backlog must fall to resume
 * them. Large enough for one append to carry a good batch; small enough that one takes a few ms, not seconds. */
const BACKLOG_HIGH = 8_000;
const BACKLOG_LOW = 4_000;
/** the same in payload bytes of the messages queued or being appended: large messages fill memory long before 8,000. */
const BACKLOG_HIGH_BYTES = 16 * 1024 * 1024;
const BACKLOG_LOW_BYTES = 8 * 1024 * 1024;
/** `OutgoingPublish.offset` of a message whose append has not completed (-1: none, or it failed). */
const APPENDING = -2;
/** appends in flight at once by default when storage keeps ordered appends in call order
 * (StorageAdapter.orderedAppends; [storage] log_appends_in_flight). */
const PIPELINE_DEPTH = 4;

export interface ClusterLogOptions {
  /** sealed segments older than this are removed by the storage's retention; 0 keeps everything. */
  retentionMs: number;
  /** appends in flight at once on storage with ordered appends (default PIPELINE_DEPTH; 1 = one at a time). */
  appendsInFlight?: number;
}

/** Receives each message of the log once, in offset order (undefined for a record that holds no message). */
export type LogConsumer = (message: OutgoingPublish) => void;

interface OffsetWaiter {
  offset: number;
  callback: DurableCallback;
}

export class ClusterLog extends MessageShardLog implements BrokerLog {
  readonly shared = true;
  /** the next offset to route: everything below it has been handed to the consumer. */
  private routed: number;
  private readonly batcher: AppendBatcher<OutgoingPublish>;
  /** appends go out as ordered appends, several in flight (StorageAdapter.orderedAppends). */
  private readonly pipelined: boolean;
  /** when each message in the batcher was queued (only while stage timings are on: ROBUSTMQ_STAGE_TIMINGS). */
  private queuedAt: number[] = [];
  /** messages of the appends in flight. */
  private appendingCount = 0;
  /** payload bytes of the messages queued in the batcher, and of the appends in flight. */
  private pendingBytes = 0;
  private appendingBytes = 0;
  /** called once the backlog has fallen to BACKLOG_LOW (and BACKLOG_LOW_BYTES). */
  private reliefWaiters: (() => void)[] = [];
  /** callbacks of accepted messages whose append has not completed; only messages someone waits for have an entry
   * (a QoS 0 publisher waits for nothing: most messages of a QoS 0 stream never get one). */
  private readonly storedWaiters = new Map<OutgoingPublish, DurableCallback[]>();
  /** messages at or after `routed` waiting for their turn, by offset: ours as appended (no decoding of what we
   * encoded), and others' read ahead of an append of ours still in flight (null: a record that holds no message). */
  private readonly ready = new Map<number, OutgoingPublish | null>();
  /** where the reader reads on (>= routed): with readOthers, the offsets in [routed, readFrom) not in `ready` are
   * ours, skipped by storage, and come with our appends' answers. */
  private readFrom: number;
  /** ids of the appends handed to storage and not answered yet (at most the pipeline's depth). */
  private readonly unanswered = new Set<number>();
  private appendIds = 0;
  /** the reader's view skipped offsets as ours while appends up to this id were unanswered (see fillGap()). */
  private gapOwnersBelow = 0;
  private fillingGap = false;
  private offsetWaiters: OffsetWaiter[] = [];
  private consumer: LogConsumer | undefined;
  private stopped = false;
  private reader: Promise<void> | undefined;
  /** largestBatch: the most messages one append carried (flow control keeps it near BACKLOG_HIGH). */
  readonly appendStats = { appends: 0, messages: 0, failedAppends: 0, largestBatch: 0 };

  private constructor(
    storage: StorageAdapter,
    nextOffset: number,
    private readonly logger: Logger,
    appendsInFlight: number,
  ) {
    super(storage);
    this.routed = nextOffset;
    this.readFrom = nextOffset;
    this.pipelined = storage.orderedAppends === true && appendsInFlight > 1;
    this.batcher = new AppendBatcher<OutgoingPublish>(
      (batch, issued) => this.write(batch, issued),
      this.pipelined ? appendsInFlight : 1,
    );
  }

  /** Opens the shared shard (creating it if no broker has yet); routing starts at its current end. */
  static async open(
    storage: StorageAdapter,
    options: ClusterLogOptions,
    logger: Logger,
  ): Promise<ClusterLog> {
    const info = await openMessageShard(storage, options.retentionMs);
    return new ClusterLog(storage, info.nextOffset, logger, options.appendsInFlight ?? PIPELINE_DEPTH);
  }

  get nextOffset(): number {
    return this.routed;
  }

  /** Everything routed is durable (only durable records are read back). */
  get durableOffset(): number {
    return this.routed;
  }

  /** nothing is kept in memory: a session behind reads the shared log. */
  get memoryOffset(): number {
    return this.routed;
  }

  get failed(): Error | undefined {
    return undefined;
  }

  /** Hands every message from [from, the current end) to `replay` (start-up catch-up of the retained view), without
   * routing it. */
  async replay(from: number, replay: LogConsumer): Promise<void> {
    let offset = Math.max(from, await this.startOffset());
    while (offset < this.routed) {
      const records = await this.read(offset, Math.min(READ_BATCH, this.routed - offset));
      if (records.length === 0) break;
      for (const record of records) {
        if (record.offset >= this.routed) break;
        const message = recordToMessage(record);
        if (message) {
          message.offset = record.offset;
          replay(message);
        }
        offset = record.offset + 1;
      }
    }
  }

  /** Starts routing: every message from the current end on goes to `consumer`, once, in offset order. */
  start(consumer: LogConsumer): void {
    this.consumer = consumer;
    this.reader ??= this.readLoop();
    // appends that completed before the start are not brought back by the reader (readOthers)
    this.routeReady();
  }

  /** Stops the reader (appends still complete); resolves once it has stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.reader;
    // nothing is routed any more: paused publishers are let go (their connections are closing)
    const waiters = this.reliefWaiters;
    this.reliefWaiters = [];
    for (const callback of waiters) callback();
  }

  /** Accepted messages not routed yet: queued, being appended, or appended and waiting for their turn. */
  get backlog(): number {
    return this.batcher.queued + this.appendingCount + this.ready.size;
  }

  get backlogged(): boolean {
    return this.backlog >= BACKLOG_HIGH || this.pendingBytes + this.appendingBytes >= BACKLOG_HIGH_BYTES;
  }

  onRelief(callback: () => void): void {
    if (this.relieved) setImmediate(callback);
    else this.reliefWaiters.push(callback);
  }

  private get relieved(): boolean {
    return this.backlog <= BACKLOG_LOW && this.pendingBytes + this.appendingBytes <= BACKLOG_LOW_BYTES;
  }

  private relieve(): void {
    if (this.reliefWaiters.length === 0 || !this.relieved) return;
    const waiters = this.reliefWaiters;
    this.reliefWaiters = [];
    for (const callback of waiters) callback();
  }

  append(message: OutgoingPublish): void {
    message.offset = APPENDING;
    this.pendingBytes += message.payload.length;
    if (stageTimings) this.queuedAt.push(performance.now());
    this.batcher.add(message);
  }

  onStored(message: OutgoingPublish, callback: DurableCallback): void {
    if (message.offset >= 0) return callback(undefined);
    if (message.offset !== APPENDING) return callback(new Error('message was not appended to the log'));
    const waiters = this.storedWaiters.get(message);
    if (waiters === undefined) this.storedWaiters.set(message, [callback]);
    else waiters.push(callback);
  }

  whenStored(message: OutgoingPublish): Promise<void> {
    return new Promise((resolve, reject) => this.onStored(message, (err) => (err ? reject(err) : resolve())));
  }

  onDurable(offset: number, callback: DurableCallback): void {
    if (offset < this.routed) return callback(undefined);
    const waiters = this.offsetWaiters;
    let i = waiters.length;
    while (i > 0 && waiters[i - 1]!.offset > offset) i--;
    waiters.splice(i, 0, { offset, callback });
  }

  whenDurable(offset: number): Promise<void> {
    return new Promise((resolve, reject) => this.onDurable(offset, (err) => (err ? reject(err) : resolve())));
  }

  tailAt(): OutgoingPublish | undefined {
    return undefined;
  }

  holdRecent(): void {}

  drain(): Promise<void> {
    return this.batcher.drain();
  }

  /** One append() call for `batch` (the batcher hands over everything queued); `issued` once it is handed to
   * storage. Never rejects. */
  private async write(batch: OutgoingPublish[], issued: () => void): Promise<void> {
    if (stageTimings) {
      const now = performance.now();
      for (const at of this.queuedAt.splice(0, batch.length))
        stageTimings.record('broker.log.queued', now - at);
    }
    const count = batch.length;
    const bytes = this.pendingBytes;
    this.appendingCount += count;
    this.appendingBytes += bytes;
    this.pendingBytes = 0;
    let counted = true;
    // once the append has answered: its messages are routed or failed now, not in flight
    const answered = () => {
      if (!counted) return;
      counted = false;
      this.appendingCount -= count;
      this.appendingBytes -= bytes;
    };
    try {
      await this.appendBatch(batch, issued, answered);
    } finally {
      answered();
      this.relieve();
    }
  }

  /** The append itself; write() keeps the backlog counts around it. */
  private async appendBatch(
    batch: OutgoingPublish[],
    issued: () => void,
    answered: () => void,
  ): Promise<void> {
    // indexed loops on this per-batch path: its for-of loops showed up in allocation samples as iterator objects
    for (let i = 0; i < batch.length; i++) {
      if (batch[i]!.appendAfter) {
        // (later batches wait meanwhile: the batcher starts none before this one is issued)
        batch = await this.afterMarkers(batch);
        if (batch.length === 0) return;
        break;
      }
    }
    const records = new Array<AppendRecord>(batch.length);
    for (let i = 0; i < batch.length; i++) records[i] = messageToRecord(batch[i]!);
    this.appendStats.appends++;
    this.appendStats.messages += batch.length;
    if (batch.length > this.appendStats.largestBatch) this.appendStats.largestBatch = batch.length;
    let offsets: number[];
    const sentAt = stageTimings ? performance.now() : 0;
    const id = ++this.appendIds;
    this.unanswered.add(id);
    try {
      const appending = this.storage.append(
        MESSAGE_SHARD,
        records,
        this.pipelined ? { ordered: true } : undefined,
      );
      issued();
      offsets = await appending;
    } catch (err) {
      // all or nothing (StorageAdapter): none of the batch is in the log, so none of it is acknowledged or routed
      // here (should storage have kept it after all, the reader routes it from the log: fillGap())
      this.unanswered.delete(id);
      answered();
      this.appendStats.failedAppends++;
      this.logger.error(
        { err, messages: batch.length },
        'shared message log append failed: the batch is not acknowledged',
      );
      const error = err instanceof Error ? err : new Error(String(err));
      for (const message of batch) this.settleStored(message, error);
      this.fillGap();
      return;
    }
    this.unanswered.delete(id);
    answered();
    const storedAt = stageTimings ? performance.now() : 0;
    stageTimings?.record('broker.log.append', storedAt - sentAt, batch.length);
    for (let i = 0; i < batch.length; i++) {
      const message = batch[i]!;
      message.offset = offsets[i]!;
      // (the read may have brought a record back before its append was confirmed: then it is routed already)
      if (message.offset >= this.routed) this.ready.set(message.offset, message);
    }
    for (let i = 0; i < batch.length; i++) this.settleStored(batch[i]!, undefined);
    const ackedAt = stageTimings ? performance.now() : 0;
    stageTimings?.record('broker.log.acks_sent', ackedAt - storedAt, batch.length);
    // route it now (once everything before it is) rather than when a read brings it back
    if (this.consumer && offsets[0] === this.routed) {
      this.routeReady();
      stageTimings?.record('broker.log.routed_own', performance.now() - ackedAt, batch.length);
    }
    this.fillGap();
  }

  /** Waits for the writes messages of `batch` must follow (a publisher's QoS 2 marker, session/incoming-qos2.ts);
   * a message whose write failed is not appended and fails. Returns the rest. */
  private async afterMarkers(batch: OutgoingPublish[]): Promise<OutgoingPublish[]> {
    const results = await Promise.allSettled(batch.map((message) => message.appendAfter));
    const kept: OutgoingPublish[] = [];
    for (let i = 0; i < batch.length; i++) {
      const result = results[i]!;
      const message = batch[i]!;
      message.appendAfter = undefined;
      if (result.status === 'fulfilled') kept.push(message);
      else
        this.settleStored(
          message,
          result.reason instanceof Error ? result.reason : new Error(String(result.reason)),
        );
    }
    return kept;
  }

  /** The append of `message` has completed (its offset is set) or failed (`err`). */
  private settleStored(message: OutgoingPublish, err: Error | undefined): void {
    if (err) message.offset = -1;
    if (this.storedWaiters.size === 0) return;
    const waiters = this.storedWaiters.get(message);
    if (waiters === undefined) return;
    this.storedWaiters.delete(message);
    for (const callback of waiters) callback(err);
  }

  /** Routes the messages waiting from `routed` on while they are contiguous. */
  private routeReady(): void {
    let message = this.ready.get(this.routed);
    while (message !== undefined) {
      const offset = this.routed;
      this.ready.delete(offset);
      this.routed++;
      if (message !== null) {
        message.offset = offset;
        this.consumer!(message);
      }
      message = this.ready.get(this.routed);
    }
    this.offsetsRouted();
    this.relieve();
  }

  /** Takes read records (from `readFrom`'s side, or a gap read) into `ready`, skipping what is routed or known. */
  private take(records: StoredRecord[]): number {
    let fromOthers = 0;
    for (const record of records) {
      if (record.offset < this.routed || this.ready.has(record.offset)) continue;
      if (stageTimings) {
        // another broker's message (or ours read back first): ms since the publishing broker stamped it
        stageTimings.record('broker.log.read_age', Date.now() - record.timestamp);
      }
      this.ready.set(record.offset, recordToMessage(record) ?? null);
      fromOthers++;
    }
    return fromOthers;
  }

  /**
   * Routing waits at an offset storage skipped as ours (readOthers) that no append of ours has answered for. Once
   * every append that was unanswered when it was skipped has answered, none will: it is a record of an append that
   * failed here but was stored (a lost answer). It is read back in full and routed like another broker's record.
   */
  private fillGap(): void {
    if (this.fillingGap || this.stopped || !this.consumer) return;
    if (this.routed >= this.readFrom || this.ready.has(this.routed)) return;
    for (const id of this.unanswered) if (id <= this.gapOwnersBelow) return;
    this.fillingGap = true;
    void (async () => {
      try {
        while (!this.stopped && this.routed < this.readFrom && !this.ready.has(this.routed)) {
          let end = this.routed + 1;
          while (end < this.readFrom && !this.ready.has(end)) end++;
          const records = await this.read(this.routed, Math.min(READ_BATCH, end - this.routed));
          if (records.length === 0) break;
          this.logger.warn(
            { from: this.routed, records: records.length },
            'shared message log: records of appends that failed here were stored; routing them from the log',
          );
          this.take(records);
          this.routeReady();
        }
      } catch (err) {
        this.logger.warn({ err }, 'reading a gap of the shared message log failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, READ_RETRY_MS));
      } finally {
        this.fillingGap = false;
      }
      this.fillGap();
    })();
  }

  private async readLoop(): Promise<void> {
    const options = { maxRecords: READ_BATCH, maxBytes: READ_MAX_BYTES, waitMs: READ_WAIT_MS };
    while (!this.stopped) {
      let records: StoredRecord[];
      let next: number;
      const from = Math.max(this.routed, this.readFrom);
      try {
        if (this.storage.readOthers) {
          const read = await this.storage.readOthers(MESSAGE_SHARD, from, options);
          records = read.records;
          next = read.next;
        } else {
          records = await this.storage.read(MESSAGE_SHARD, from, options);
          next = records.length > 0 ? records[records.length - 1]!.offset + 1 : from;
        }
      } catch (err) {
        if (this.stopped) return;
        if (isStorageError(err, 'OFFSET_OUT_OF_RANGE')) {
          // retention removed what no broker had routed yet (a long stop): continue with the oldest record left
          const start = await this.startOffset().catch(() => this.routed);
          if (start > this.routed) {
            this.logger.warn(
              { from: this.routed, to: start },
              'shared message log: records removed by retention were never routed here',
            );
            this.routed = start;
            this.readFrom = start;
            for (const offset of this.ready.keys()) if (offset < start) this.ready.delete(offset);
          }
          continue;
        }
        this.logger.warn({ err }, 'reading the shared message log failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, READ_RETRY_MS));
        continue;
      }
      const readAt = stageTimings ? performance.now() : 0;
      // each offset goes to the consumer once: what was routed meanwhile (our own appends) or is known is skipped
      const fromOthers = this.take(records);
      if (next > this.readFrom) {
        this.readFrom = next;
        // offsets skipped as ours belong to appends unanswered now (or to none: fillGap())
        this.gapOwnersBelow = this.appendIds;
      }
      this.routeReady();
      this.fillGap();
      if (stageTimings && fromOthers > 0)
        stageTimings.record('broker.log.read_routed', performance.now() - readAt, fromOthers);
    }
  }

  private offsetsRouted(): void {
    const waiters = this.offsetWaiters;
    let done = 0;
    while (done < waiters.length && waiters[done]!.offset < this.routed) done++;
    if (done === 0) return;
    const ready = waiters.slice(0, done);
    this.offsetWaiters = waiters.slice(done);
    for (const waiter of ready) waiter.callback(undefined);
  }
}
