// A partition's log through the StorageAdapter, laid out as Kafka lays out its own: one storage record per record
// batch, holding the producer's batch bytes as they came (checked, base offset and log-append time written in), so
// Produce stores and Fetch serves bytes without decoding or encoding a record (docs/architecture.md, "Kafka").
//
// Two offset spaces meet here. The storage assigns one position per batch (dense, from 0); Kafka offsets count
// records, and batch j holds [kafka(j), kafka(j + 1)). Each stored batch carries its own base offset and last offset
// delta, so the map between the two is in the data: a partition's next Kafka offset is the end of its last batch,
// the batch holding a Kafka offset is found by an interpolation search over positions (a handful of one-batch reads,
// each remembered), and a consumer reading on finds its next batch in the positions this broker remembers from the
// last read. The one case the data cannot answer — retention removed every batch — is covered by a mark in placement
// written before retention runs (see markLogEnds).
//
// Offsets are assigned here, not by storage: each append names the storage position it must land at
// (AppendOptions.expectedOffset), so two brokers writing one partition (leadership moving) cannot give two batches
// the same Kafka offsets — the second is refused, this broker re-reads the partition's end and the producer retries.
// Appends of one partition are pipelined (positions assigned in call order, many in flight); after one fails, new
// appends wait until those in flight have settled and the end has been re-read.
//
// Storage failures become Kafka error codes here, once: a missing shard behind existing topic metadata is created
// and the call retried; what a client can retry (storage unavailable, closing, a refused position) maps to a
// retriable code so producers and consumers try again instead of giving up.
import {
  ErrorCode,
  KafkaDecodeError,
  batchEndOffset,
  decodeBatch,
  KafkaReader,
  readBatchHeader,
  setBaseOffset,
  setMaxTimestamp,
  type BatchHeader,
  type CheckedBatch,
  type KafkaRecord,
} from '@robustmq/protocol/kafka';
import {
  StorageError,
  type AppendRecord,
  type StorageAdapter,
  type StoredRecord,
} from '@robustmq/storage-adapter';
import { TopicError, partitionShard, type TopicCatalog, type TopicMeta } from './topic-catalog.js';

/** A shard's first and next storage positions. */
type ShardEnds = { startOffset: number; nextOffset: number };

/** A partition-level failure with its Kafka error code. */
export class PartitionError extends Error {
  constructor(
    readonly kafkaCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'PartitionError';
  }
}

export function kafkaCodeOf(err: unknown): number {
  if (err instanceof PartitionError || err instanceof TopicError) return err.kafkaCode;
  if (err instanceof StorageError) {
    switch (err.code) {
      case 'SHARD_NOT_FOUND':
        return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      case 'OFFSET_OUT_OF_RANGE':
        return ErrorCode.OFFSET_OUT_OF_RANGE;
      case 'CORRUPT_RECORD':
        return ErrorCode.CORRUPT_MESSAGE;
      case 'INVALID_ARGUMENT':
        return ErrorCode.INVALID_REQUEST;
      // another writer took the partition's next position: the producer retries against the new end
      case 'OFFSET_MISMATCH':
      case 'CLOSED':
        return ErrorCode.NOT_LEADER_OR_FOLLOWER;
      default:
        return ErrorCode.KAFKA_STORAGE_ERROR;
    }
  }
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}

export interface ReadResult {
  /** whole stored batches, the first one holding the asked-for offset (it may start before it, as in Kafka). */
  batches: Buffer[];
  /** records in those batches. */
  records: number;
  bytes: number;
  highWatermark: number;
  logStartOffset: number;
}

/** batches per storage read of a Fetch (each batch is one storage record). */
const READ_MAX_BATCHES = 1_000;
/** positions remembered per partition (each a map entry both ways). */
const REMEMBERED_POSITIONS = 1_024;

interface Cursor {
  /** the storage position the next batch goes to. */
  position: number;
  /** the Kafka offset it gets. */
  offset: number;
}

/** What this broker knows of one partition (keyed by topic id: a re-created topic starts afresh). */
class PartitionState {
  /** where the next append goes; undefined until read from storage, and again after a failed append. */
  cursor: Cursor | undefined;
  syncing: Promise<void> | undefined;
  readonly inflight = new Set<Promise<unknown>>();
  /** storage position → Kafka offset of the batch starting there (or the log end, for the position after the last). */
  private readonly offsetAt = new Map<number, number>();
  /** Kafka offset of a batch start → its storage position. */
  private readonly positionOf = new Map<number, number>();

  /** the average size of this partition's batches as last seen: how many to ask storage for per read. */
  batchBytes = 0;

  constructor(readonly shard: string) {}

  /** how many batches fit in maxBytes, from the sizes seen so far (storage answers the first one even if larger:
   * asking for more than fit would make it fetch, and drop, one more whole batch). */
  batchesFor(maxBytes: number): number {
    if (this.batchBytes <= 0) return READ_MAX_BATCHES;
    return Math.max(1, Math.min(READ_MAX_BATCHES, Math.floor(maxBytes / this.batchBytes)));
  }

  sawBatch(bytes: number): void {
    this.batchBytes = this.batchBytes <= 0 ? bytes : this.batchBytes * 0.9 + bytes * 0.1;
  }

  offsetAtPosition(position: number): number | undefined {
    return this.offsetAt.get(position);
  }

  positionOfOffset(offset: number): number | undefined {
    return this.positionOf.get(offset);
  }

  /** the batch at `position` holds [base, end): true forever, so it is remembered (the oldest entries go first). */
  remember(position: number, base: number, end: number): void {
    for (const [p, o] of [
      [position, base],
      [position + 1, end],
    ] as const) {
      this.offsetAt.delete(p);
      this.offsetAt.set(p, o);
      this.positionOf.delete(o);
      this.positionOf.set(o, p);
    }
    while (this.offsetAt.size > REMEMBERED_POSITIONS)
      this.offsetAt.delete(this.offsetAt.keys().next().value!);
    while (this.positionOf.size > REMEMBERED_POSITIONS)
      this.positionOf.delete(this.positionOf.keys().next().value!);
  }
}

export interface PartitionStoreOptions {
  /** largest size a stored batch's records may expand to when the broker decodes one (ListOffsets, the bridges). */
  maxUncompressedBytes: number;
}

export class PartitionStore {
  private readonly states = new Map<string, PartitionState>();

  constructor(
    private readonly storage: StorageAdapter,
    private readonly catalog: TopicCatalog,
    private readonly options: PartitionStoreOptions,
  ) {}

  /** The topic, if `partition` is one of its partitions; PartitionError otherwise. */
  async partitionOf(topic: string, partition: number): Promise<TopicMeta> {
    const meta = await this.catalog.get(topic);
    if (!meta)
      throw new PartitionError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${topic} does not exist`);
    if (!Number.isInteger(partition) || partition < 0 || partition >= meta.partitions) {
      // partitions may have been added through another broker
      const fresh = await this.catalog.get(topic, true);
      if (!fresh || partition < 0 || partition >= fresh.partitions) {
        throw new PartitionError(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          `topic ${topic} has no partition ${partition}`,
        );
      }
      return fresh;
    }
    return meta;
  }

  private state(meta: TopicMeta, partition: number): PartitionState {
    const key = `${meta.topicId}/${partition}`;
    let st = this.states.get(key);
    if (!st) this.states.set(key, (st = new PartitionState(partitionShard(meta.name, partition))));
    return st;
  }

  /** Runs op on the partition's state; creates the shard once if it is missing behind existing metadata. */
  private async withShard<T>(
    topic: string,
    partition: number,
    op: (st: PartitionState, meta: TopicMeta) => Promise<T>,
  ): Promise<T> {
    const meta = await this.partitionOf(topic, partition);
    const st = this.state(meta, partition);
    try {
      return await op(st, meta);
    } catch (err) {
      if (!(err instanceof StorageError && err.code === 'SHARD_NOT_FOUND')) throw err;
      const fresh = await this.catalog.get(topic, true);
      if (!fresh || fresh.topicId !== meta.topicId || partition >= fresh.partitions) {
        this.catalog.invalidate(topic);
        throw new PartitionError(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          `topic ${topic} partition ${partition} does not exist`,
        );
      }
      await this.catalog.ensureShard(fresh, partition);
      return op(st, meta);
    }
  }

  /** the shard's first and next storage positions: the adapter's cheap way when it has one (journal). */
  private ends(st: PartitionState): Promise<ShardEnds> {
    return this.storage.shardEnds ? this.storage.shardEnds(st.shard) : this.storage.describeShard(st.shard);
  }

  // ---- reading the map between positions and offsets ----

  /** the header of the stored batch at `position`. */
  private async headerAt(st: PartitionState, position: number): Promise<BatchHeader> {
    const [record] = await this.storage.read(st.shard, position, { maxRecords: 1, maxBytes: 1 });
    if (!record || record.offset !== position)
      throw new PartitionError(
        ErrorCode.KAFKA_STORAGE_ERROR,
        `${st.shard}: no stored batch at position ${position}`,
      );
    const header = batchHeaderOf(st, record);
    st.remember(position, header.baseOffset, batchEndOffset(header));
    return header;
  }

  /** The Kafka offset one past the shard's last stored batch (its log end). */
  private endOffset(
    st: PartitionState,
    meta: TopicMeta,
    partition: number,
    info: ShardEnds,
  ): Promise<number> {
    return this.offsetAt(st, meta, partition, info.nextOffset, info.startOffset, info.nextOffset);
  }

  /** the Kafka offset at storage position p (start <= p <= next): the base of the batch there, or the log end. */
  private async offsetAt(
    st: PartitionState,
    meta: TopicMeta,
    partition: number,
    p: number,
    start: number,
    next: number,
  ): Promise<number> {
    const known = st.offsetAtPosition(p);
    if (known !== undefined) return known;
    if (p < next) return (await this.headerAt(st, p)).baseOffset;
    if (p > start) return batchEndOffset(await this.headerAt(st, p - 1));
    // no batch stored at all
    if (p === 0) return 0;
    const mark = await this.catalog.logEnd(meta, partition);
    if (mark && mark.position === p) return mark.offset;
    throw new PartitionError(
      ErrorCode.KAFKA_STORAGE_ERROR,
      `${st.shard}: retention removed every batch and no log-end mark says where the offsets continue`,
    );
  }

  /** the storage position of the batch holding Kafka offset `offset`, or the next position when it is the log end. */
  private async locate(
    st: PartitionState,
    meta: TopicMeta,
    partition: number,
    offset: number,
  ): Promise<number> {
    const known = st.positionOfOffset(offset);
    if (known !== undefined) return known;
    const info = await this.ends(st);
    const first = await this.offsetAt(
      st,
      meta,
      partition,
      info.startOffset,
      info.startOffset,
      info.nextOffset,
    );
    const end = await this.endOffset(st, meta, partition, info);
    if (offset < first || offset > end) {
      throw new PartitionError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `offset ${offset} is outside ${st.shard}'s range [${first}, ${end}]`,
      );
    }
    if (offset === end) return info.nextOffset;
    // invariant: offsetAt(lo) <= offset < offsetAt(hi); interpolation (batches are alike in size) alternating with
    // bisection (so uneven ones cost log2 probes at most)
    let lo = info.startOffset;
    let loOffset = first;
    let hi = info.nextOffset;
    let hiOffset = end;
    for (let probe = 0; hi - lo > 1; probe++) {
      const mid =
        probe % 2 === 0
          ? lo + Math.floor(((offset - loOffset) * (hi - lo)) / (hiOffset - loOffset))
          : lo + Math.floor((hi - lo) / 2);
      const at = Math.min(hi - 1, Math.max(lo, mid));
      const header = await this.headerAt(st, at);
      if (offset < header.baseOffset) {
        hi = at;
        hiOffset = header.baseOffset;
      } else if (offset >= batchEndOffset(header)) {
        lo = at + 1;
        loOffset = batchEndOffset(header);
      } else {
        return at;
      }
    }
    return lo;
  }

  // ---- appends ----

  /**
   * Appends checked batches (each a byte range of `data`, see checkBatches) as one storage call and resolves with the
   * first one's base offset once storage has them durable. Writes the base offsets, and the log-append time where
   * the topic or the batch asks for it, into the bytes first.
   */
  append(topic: string, partition: number, data: Buffer, batches: CheckedBatch[]): Promise<number> {
    return this.withShard(topic, partition, async (st, meta) => {
      while (!st.cursor) {
        st.syncing ??= this.sync(st, meta, partition).finally(() => (st.syncing = undefined));
        await st.syncing;
      }
      // from here to the storage call nothing awaits: positions are assigned in call order
      const logAppendTime = meta.configs['message.timestamp.type'] === 'LogAppendTime';
      const now = Date.now();
      const position = st.cursor.position;
      const base = st.cursor.offset;
      let offset = base;
      const records: AppendRecord[] = batches.map((b) => {
        setBaseOffset(data, b.start, offset);
        offset += b.recordCount;
        let timestamp: number;
        if (logAppendTime || b.timestampType === 1) {
          setMaxTimestamp(data, b.start, 1, now);
          timestamp = now;
        } else {
          // Kafka keeps the records' own max as the batch's (LogValidator rewrites a wrong one)
          if (b.maxTimestamp !== b.recordsMaxTimestamp)
            setMaxTimestamp(data, b.start, 0, b.recordsMaxTimestamp);
          timestamp = b.recordsMaxTimestamp >= 0 ? b.recordsMaxTimestamp : now;
        }
        st.sawBatch(b.end - b.start);
        return { timestamp, payload: data.subarray(b.start, b.end) };
      });
      st.cursor = { position: position + batches.length, offset };
      const appended = this.storage.append(st.shard, records, { expectedOffset: position });
      st.inflight.add(appended);
      try {
        await appended;
      } catch (err) {
        // the end is unknown now: the next append re-reads it once everything in flight has settled
        st.cursor = undefined;
        throw err;
      } finally {
        st.inflight.delete(appended);
      }
      let at = base;
      batches.forEach((b, i) => {
        st.remember(position + i, at, at + b.recordCount);
        at += b.recordCount;
      });
      return base;
    });
  }

  /** reads the partition's end into the cursor, after every append in flight has settled. */
  private async sync(st: PartitionState, meta: TopicMeta, partition: number): Promise<void> {
    while (st.inflight.size > 0) await Promise.allSettled([...st.inflight]);
    const info = await this.ends(st);
    const offset = await this.endOffset(st, meta, partition, info);
    st.cursor = { position: info.nextOffset, offset };
  }

  // ---- reads ----

  /** the partition's first and next Kafka offsets. */
  offsets(topic: string, partition: number): Promise<{ start: number; next: number }> {
    return this.withShard(topic, partition, async (st, meta) => {
      const info = await this.ends(st);
      const [start, next] = await Promise.all([
        this.offsetAt(st, meta, partition, info.startOffset, info.startOffset, info.nextOffset),
        this.offsetAt(st, meta, partition, info.nextOffset, info.startOffset, info.nextOffset),
      ]);
      return { start, next };
    });
  }

  /**
   * Whole batches from the one holding `fromOffset`, up to about maxBytes (at least one batch), waiting up to waitMs
   * for one when the offset is the log end. The high watermark is asked of storage with the read (a read may stop
   * short of the end for its own limits, and a consumer told a watermark below the end would think it caught up).
   */
  read(
    topic: string,
    partition: number,
    fromOffset: number,
    maxBytes: number,
    waitMs: number,
  ): Promise<ReadResult> {
    return this.withShard(topic, partition, async (st, meta) => {
      const position = await this.locate(st, meta, partition, fromOffset);
      let records: StoredRecord[];
      const describing = waitMs === 0 ? this.ends(st) : undefined;
      describing?.catch(() => {});
      try {
        records = await this.storage.read(st.shard, position, {
          maxBytes: Math.max(1, maxBytes),
          maxRecords: st.batchesFor(maxBytes),
          waitMs,
        });
      } catch (err) {
        if (err instanceof StorageError && err.code === 'OFFSET_OUT_OF_RANGE')
          throw new PartitionError(ErrorCode.OFFSET_OUT_OF_RANGE, err.message);
        throw err;
      }
      const info = await (describing ?? this.ends(st));
      const batches: Buffer[] = [];
      let count = 0;
      let bytes = 0;
      let lastEnd = fromOffset;
      for (const record of records) {
        const header = batchHeaderOf(st, record);
        lastEnd = batchEndOffset(header);
        st.remember(record.offset, header.baseOffset, lastEnd);
        batches.push(record.payload);
        st.sawBatch(record.payload.length);
        count += header.lastOffsetDelta + 1;
        bytes += record.payload.length;
      }
      const readEnd = records.length > 0 ? records[records.length - 1]!.offset + 1 : position;
      const next = Math.max(info.nextOffset, readEnd);
      const [highWatermark, logStartOffset] = await Promise.all([
        next === readEnd && records.length > 0
          ? lastEnd
          : this.offsetAt(st, meta, partition, next, info.startOffset, next),
        this.offsetAt(st, meta, partition, info.startOffset, info.startOffset, next),
      ]);
      return { batches, records: count, bytes, highWatermark, logStartOffset };
    });
  }

  /** The headers of the partition's last `count` batches, oldest first (idempotent producers' recovery). */
  lastBatches(topic: string, partition: number, count: number): Promise<BatchHeader[]> {
    return this.withShard(topic, partition, async (st) => {
      const info = await this.ends(st);
      const out: BatchHeader[] = [];
      let position = Math.max(info.startOffset, info.nextOffset - count);
      while (position < info.nextOffset) {
        const records = await this.storage.read(st.shard, position, {
          maxRecords: info.nextOffset - position,
          maxBytes: 16 * 1024 * 1024,
        });
        if (records.length === 0) break;
        for (const r of records) out.push(batchHeaderOf(st, r));
        position = records[records.length - 1]!.offset + 1;
      }
      return out;
    });
  }

  /** the records of the stored batch at `position`, with their absolute offsets and timestamps. */
  private async recordsAt(
    st: PartitionState,
    position: number,
  ): Promise<{ header: BatchHeader; records: KafkaRecord[] }> {
    const [record] = await this.storage.read(st.shard, position, { maxRecords: 1, maxBytes: 1 });
    if (!record)
      throw new PartitionError(
        ErrorCode.KAFKA_STORAGE_ERROR,
        `${st.shard}: no stored batch at position ${position}`,
      );
    const header = batchHeaderOf(st, record);
    const batch = decodeBatch(new KafkaReader(record.payload), {
      maxUncompressedBytes: this.options.maxUncompressedBytes,
    });
    // log-append time: every record of the batch carries the batch's time
    const records =
      header.timestampType === 1
        ? batch.records.map((r) => ({ ...r, timestamp: header.maxTimestamp }))
        : batch.records;
    return { header, records };
  }

  /** The first record at or after `timestamp` (Kafka's ListOffsets by time): the batch whose max timestamp reaches it
   * first, then the first of its records that does. undefined when no record reaches it. */
  offsetForTimestamp(
    topic: string,
    partition: number,
    timestamp: number,
  ): Promise<{ offset: number; timestamp: number } | undefined> {
    return this.withShard(topic, partition, async (st) => {
      const position = await this.storage.offsetForTimestamp(st.shard, Math.max(0, timestamp));
      if (position === undefined) return undefined;
      const { header, records } = await this.recordsAt(st, position);
      const found = records.find((r) => r.timestamp >= timestamp);
      return found
        ? { offset: found.offset, timestamp: found.timestamp }
        : { offset: header.baseOffset, timestamp: header.maxTimestamp };
    });
  }

  /** The record with the largest timestamp in the partition's last batch (ListOffsets -3), or undefined when empty. */
  newestRecord(topic: string, partition: number): Promise<{ offset: number; timestamp: number } | undefined> {
    return this.withShard(topic, partition, async (st) => {
      const info = await this.ends(st);
      if (info.nextOffset === info.startOffset) return undefined;
      const { records } = await this.recordsAt(st, info.nextOffset - 1);
      let best: KafkaRecord | undefined;
      for (const r of records) if (!best || r.timestamp > best.timestamp) best = r;
      return best ? { offset: best.offset, timestamp: best.timestamp } : undefined;
    });
  }

  /**
   * For every partition of a topic with retention whose stored batches all sit in sealed segments (retention could
   * remove them all), writes its log end to placement: then a partition emptied by retention still knows where its
   * offsets continue. Called before each retention run.
   */
  async markLogEnds(): Promise<void> {
    for (const meta of await this.catalog.list()) {
      if (!(Number(meta.configs['retention.ms']) > 0)) continue;
      for (let partition = 0; partition < meta.partitions; partition++) {
        const st = this.state(meta, partition);
        let info;
        try {
          info = await this.storage.describeShard(st.shard);
        } catch (err) {
          if (err instanceof StorageError && err.code === 'SHARD_NOT_FOUND') continue;
          throw err;
        }
        const last = info.segments[info.segments.length - 1];
        if (!last || last.status !== 'sealed' || info.nextOffset === info.startOffset) continue;
        const offset = await this.endOffset(st, meta, partition, info);
        await this.catalog.setLogEnd(meta, partition, { position: info.nextOffset, offset });
      }
    }
  }
}

/** the header of a stored batch; a storage record that is not one is reported, never served. */
function batchHeaderOf(st: PartitionState, record: StoredRecord): BatchHeader {
  try {
    const header = readBatchHeader(record.payload);
    if (header.end !== record.payload.length)
      throw new KafkaDecodeError(`${record.payload.length - header.end} bytes after the batch`);
    return header;
  } catch (err) {
    if (!(err instanceof KafkaDecodeError)) throw err;
    throw new PartitionError(
      ErrorCode.CORRUPT_MESSAGE,
      `${st.shard}: storage record ${record.offset} is not a Kafka record batch (${err.message}); partitions hold one batch per record`,
    );
  }
}
