// One segment replica on this journal server: its append-only file, its RocksDB indexes (sparse offset index, time,
// key and tag indexes, checkpoint) and the state that says how much of it is written and how much is on disk —
// together with the code that changes that state: recovery at open (a torn tail is cut, missing index entries are
// rebuilt from the file), group-committed writes and syncs, reads, truncation (when a new leader's log disagrees) and
// removal. Writes and truncations must not overlap: both replica roles (the leader's group commit, the follower's
// replicate / truncate / repair) run them through the segment's lock (`exclusive`), so a role change cannot
// interleave the old role's write with the new one's. The set of segments is SegmentStore's.
import { rm, stat } from 'node:fs/promises';
import { stageTimings, type BatchOp, type KvEngine, type Logger } from '@robustmq/common';
import {
  JournalError,
  batchParts,
  decodeRecord,
  readProducerStampAt,
  readU64,
  type ProducerStamp,
} from '@robustmq/protocol/journal';
import { MIN_RECORD_BYTES, firstOffsetOf } from './framed-batch.js';
import {
  ALL_PREFIXES,
  checkpointKey,
  keyIndexKey,
  metaKey,
  offsetKey,
  offsetPrefix,
  pad,
  producerKey,
  producerPrefix,
  tagIndexKey,
  termOffset,
  timeKey,
  timePrefix,
  u64,
} from './index-keys.js';
import type { MetaWriteOrder } from './meta-write-order.js';
import { ProducerTable, type StampedRequest } from './producer-table.js';
import { payloadLength, payloadLengthAt, recordKeyAndTags, recordOffset } from './record-view.js';
import type { SegmentFile } from './segment-file.js';

/** a sparse offset-index entry is added once this many bytes were written since the previous one (as Kafka's index.interval.bytes). */
const INDEX_INTERVAL_BYTES = 4096;
/** index entries of durable records wait at most this long for their RocksDB write (see flushIndex)... */
const INDEX_FLUSH_MS = 200;
/** ...or until this many wait. */
const INDEX_FLUSH_OPS = 1024;
const READ_CHUNK_BYTES = 1024 * 1024;

/** what a replica remembers about its segment besides the records. */
export interface ReplicaMeta {
  namespace: string;
  shard: string;
  seq: number;
  startOffset: number;
  /** the highest leader epoch seen; replication from an older epoch is refused (fencing). */
  epoch: number;
  /** [epoch, first offset written in it], ascending: answers "where does epoch e end" (KIP-101). */
  epochs: Array<[number, number]>;
  /** exclusive end offset once the segment is sealed. */
  sealedEnd: number | null;
  /** records per segment the writer asked for (0: no record limit). */
  maxRecords: number;
  createdAtMs: number;
}

interface Checkpoint {
  end: number;
  size: number;
  minTs: number;
  maxTs: number;
}

export class LocalSegment {
  /** exclusive end offset of the records written (synced or not). */
  endOffset: number;
  /** exclusive end offset of the records known to be on disk. */
  durableEnd: number;
  /** file bytes known to be on disk (the position of record durableEnd): where a failed fdatasync cuts back to. */
  durableSize = 0;
  /**
   * set when an fdatasync failed: what was written past durableEnd may be gone from the page
   * cache without a trace (a later fdatasync can succeed without it), so that tail is treated as lost. Until it is
   * cut (dropUnsynced) no sync may claim anything and no write may land on top of it.
   */
  syncFailed: Error | undefined;
  /** the tail of the segment's lock: every write / truncate / delete of the file is chained here (see exclusive). */
  lock: Promise<void> = Promise.resolve();
  /** tasks waiting for or holding the lock (diagnostics; tests use it to see a task queued behind a held write). */
  lockQueue = 0;
  /** the idempotent producers' requests this replica holds (kept as records are written, like the indexes). */
  readonly producers = new ProducerTable();
  /** producers whose requests changed since their state was last handed to an index batch: each is stored once per
   * sync (where pendingOps is taken) or once at the end of recovery, however many of its requests a group holds. */
  private dirtyProducers = new Set<number>();
  /** sparse offset index kept in memory: offsets[i] starts at positions[i]. */
  readonly offsets: number[] = [];
  readonly positions: number[] = [];
  bytesSinceEntry = INDEX_INTERVAL_BYTES;
  minTimestamp = -1;
  maxTimestamp = -1;
  lastAppendAtMs = Date.now();
  /** bytes of the file covered by finished writes (the file's size may include a write still in progress). */
  writtenSize = 0;
  /** index entries of written records, handed to deferredOps by the sync that makes the records durable. */
  pendingOps: BatchOp[] = [];
  /**
   * index entries (each sync's followed by its producers' requests and its checkpoint; a batch keeps only the last
   * of each) of durable records not in RocksDB yet. They are written
   * in one unsynced batch every INDEX_FLUSH_MS or INDEX_FLUSH_OPS, and before anything reads or cuts the indexes
   * (flushIndex) — not beside every fdatasync: that was a second thread-pool job (and wake-up) per append, and the
   * append waited for whichever of the two ended last. A crash loses at most entries past the last checkpoint
   * written, and recovery rebuilds those from the file (recover).
   */
  private deferredOps: BatchOp[] = [];
  private indexTimer: NodeJS.Timeout | undefined;
  /** the index batch being written, if any: batches land in the order they were taken. */
  private indexFlush: Promise<void> = Promise.resolve();
  /** set by close and remove: no index batch is taken after it. */
  private closed = false;
  /** bumped by truncation: a sync that began before it must not claim the records written after it. */
  generation = 0;
  syncWaiters: Array<{ resolve(): void; reject(err: unknown): void }> = [];
  /** fdatasyncs running (at most 2: one through each descriptor of the file). */
  private syncsRunning = 0;
  /** called once no fdatasync runs (cut waits for them). */
  private idleWaiters: Array<() => void> = [];
  /** fdatasyncs started through the file's first descriptor. */
  private firstSyncs = 0;
  /** the second descriptor is trusted once a sync through the first that started after it was opened succeeded (an
   * error before its opening is reported through the first only): that sync's index, -1 while not opened. */
  private secondFrom = -1;
  private secondTrusted = false;
  private openingSecond = false;

  constructor(
    readonly key: string,
    public meta: ReplicaMeta,
    readonly file: SegmentFile,
    private readonly db: KvEngine,
    /** the store's one queue of metadata writes per segment key (it outlives a deleted segment's object). */
    private readonly metaWrites: MetaWriteOrder,
    private readonly logger: Logger,
    /** a write that lands while an fdatasync runs gets its own at once, through a second descriptor
     * ([storage] overlap_syncs), instead of waiting for the running one to end first. */
    private readonly overlapSyncs = false,
  ) {
    this.endOffset = meta.startOffset;
    this.durableEnd = meta.startOffset;
  }

  get id(): string {
    return `${this.meta.namespace}/${this.meta.shard}#${this.meta.seq}`;
  }

  get recordCount(): number {
    return this.endOffset - this.meta.startOffset;
  }

  /** the epoch of the last record written, or 0 before any. */
  get lastEpoch(): number {
    const e = this.meta.epochs;
    return e.length === 0 ? 0 : e[e.length - 1]![0];
  }

  /**
   * the offsets of the idempotent request `stamp` if this replica holds it — first in `pending` (the requests of a
   * group commit not written yet), else in its table — or undefined. A request cut short by the segment's end (its
   * record limit, or where it was sealed) was written only up to there, and its first answer said so: so does this one.
   */
  duplicateOf(stamp: ProducerStamp, pending?: ProducerTable): StampedRequest | undefined {
    const written =
      pending?.find(stamp.producerId, stamp.sequence) ??
      this.producers.find(stamp.producerId, stamp.sequence);
    if (written === undefined) return undefined;
    const { startOffset, maxRecords, sealedEnd } = this.meta;
    const end = sealedEnd ?? (maxRecords > 0 ? startOffset + maxRecords : Infinity);
    return { base: written.base, count: Math.min(written.count, end - written.base) };
  }

  /** the file position to start scanning from to find `offset`. */
  private floorPosition(offset: number): number {
    const o = this.offsets;
    let lo = 0;
    let hi = o.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (o[mid]! <= offset) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best < 0 ? 0 : this.positions[best]!;
  }

  /** writes the metadata as it is now; writes of one segment land in the order they were asked for. */
  async saveMeta(): Promise<void> {
    const value = JSON.stringify(this.meta); // the state as of this call, whatever changes before the write runs
    await this.metaWrites.run(this.key, () => this.db.put(metaKey(this.key), value));
  }

  /**
   * brings the indexes up to the file and cuts a torn tail: index entries past the checkpoint are rebuilt by scanning
   * the file from there; if the file is shorter than the checkpoint (it lost a tail), everything is rebuilt from 0.
   */
  async recover(): Promise<void> {
    const raw = await this.db.get(checkpointKey(this.key));
    let ck: Checkpoint = raw
      ? (JSON.parse(raw.toString('utf8')) as Checkpoint)
      : { end: this.meta.startOffset, size: 0, minTs: -1, maxTs: -1 };
    const fileSize = (await stat(this.file.path)).size;
    if (ck.size > fileSize) {
      this.logger.warn(
        { segment: this.id, indexed: ck.size, fileSize },
        'segment file is shorter than its index; rebuilding the index',
      );
      await this.dropIndex();
      ck = { end: this.meta.startOffset, size: 0, minTs: -1, maxTs: -1 };
    }
    for await (const [k, v] of this.db.scan({ prefix: producerPrefix(this.key) })) {
      this.producers.load(Number(k.toString('utf8').slice(-20)), v.toString('utf8'));
    }
    for await (const [k, v] of this.db.scan({ prefix: offsetPrefix(this.key) })) {
      this.offsets.push(Number(k.toString('utf8').slice(-20)));
      this.positions.push(Number(v.toString('utf8')));
    }
    this.endOffset = this.durableEnd = ck.end;
    this.minTimestamp = ck.minTs;
    this.maxTimestamp = ck.maxTs;
    this.bytesSinceEntry =
      this.positions.length === 0
        ? INDEX_INTERVAL_BYTES
        : ck.size - this.positions[this.positions.length - 1]!;

    // scan what the index does not cover yet
    let pos = ck.size;
    const ops: BatchOp[] = [];
    let cut: number | undefined;
    let why = '';
    /** the data ends at `cut` and only zeros follow: the preallocated end of the file (segment-file.ts), no tear */
    let zerosOnly = false;
    while (pos < fileSize) {
      const head = await this.file.read(pos, 4);
      if (head.length < 4) {
        cut = pos;
        why = 'partial length field';
        break;
      }
      const len = head.readUInt32BE(0);
      if (len < MIN_RECORD_BYTES || pos + 4 + len > fileSize) {
        cut = pos;
        why = `record length ${len} runs past the end of the file`;
        zerosOnly = len === 0 && (await this.zerosFrom(pos, fileSize));
        break;
      }
      const record = await this.file.read(pos + 4, len);
      try {
        decodeRecord(record, `segment ${this.id} position ${pos}`);
        if (recordOffset(record) !== this.endOffset)
          throw new Error(`offset ${recordOffset(record)} where ${this.endOffset} was expected`);
      } catch (err) {
        // the last record: nothing after it, or only the zeros of preallocation
        if (pos + 4 + len === fileSize || (await this.zerosFrom(pos + 4 + len, fileSize))) {
          cut = pos;
          why = (err as Error).message;
          break;
        }
        if (recordOffset(record) !== this.endOffset) {
          // not a CRC flip in place but garbage: nothing after it can be trusted to be this segment's records
          cut = pos;
          why = (err as Error).message;
          this.logger.error(
            { segment: this.id, position: pos },
            'garbage inside a segment file; cutting it there',
          );
          break;
        }
        // a damaged record with intact framing in the middle: keep it, readers get CORRUPT_RECORD for it
        this.logger.error({ segment: this.id, position: pos, err }, 'corrupt record inside a segment file');
      }
      this.indexRecord(record, pos, ops);
      this.endOffset++;
      pos += 4 + len;
    }
    if (cut !== undefined) {
      if (zerosOnly)
        this.logger.debug({ segment: this.id, position: cut, fileSize }, 'cutting preallocated zeros');
      else
        this.logger.warn(
          { segment: this.id, position: cut, fileSize, why },
          'cutting a torn tail from a segment file',
        );
      await this.file.truncate(cut);
    }
    this.durableEnd = this.endOffset;
    this.writtenSize = this.durableSize = this.file.size;
    this.takeDirtyProducers(ops);
    if (ops.length > 0 || cut !== undefined) {
      ops.push(this.checkpointOp());
      await this.db.batch(ops, { sync: true });
    }
  }

  /** whether the file holds only zero bytes from `from` to `fileSize` (read in chunks; recovery only). */
  private async zerosFrom(from: number, fileSize: number): Promise<boolean> {
    for (let at = from; at < fileSize; at += READ_CHUNK_BYTES) {
      const chunk = await this.file.read(at, Math.min(READ_CHUNK_BYTES, fileSize - at));
      for (let i = 0; i < chunk.length; i++) if (chunk[i] !== 0) return false;
    }
    return true;
  }

  private checkpointOp(): BatchOp {
    const ck: Checkpoint = {
      end: this.endOffset,
      size: this.writtenSize,
      minTs: this.minTimestamp,
      maxTs: this.maxTimestamp,
    };
    return { type: 'put', key: checkpointKey(this.key), value: JSON.stringify(ck) };
  }

  /** the stored state of every producer changed since the last call (before the checkpoint that covers it). */
  private takeDirtyProducers(ops: BatchOp[]): void {
    if (this.dirtyProducers.size === 0) return;
    for (const producerId of this.dirtyProducers)
      ops.push({
        type: 'put',
        key: producerKey(this.key, producerId),
        value: this.producers.serialize(producerId),
      });
    this.dirtyProducers.clear();
  }

  private indexRecord(record: Buffer, position: number, ops: BatchOp[]): void {
    this.indexRecordAt(record, 0, record.length, position, ops);
  }

  /** index entries for the record at buf[start, end), stored at file `position` as offset this.endOffset. */
  private indexRecordAt(buf: Buffer, start: number, end: number, position: number, ops: BatchOp[]): void {
    const offset = this.endOffset;
    if (this.bytesSinceEntry >= INDEX_INTERVAL_BYTES) {
      this.offsets.push(offset);
      this.positions.push(position);
      ops.push({ type: 'put', key: offsetKey(this.key, offset), value: String(position) });
      this.bytesSinceEntry = 0;
    }
    this.bytesSinceEntry += 4 + end - start;
    const ts = readU64(buf, start + 13);
    if (ts > this.maxTimestamp) {
      this.maxTimestamp = ts;
      ops.push({ type: 'put', key: timeKey(this.key, ts, offset), value: '' });
    }
    if (this.minTimestamp < 0 || ts < this.minTimestamp) this.minTimestamp = ts;
    const stamp = readProducerStampAt(buf, start, end);
    if (stamp !== undefined && stamp !== 'bad') {
      this.producers.note(stamp, offset);
      this.dirtyProducers.add(stamp.producerId);
    }
    // records without key or tags (flag byte 0, tag count 0) are the common case: skip the parse
    if ((buf[start + 21]! & 1) === 0 && buf.readUInt16BE(start + 22) === 0) return;
    const { key, tags } = recordKeyAndTags(buf, start);
    const where = u64(position);
    if (key !== undefined) ops.push({ type: 'put', key: keyIndexKey(this.key, key, offset), value: where });
    for (const tag of tags) ops.push({ type: 'put', key: tagIndexKey(this.key, tag, offset), value: where });
  }

  /**
   * appends encoded records (offsets already assigned, consecutive from this.endOffset) and resolves once they are on
   * disk: write() then sync(). Recovery, repair and tests use it; the data path calls the two halves itself.
   */
  async append(records: Buffer[], epoch: number): Promise<void> {
    if (records.length === 0) return;
    await this.write([Buffer.concat(batchParts(records))], records.length, epoch);
    await this.sync();
  }

  /**
   * writes framed batches (repeated [u32 length][record], offsets assigned and consecutive from this.endOffset, `count`
   * records in all) at the end of the file as they are — one writev, no re-encoding — and indexes them. Not durable
   * until sync(). Run it under the segment's lock (exclusive): writes must not overlap each other or a truncation.
   */
  async write(parts: Buffer[], count: number, epoch: number): Promise<void> {
    if (count === 0) return;
    if (this.syncFailed) throw this.syncFailedError();
    const first = firstOffsetOf(parts[0]!);
    if (first !== this.endOffset)
      throw new Error(`append at offset ${first} to ${this.id} whose end is ${this.endOffset}`);
    if (this.lastEpoch !== epoch) {
      this.meta.epochs.push([epoch, first]);
      await this.saveMeta();
    }
    const base = await this.file.append(parts);
    let position = base;
    for (const part of parts) {
      let at = 0;
      while (at < part.length) {
        const end = at + 4 + part.readUInt32BE(at);
        this.indexRecordAt(part, at + 4, end, position + at, this.pendingOps);
        this.endOffset++;
        at = end;
      }
      position += part.length;
    }
    if (this.endOffset !== first + count)
      throw new Error(`wrote ${this.endOffset - first} records to ${this.id}, expected ${count}`);
    this.writtenSize = position;
    this.lastAppendAtMs = Date.now();
  }

  /**
   * resolves once everything written to the segment before the call is on disk. Callers that arrive while an
   * fdatasync runs share the next one (group commit across appends and across pipelined replication requests);
   * the index entries of those writes go to RocksDB unsynced afterwards (deferIndex), since they can be rebuilt from
   * the file.
   * Rejects with WRITE_FAILED when that fdatasync fails, and from then on until the lost tail is cut (failSync).
   */
  sync(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.syncWaiters.push({ resolve, reject });
      this.startSync();
    });
  }

  /** starts an fdatasync for the waiters if none runs; with overlapSyncs also beside a running one (a second
   * descriptor): it covers the running one's writes too, so its waiters need not wait for it to end first. */
  private startSync(): void {
    if (this.syncWaiters.length === 0) return;
    if (this.syncsRunning === 0) {
      void this.runSync(false);
      return;
    }
    if (this.syncsRunning > 1 || !this.overlapSyncs) return;
    if (this.secondTrusted) {
      void this.runSync(true);
      return;
    }
    if (this.secondFrom < 0 && !this.openingSecond) {
      this.openingSecond = true;
      this.file.openSecond().then(
        (opened) => {
          this.openingSecond = false;
          if (opened) this.secondFrom = this.firstSyncs;
        },
        (err: unknown) => {
          this.openingSecond = false;
          this.logger.warn(
            { segment: this.id, err: (err as Error).message },
            'cannot open a second descriptor for overlapping fdatasyncs; syncing one at a time',
          );
        },
      );
    }
  }

  private async runSync(second: boolean): Promise<void> {
    this.syncsRunning++;
    const index = second ? -1 : this.firstSyncs++;
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    try {
      if (this.syncFailed) {
        // the unsynced tail is lost: a successful fdatasync now would not bring it back, so nothing is claimed
        const err = this.syncFailedError();
        for (const w of waiters) w.reject(err);
        return;
      }
      const end = this.endOffset;
      const size = this.writtenSize;
      const generation = this.generation;
      const ops = this.pendingOps;
      this.pendingOps = [];
      // the producers' requests as of this sync's writes, each producer once
      this.takeDirtyProducers(ops);
      // the checkpoint as of this sync's writes: after the entries it covers, so whichever batch carries it also
      // carries them (a later sync's checkpoint landing first only makes recovery rescan more)
      ops.push(this.checkpointOp());
      const syncAt = stageTimings ? performance.now() : 0;
      try {
        await (second ? this.file.syncSecond() : this.file.sync());
        // the other sync running beside this one failed meanwhile: nothing is claimed
        if (this.syncFailed) throw this.syncFailed;
        stageTimings?.record('journal.fdatasync', performance.now() - syncAt, waiters.length);
        if (this.generation === generation) this.deferIndex(ops);
        if (!second && this.secondFrom >= 0 && index >= this.secondFrom) this.secondTrusted = true;
        // (a later sync may have finished first: it covered these writes too, and durableEnd only grows)
        if (this.generation === generation && end > this.durableEnd && end <= this.endOffset) {
          this.durableEnd = end;
          this.durableSize = size;
        }
        for (const w of waiters) w.resolve();
      } catch (err) {
        this.failSync(err as Error);
        const failed = this.syncFailedError();
        for (const w of waiters) w.reject(failed);
      }
    } finally {
      this.syncsRunning--;
      if (this.syncsRunning === 0 && this.idleWaiters.length > 0) {
        const idle = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of idle) resolve();
      }
      this.startSync();
    }
  }

  /** queues the index entries of records a sync just made durable for the next index batch. */
  private deferIndex(ops: BatchOp[]): void {
    // a sync that ends after close: RocksDB may be closed already; recovery rebuilds these entries from the file
    if (this.closed) return;
    for (const op of ops) this.deferredOps.push(op);
    if (this.deferredOps.length >= INDEX_FLUSH_OPS) {
      void this.flushIndex().catch(() => {});
      return;
    }
    if (this.indexTimer) return;
    this.indexTimer = setTimeout(() => {
      this.indexTimer = undefined;
      void this.flushIndex().catch(() => {});
    }, INDEX_FLUSH_MS);
    this.indexTimer.unref();
  }

  /**
   * writes the deferred index entries (unsynced: the file is the truth, recover rebuilds past the checkpoint) and
   * resolves once they, and every batch taken before them, are in RocksDB. Anything that reads the time, key or tag
   * index, or cuts them, calls it first. A failed batch keeps its entries for the next call and rejects.
   */
  flushIndex(): Promise<void> {
    if (this.indexTimer) {
      clearTimeout(this.indexTimer);
      this.indexTimer = undefined;
    }
    const ops = this.latestStateOnly(this.deferredOps);
    this.deferredOps = [];
    const run = this.indexFlush.then(async () => {
      if (ops.length === 0) return;
      try {
        await this.db.batch(ops, { sync: false });
      } catch (err) {
        this.logger.error(
          { segment: this.id, entries: ops.length, err: (err as Error).message },
          'writing index entries failed; kept for the next attempt',
        );
        this.deferredOps = ops.concat(this.deferredOps);
        throw err;
      }
    });
    this.indexFlush = run.catch(() => {});
    return run;
  }

  /**
   * `ops` without the puts of the segment's state keys (the checkpoint, the producers' requests) that a later put of
   * the same key in `ops` overrides: each sync hands over its own checkpoint, so at 2,000 msg/s a batch gathered
   * ~120 of them — one JSON value and one key for RocksDB each, converted on the event loop — of which only the last
   * counts. The kept ones stay in their places, so each is still after the entries it covers.
   */
  private latestStateOnly(ops: BatchOp[]): BatchOp[] {
    const checkpoint = checkpointKey(this.key);
    const producers = producerPrefix(this.key);
    const seen = new Set<string>();
    const kept: BatchOp[] = [];
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      if (op.type === 'put' && typeof op.key === 'string') {
        if (op.key === checkpoint || op.key.startsWith(producers)) {
          if (seen.has(op.key)) continue;
          seen.add(op.key);
        }
      }
      kept.push(op);
    }
    return kept.reverse();
  }

  /** drops the deferred index entries (the segment is being removed). */
  private discardIndex(): void {
    this.closed = true;
    if (this.indexTimer) clearTimeout(this.indexTimer);
    this.indexTimer = undefined;
    this.deferredOps = [];
  }

  /** writes the deferred index entries and closes the file (the store closes RocksDB after). */
  async close(): Promise<void> {
    const flushed = this.flushIndex();
    this.closed = true;
    await flushed.catch(() => {});
    await this.file.close();
  }

  /**
   * a failed fdatasync: the kernel may already have dropped the dirty pages (and reports the error once), so the
   * written-but-not-durable tail is unknown and is treated as lost. durableEnd stays where the last good sync put it;
   * the tail is cut under the segment's lock once the writes queued before it are done, and the replica's end
   * falls back to durableEnd, from where its leader re-sends (or, on a leader, a new leader recovers).
   */
  private failSync(err: Error): void {
    if (this.syncFailed) return;
    this.syncFailed = err;
    // the other descriptor may still hold this error (reported once per descriptor): it is closed, and trusted again
    // only after it is reopened and a sync through the first one succeeded
    this.secondTrusted = false;
    this.secondFrom = -1;
    void this.file.dropSecond().catch(() => {});
    this.generation++; // nothing that began before the failure may claim durability afterwards
    this.logger.error(
      { segment: this.id, durableEnd: this.durableEnd, endOffset: this.endOffset, err: err.message },
      'fdatasync failed; dropping the unsynced tail',
    );
    void this.exclusive(() => this.dropUnsynced()).catch((cutErr: unknown) => {
      this.logger.error(
        { segment: this.id, err: (cutErr as Error).message },
        'cutting the unsynced tail after a failed fdatasync failed; the replica refuses writes until a retry succeeds',
      );
    });
  }

  private syncFailedError(): JournalError {
    return new JournalError(
      'WRITE_FAILED',
      `segment ${this.id}: an fdatasync failed (${this.syncFailed?.message}); records from ${this.durableEnd} are not durable and are being dropped`,
    );
  }

  /**
   * runs `task` once every earlier task of this segment's lock has settled, and holds the lock until it settles:
   * the one queue through which both replica roles write, truncate and delete the segment file, so a leader that
   * is deposed while a write runs finishes that write before the follower role may write or truncate.
   * Tasks must not call exclusive() for the same segment themselves (they would wait for themselves).
   */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    this.lockQueue++;
    const run = this.lock.then(task).finally(() => this.lockQueue--);
    this.lock = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /**
   * after a failed fdatasync: cuts the file back to its durable size and the segment to durableEnd (records past it
   * may be lost), and lets writes and syncs go on. A no-op when no sync failed. Run it under the segment's lock.
   */
  async dropUnsynced(): Promise<void> {
    if (!this.syncFailed) return;
    await this.cut(this.durableEnd, this.durableSize);
    this.syncFailed = undefined;
    this.logger.warn(
      { segment: this.id, end: this.durableEnd },
      'dropped the unsynced tail of a segment after a failed fdatasync',
    );
  }

  /**
   * walks the framed records from `position` while `visit` returns true; reads the file in chunks so a long scan
   * holds at most one chunk. Stops at `endOffset` (records beyond it are not visited).
   */
  async scan(
    fromOffset: number,
    endOffset: number,
    visit: (record: Buffer, position: number) => boolean,
  ): Promise<void> {
    let pos = this.floorPosition(fromOffset);
    const fileEnd = this.writtenSize;
    while (pos < fileEnd) {
      const chunk = await this.file.read(pos, Math.min(READ_CHUNK_BYTES, fileEnd - pos));
      let at = 0;
      while (at + 4 <= chunk.length) {
        const len = chunk.readUInt32BE(at);
        // space reserved by a write still in progress reads as zeros: no record there yet
        if (len < MIN_RECORD_BYTES) return;
        if (at + 4 + len > chunk.length) {
          if (at === 0) {
            // a record larger than the chunk: read it whole
            if (pos + 4 + len > fileEnd) return;
            const whole = await this.file.read(pos + 4, len);
            const off = recordOffset(whole);
            if (off >= endOffset) return;
            if (off >= fromOffset && !visit(whole, pos)) return;
            at = 4 + len;
          }
          break;
        }
        const record = chunk.subarray(at + 4, at + 4 + len);
        const off = recordOffset(record);
        if (off >= endOffset) return;
        if (off >= fromOffset && !visit(record, pos + at)) return;
        at += 4 + len;
      }
      if (at === 0) return;
      pos += at;
    }
  }

  /** records [fromOffset, endOffset) up to maxRecords and maxBytes of payload (the first one always). */
  async read(fromOffset: number, endOffset: number, maxRecords: number, maxBytes: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    let bytes = 0;
    await this.scan(fromOffset, endOffset, (record) => {
      const size = Math.max(0, payloadLength(record));
      if (out.length > 0 && bytes + size > maxBytes) return false;
      out.push(record);
      bytes += size;
      return out.length < maxRecords;
    });
    return out;
  }

  /**
   * records [fromOffset, endOffset) as framed file bytes, up to maxRecords and maxBytes (of payload, or of frames when
   * `frameBytes`; the first record always): contiguous views of what was read from the file, no per-record copies.
   */
  async readFramed(
    fromOffset: number,
    endOffset: number,
    maxRecords: number,
    maxBytes: number,
    frameBytes = false,
  ): Promise<{ parts: Buffer[]; count: number }> {
    const parts: Buffer[] = [];
    let count = 0;
    let bytes = 0;
    let pos = this.floorPosition(fromOffset);
    const fileEnd = this.writtenSize;
    while (pos < fileEnd) {
      let chunk = await this.file.read(pos, Math.min(READ_CHUNK_BYTES, fileEnd - pos));
      if (chunk.length >= 4) {
        const first = chunk.readUInt32BE(0);
        // a record larger than the chunk: read it whole
        if (first >= MIN_RECORD_BYTES && 4 + first > chunk.length && pos + 4 + first <= fileEnd)
          chunk = await this.file.read(pos, 4 + first);
      }
      let at = 0;
      let from = -1;
      let done = false;
      while (at + 4 <= chunk.length) {
        const len = chunk.readUInt32BE(at);
        if (len < MIN_RECORD_BYTES || at + 4 + len > chunk.length) {
          done = len < MIN_RECORD_BYTES; // zeros: space of a write in progress, nothing there yet
          break;
        }
        const off = readU64(chunk, at + 4 + 5);
        if (off >= endOffset) {
          done = true;
          break;
        }
        if (off >= fromOffset) {
          const size = frameBytes ? 4 + len : Math.max(0, payloadLengthAt(chunk, at + 4));
          if (count > 0 && bytes + size > maxBytes) {
            done = true;
            break;
          }
          if (from < 0) from = at;
          count++;
          bytes += size;
        }
        at += 4 + len;
        if (count >= maxRecords || (frameBytes && bytes >= maxBytes)) {
          done = true;
          break;
        }
      }
      if (from >= 0) parts.push(chunk.subarray(from, at));
      if (done || at === 0) break;
      pos += at;
    }
    return { parts, count };
  }

  /** raw bytes budget variant for replication: whole records up to about maxBytes of frames. */
  async readForReplication(fromOffset: number, endOffset: number, maxBytes: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    let bytes = 0;
    await this.scan(fromOffset, endOffset, (record) => {
      out.push(Buffer.from(record)); // a copy: the chunk it views would otherwise stay alive in the send queue
      bytes += 4 + record.length;
      return bytes < maxBytes;
    });
    return out;
  }

  async readAt(position: number): Promise<Buffer> {
    const head = await this.file.read(position, 4);
    return this.file.read(position + 4, head.readUInt32BE(0));
  }

  /** file positions of records with this key (or tag), offsets in [fromOffset, endOffset), at most limit. */
  async lookupTerm(
    kind: 'key' | 'tag',
    term: string,
    fromOffset: number,
    endOffset: number,
    limit: number,
  ): Promise<number[]> {
    await this.indexBelow(endOffset);
    const prefix = kind === 'key' ? keyIndexKey(this.key, term) : tagIndexKey(this.key, term);
    const positions: number[] = [];
    const gte =
      kind === 'key' ? keyIndexKey(this.key, term, fromOffset) : tagIndexKey(this.key, term, fromOffset);
    for await (const [k, v] of this.db.scan({ prefix, gte })) {
      if (termOffset(k) >= endOffset || positions.length >= limit) break;
      positions.push(Number(v.readBigUInt64BE(0)));
    }
    return positions;
  }

  /**
   * puts the index entries of the records below `endOffset` (and of everything earlier) into RocksDB. Entries reach
   * the index batch only with the sync that makes their records durable here (deferIndex), but with acks=quorum a
   * record is committed — readable, its append answered — once a majority's fdatasyncs hold it, possibly before this
   * leader's own has returned: a lookup right after an acknowledged append would miss it. So the lookup waits for
   * that sync first (a failed one cuts those records, and then they are rightly not found).
   */
  private async indexBelow(endOffset: number): Promise<void> {
    if (this.durableEnd < Math.min(endOffset, this.endOffset)) await this.sync().catch(() => {});
    await this.flushIndex();
  }

  /** the first offset < endOffset whose timestamp is >= ts, via the running-maximum time index. */
  async offsetForTimestamp(ts: number, endOffset: number): Promise<number | undefined> {
    await this.indexBelow(endOffset);
    for await (const [k] of this.db.scan({
      prefix: timePrefix(this.key),
      gte: `${timePrefix(this.key)}${pad(ts)}`,
      limit: 1,
    })) {
      const offset = Number(k.toString('utf8').slice(-20));
      return offset < endOffset ? offset : undefined;
    }
    return undefined;
  }

  /** drops the records at and after `offset` (a diverged tail a new leader does not have). Run it under the lock. */
  async truncate(offset: number): Promise<void> {
    if (offset >= this.endOffset && !this.syncFailed) return;
    if (offset < this.meta.startOffset) offset = this.meta.startOffset;
    // let syncs of earlier writes land first (their index entries included), then make them unable to claim more;
    // a failing one marks the segment, and then the unsynced tail goes too (below)
    await this.sync().catch(() => {});
    if (this.syncFailed && offset >= this.durableEnd) return this.dropUnsynced();
    if (offset >= this.endOffset) return;
    let cutAt = this.file.size;
    await this.scan(offset, Number.MAX_SAFE_INTEGER, (_r, position) => {
      cutAt = position;
      return false;
    });
    await this.cut(offset, cutAt);
    // a cut inside the durable part removed any tail a failed fdatasync lost as well; cleared only now, so no sync
    // that runs during the cut can claim that tail
    this.syncFailed = undefined;
  }

  /** cuts the file at byte `cutAt`, where record `offset` starts, and the indexes and metadata with it. */
  private async cut(offset: number, cutAt: number): Promise<void> {
    // the syncs that began before the cut end first, so what they made durable has its index entries taken
    // (deferIndex); then those entries go in, so the scan below sees (and deletes) the ones at and after the cut
    while (this.syncsRunning > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.generation++;
    await this.flushIndex();
    await this.file.truncate(cutAt);
    this.writtenSize = cutAt;
    // drop index entries at and after offset; rebuild the running timestamps from what remains
    const ops: BatchOp[] = [];
    while (this.offsets.length > 0 && this.offsets[this.offsets.length - 1]! >= offset) {
      ops.push({ type: 'del', key: offsetKey(this.key, this.offsets.pop()!) });
      this.positions.pop();
    }
    this.maxTimestamp = -1;
    for (const prefix of [timePrefix(this.key), `k/${this.key}/`, `g/${this.key}/`]) {
      for await (const [k] of this.db.scan({ prefix })) {
        const off = prefix.startsWith('t/') ? Number(k.toString('utf8').slice(-20)) : termOffset(k);
        if (off >= offset) ops.push({ type: 'del', key: k });
        else if (prefix.startsWith('t/')) this.maxTimestamp = Number(k.toString('utf8').slice(-40, -20));
      }
    }
    this.endOffset = this.durableEnd = offset;
    this.durableSize = cutAt;
    // index entries not synced yet can only be of records past the cut (the sync before it, or the last good one
    // before a failed fdatasync, took every earlier write's), so none of them may reach RocksDB now
    this.pendingOps = [];
    this.deferredOps = [];
    this.bytesSinceEntry =
      this.positions.length === 0 ? INDEX_INTERVAL_BYTES : cutAt - this.positions[this.positions.length - 1]!;
    this.meta.epochs = this.meta.epochs.filter(([, start]) => start < offset);
    // the producers the cut changed, and any changed since the last sync (whose entries were just dropped)
    for (const producerId of this.producers.cutFrom(offset)) this.dirtyProducers.add(producerId);
    this.takeDirtyProducers(ops);
    ops.push(this.checkpointOp(), { type: 'put', key: metaKey(this.key), value: JSON.stringify(this.meta) });
    await this.metaWrites.run(this.key, () => this.db.batch(ops, { sync: true }));
  }

  /** removes the replica's file, indexes and metadata; the store has already forgotten it. */
  async remove(): Promise<void> {
    this.discardIndex();
    await this.indexFlush;
    await this.file.close().catch(() => {});
    await rm(this.file.path, { force: true });
    await this.dropIndex();
    await this.metaWrites.run(this.key, () =>
      this.db.batch([
        { type: 'del', key: metaKey(this.key) },
        { type: 'del', key: checkpointKey(this.key) },
      ]),
    );
  }

  private async dropIndex(): Promise<void> {
    const ops: BatchOp[] = [];
    for (const prefix of ALL_PREFIXES(this.key)) {
      for await (const [k] of this.db.scan({ prefix })) ops.push({ type: 'del', key: k });
    }
    await this.db.batch(ops, { sync: true });
  }
}
