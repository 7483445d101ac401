// StorageAdapter embedded in the process over RocksDB (through @robustmq/common's KvEngine): the default for a
// single machine. Key layout: rocksdb-keys.ts; the records of one append share one key (rocksdb-chunk.ts). Appends go through a group-commit queue: concurrent append() and
// commitOffset() calls share one batch, and each resolves only after its batch is durable. Offsets are
// assigned in the batch writer, which is the only place that advances a shard's nextOffset, and only after the
// batch is on disk — so readers never see a record that could still be lost. On open the next offset of every shard
// is recovered from its last stored record, so offsets stay dense across restarts.
//
// What makes a batch durable: by default the adapter's own write-ahead log (rocksdb-wal.ts: one record written by
// this thread into a preallocated file and one fdatasync on the pool per batch); the batch's operations then reach
// RocksDB unsynced and coalesced (at most ENGINE_FLUSH_MS later, or ENGINE_FLUSH_BYTES), and every read, and every
// write that goes to RocksDB directly (shard create/delete, retention), first moves them there. A checkpoint (the log
// moves to a new segment, RocksDB catches up and gets one synced write, the older segments are deleted) ends the
// log's need for its older records; the one started every CHECKPOINT_BYTES of log runs beside the appends, the ones
// before direct writes and at close run alone. Without the log (`wal: false`, or openOnEngine without a directory)
// each batch is one synced RocksDB write, as before.
import { join } from 'node:path';
import type { BatchOp, KvEngine } from '@robustmq/common';
import { RocksDbEngine, stageTimings } from '@robustmq/common';
import { GroupCommitQueue, type GroupCommitStats, type QueuedWrite } from './group-commit-queue.js';
import { checkCommitOffset, checkOffsetInRange, missingRecord } from './offset-range.js';
import { OffsetWaiters } from './offset-waiters.js';
import type { RecordFields } from '@robustmq/protocol/journal';
import {
  assignChunkOffsets,
  encodeChunks,
  lastOffsetInValue,
  recordsInValue,
  type EncodedChunk,
} from './rocksdb-chunk.js';
import * as keys from './rocksdb-keys.js';
import { RocksDbWal, type WalOptions } from './rocksdb-wal.js';
import { byName, retentionStart, shardDescription, shardInfo } from './segments.js';
import { CheckedStorageAdapter, type IndexRead } from './checked-adapter.js';
import type {
  ResolvedShardOptions,
  RetentionResult,
  ShardDescription,
  ShardInfo,
  StoredRecord,
} from './storage-adapter.js';
import { adapterClosed, shardExists, shardNotFound, StorageError } from './storage-error.js';
import { offsetMismatch, type ResolvedReadOptions } from './validation.js';

const META_VERSION = 1;
/** deletes of a dropped shard go to RocksDB in chunks of this many keys, so one huge shard is not one huge batch. */
const DELETE_CHUNK = 10_000;
/** durable operations wait at most this long before they are written to RocksDB (unsynced)… */
const ENGINE_FLUSH_MS = 50;
/** …or until this many bytes of them wait. */
const ENGINE_FLUSH_BYTES = 1024 * 1024;
/** the write-ahead log is checkpointed once this much was logged since the last checkpoint (WalOptions). */
const CHECKPOINT_BYTES = 64 * 1024 * 1024;
/** written (synced) by a checkpoint: a synced RocksDB write makes every earlier unsynced one durable too. Outside
 * every key range of rocksdb-keys.ts. */
const CHECKPOINT_KEY = Buffer.from('w/checkpoint');

export interface RocksDbAdapterOptions {
  /** make appends durable through the adapter's own write-ahead log (default true); false: synced RocksDB batches. */
  wal?: boolean;
  /** options of the write-ahead log (tests). */
  walOptions?: WalOptions;
}

interface ShardMeta {
  version: number;
  options: ResolvedShardOptions;
  startOffset: number;
}

interface RocksShard {
  name: string;
  options: ResolvedShardOptions;
  startOffset: number;
  /** committed: every offset below it is durable. Advanced only by the batch writer after a successful sync. */
  nextOffset: number;
  /** running maximum of record timestamps; -1 while the shard is empty. */
  maxTimestamp: number;
  /** set by deleteShard so writes still queued for this shard object are refused. */
  deleted: boolean;
}

interface AppendWrite extends QueuedWrite {
  kind: 'append';
  shard: RocksShard;
  /** per record: its timestamp (for the time index) */
  timestamps: number[];
  /** the records that have a key or tags, by their index in the append (most appends have none) */
  indexed: { at: number; key: string | undefined; tags: string[] }[];
  chunks: EncodedChunk[];
  /** AppendOptions.expectedOffset, checked where offsets are assigned; -1 for none. */
  expectedOffset: number;
  resolve(offsets: number[]): void;
}

interface CommitWrite extends QueuedWrite {
  kind: 'commit';
  shard: RocksShard;
  group: string;
  offset: number;
  resolve(): void;
}

type PendingWrite = AppendWrite | CommitWrite;

function infoOf(shard: RocksShard): ShardInfo {
  return shardInfo(shard.name, shard.options, shard.startOffset, shard.nextOffset);
}

function encodeMeta(shard: RocksShard): Buffer {
  const meta: ShardMeta = { version: META_VERSION, options: shard.options, startOffset: shard.startOffset };
  return Buffer.from(JSON.stringify(meta));
}

function decodeMeta(name: string, value: Buffer): ShardMeta {
  let meta: ShardMeta;
  try {
    meta = JSON.parse(value.toString('utf8')) as ShardMeta;
  } catch (err) {
    throw new StorageError(
      'CORRUPT_RECORD',
      `metadata of shard '${name}' is not valid JSON; the database is damaged`,
      {
        cause: err,
      },
    );
  }
  if (
    meta?.version !== META_VERSION ||
    !Number.isSafeInteger(meta.startOffset) ||
    !Number.isSafeInteger(meta.options?.maxRecordsPerSegment)
  ) {
    throw new StorageError(
      'CORRUPT_RECORD',
      `metadata of shard '${name}' has an unknown shape (version ${String(meta?.version)}); it was written by an ` +
        `incompatible version or is damaged`,
    );
  }
  return meta;
}

/** What the batch writer needs of an append's records besides their bytes; the records themselves are not kept. */
function indexInfo(fields: RecordFields[]): Pick<AppendWrite, 'timestamps' | 'indexed'> {
  const timestamps = new Array<number>(fields.length);
  const indexed: AppendWrite['indexed'] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    timestamps[i] = f.timestamp;
    if (f.key !== undefined || f.tags.length > 0) indexed.push({ at: i, key: f.key, tags: f.tags });
  }
  return { timestamps, indexed };
}

function asWriteFailure(err: unknown): StorageError {
  return err instanceof StorageError
    ? err
    : new StorageError(
        'WRITE_FAILED',
        `RocksDB refused a write (${(err as Error).message}); nothing of it is acknowledged, and this adapter accepts ` +
          `no more writes — fix the disk problem and reopen it`,
        { cause: err },
      );
}

export class RocksDbStorageAdapter extends CheckedStorageAdapter {
  readonly type = 'rocksdb';
  private readonly shards = new Map<string, RocksShard>();
  private readonly waiters = new OffsetWaiters();
  private readonly queue: GroupCommitQueue<PendingWrite>;
  private closing: Promise<void> | undefined;
  /** set when a batch failed: RocksDB may be in an unknown state, so no further write is accepted until reopen. */
  private writeFailure: StorageError | undefined;
  /** durable (in the write-ahead log) operations not yet written to RocksDB, in order. */
  private unflushed: BatchOp[] = [];
  private unflushedBytes = 0;
  private flushing: Promise<void> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  /** set when writing durable operations to RocksDB failed: reads could miss acknowledged records until reopen. */
  private engineFailure: StorageError | undefined;
  /** operations handed to toEngine so far, and how many of them RocksDB has (counted in toEngine calls). */
  private queuedMark = 0;
  private flushedMark = 0;
  /** a checkpoint running beside the appends (started by the batch writer once the log has grown). */
  private checkpointing: Promise<void> | undefined;
  private readonly checkpointBytes: number;

  private constructor(
    private readonly engine: KvEngine,
    private readonly wal: RocksDbWal | undefined,
    walOptions: WalOptions | undefined,
  ) {
    super();
    this.checkpointBytes = walOptions?.checkpointBytes ?? CHECKPOINT_BYTES;
    this.queue = new GroupCommitQueue<PendingWrite>((writes) => this.writeBatch(writes));
  }

  /** opens (creating if needed) a RocksDB database at `path` and recovers every shard's offsets from it; the
   * write-ahead log lives in `path`/wal. */
  static async open(path: string, options: RocksDbAdapterOptions = {}): Promise<RocksDbStorageAdapter> {
    const engine = await RocksDbEngine.open(path);
    return RocksDbStorageAdapter.openOnEngine(
      engine,
      options.wal === false ? undefined : join(path, 'wal'),
      options.walOptions,
    );
  }

  /** builds the adapter over an engine that is already open; the adapter owns it from now on and closes it.
   * `walDir`: where its write-ahead log is (none: every batch is a synced RocksDB write). */
  static async openOnEngine(
    engine: KvEngine,
    walDir?: string,
    walOptions?: WalOptions,
  ): Promise<RocksDbStorageAdapter> {
    let wal: RocksDbWal | undefined;
    try {
      let batches: BatchOp[][] = [];
      if (walDir !== undefined) ({ wal, batches } = RocksDbWal.open(walDir, walOptions));
      const adapter = new RocksDbStorageAdapter(engine, wal, walOptions);
      // what the log holds may be missing from RocksDB (a crash lost its unsynced tail): applying it again is
      // harmless, because the log holds every operation since the last checkpoint, in order
      for (const ops of batches) adapter.toEngine(ops, false);
      if (wal) await adapter.checkpoint();
      await adapter.recover();
      return adapter;
    } catch (err) {
      await wal?.close().catch(() => {});
      await engine.close();
      throw err;
    }
  }

  /** how well group commit is coalescing: for benchmarks, tests and metrics. */
  get groupCommitStats(): GroupCommitStats {
    return this.queue.stats;
  }

  private async recover(): Promise<void> {
    for await (const [key, value] of this.engine.scan({ prefix: keys.shardMetaPrefix })) {
      const name = keys.shardNameOfMetaKey(key);
      const meta = decodeMeta(name, value);
      let nextOffset = meta.startOffset;
      for await (const [recordKey, value] of this.engine.scan({
        prefix: keys.recordPrefix(name),
        reverse: true,
        limit: 1,
      })) {
        const last = lastOffsetInValue(value, keys.readBe64(recordKey), (o) => `shard '${name}' offset ${o}`);
        nextOffset = Math.max(nextOffset, last + 1);
      }
      let maxTimestamp = -1;
      for await (const [timeKey] of this.engine.scan({
        prefix: keys.timeIndexPrefix(name),
        reverse: true,
        limit: 1,
      })) {
        maxTimestamp = keys.readBe64(timeKey);
      }
      this.shards.set(name, {
        name,
        options: meta.options,
        startOffset: meta.startOffset,
        nextOffset,
        maxTimestamp,
        deleted: false,
      });
    }
  }

  protected async createShardChecked(name: string, resolved: ResolvedShardOptions): Promise<ShardInfo> {
    return this.track(async () => {
      this.checkWritable();
      return this.queue.exclusive(async () => {
        if (this.shards.has(name)) throw shardExists(name);
        await this.checkpoint();
        // A delete that failed half-way may have left data behind; a new shard must start empty.
        await this.deleteRanges(keys.shardDataPrefixes(name));
        const shard: RocksShard = {
          name,
          options: resolved,
          startOffset: 0,
          nextOffset: 0,
          maxTimestamp: -1,
          deleted: false,
        };
        await this.engineWrite(
          [{ type: 'put', key: keys.shardMetaKey(name), value: encodeMeta(shard) }],
          'create',
        );
        this.shards.set(name, shard);
        return infoOf(shard);
      });
    });
  }

  protected async listShardsChecked(): Promise<ShardInfo[]> {
    return [...this.shards.values()].map(infoOf).sort(byName);
  }

  protected async describeShardChecked(name: string): Promise<ShardDescription> {
    return shardDescription(infoOf(this.shard(name)));
  }

  protected async deleteShardChecked(name: string): Promise<void> {
    return this.track(async () => {
      this.shard(name);
      this.checkWritable();
      await this.queue.exclusive(async () => {
        const shard = this.shards.get(name);
        if (!shard) throw shardNotFound(name);
        await this.checkpoint();
        // Meta first: once it is gone the shard is gone, even if removing its data fails below (createShard of the
        // same name clears any leftovers).
        await this.engineWrite([{ type: 'del', key: keys.shardMetaKey(name) }], 'delete');
        shard.deleted = true;
        this.shards.delete(name);
        this.waiters.fail(name, shardNotFound(name));
        await this.deleteRanges(keys.shardDataPrefixes(name));
      });
    });
  }

  protected async appendChecked(
    shardName: string,
    fields: RecordFields[],
    expectedOffset: number,
  ): Promise<number[]> {
    return this.track(async () => {
      const shard = this.shard(shardName);
      this.checkWritable();
      // Encode now, with placeholder offsets: this captures the caller's buffers as they are at the call.
      const chunks = encodeChunks(fields);
      let bytes = 0;
      for (const chunk of chunks) bytes += chunk.value.length;
      return new Promise<number[]>((resolve, reject) =>
        this.queue.submit({
          kind: 'append',
          shard,
          ...indexInfo(fields),
          chunks,
          bytes,
          expectedOffset,
          resolve,
          reject,
        }),
      );
    });
  }

  protected async readChecked(
    shardName: string,
    fromOffset: number,
    opts: ResolvedReadOptions,
  ): Promise<StoredRecord[]> {
    return this.track(async () => {
      let shard = this.shard(shardName);
      checkOffsetInRange(shardName, fromOffset, shard.startOffset, shard.nextOffset);
      if (fromOffset === shard.nextOffset && opts.waitMs > 0) {
        if (!(await this.waiters.wait(shardName, fromOffset, opts.waitMs))) return [];
        shard = this.shard(shardName);
      }
      const end = Math.min(shard.nextOffset, fromOffset + opts.maxRecords);
      const out: StoredRecord[] = [];
      if (fromOffset >= end) return out;
      await this.readable();
      let bytes = 0;
      let full = false;
      // the chunk holding fromOffset may start below it
      const first = (await this.chunkAt(shard, fromOffset))?.[0] ?? keys.recordKey(shardName, fromOffset);
      scan: for await (const [key, value] of this.engine.scan({
        gte: first,
        lt: keys.recordKey(shardName, end),
      })) {
        for (const record of this.recordsIn(shard, key, value, fromOffset, end)) {
          if (record.offset !== fromOffset + out.length) this.missing(shard, fromOffset + out.length);
          if (out.length > 0 && bytes + record.payload.length > opts.maxBytes) {
            full = true;
            break scan;
          }
          bytes += record.payload.length;
          out.push(record);
        }
      }
      // every offset below nextOffset is committed, so a scan that ends early has lost a record
      if (!full && fromOffset + out.length < end) this.missing(shard, fromOffset + out.length);
      return out;
    });
  }

  protected async readIndexChecked({
    kind,
    shard: name,
    term,
    fromOffset,
    maxRecords,
  }: IndexRead): Promise<StoredRecord[]> {
    return this.track(async () => {
      const shard = this.shard(name);
      const [prefix, from] =
        kind === 'key'
          ? [keys.keyIndexPrefix(name, term), keys.keyIndexKey(name, term, fromOffset)]
          : [keys.tagIndexPrefix(name, term), keys.tagIndexKey(name, term, fromOffset)];
      return this.readIndexed(shard, prefix, from, maxRecords);
    });
  }

  protected async offsetForTimestampChecked(
    shardName: string,
    timestamp: number,
  ): Promise<number | undefined> {
    return this.track(async () => {
      const shard = this.shard(shardName);
      const offset = await this.firstOffsetAtOrAfter(shard, timestamp);
      return offset === undefined ? undefined : Math.max(offset, shard.startOffset);
    });
  }

  protected async commitOffsetChecked(group: string, shardName: string, offset: number): Promise<void> {
    return this.track(async () => {
      const shard = this.shard(shardName);
      checkCommitOffset(shardName, offset, shard.nextOffset);
      this.checkWritable();
      return new Promise<void>((resolve, reject) =>
        this.queue.submit({ kind: 'commit', shard, group, offset, bytes: 64, resolve, reject }),
      );
    });
  }

  protected async fetchOffsetChecked(group: string, shardName: string): Promise<number | undefined> {
    return this.track(async () => {
      this.shard(shardName);
      await this.readable();
      const value = await this.engine.get(keys.groupKey(shardName, group));
      return value === undefined ? undefined : keys.readBe64(value, 0);
    });
  }

  protected async enforceRetentionChecked(now: number): Promise<RetentionResult[]> {
    return this.track(async () => {
      this.checkWritable();
      return this.queue.exclusive(async () => {
        const results: RetentionResult[] = [];
        for (const shard of this.shards.values()) {
          if (shard.options.retentionMs === undefined) continue;
          const firstYoung =
            (await this.firstOffsetAtOrAfter(shard, now - shard.options.retentionMs)) ?? shard.nextOffset;
          const newStart = retentionStart(
            shard.startOffset,
            shard.nextOffset,
            shard.options.maxRecordsPerSegment,
            firstYoung,
          );
          if (newStart === shard.startOffset) continue;
          if (results.length === 0) await this.checkpoint();
          await this.removeBefore(shard, newStart);
          results.push({
            shard: shard.name,
            removedRecords: newStart - shard.startOffset,
            startOffset: newStart,
          });
          shard.startOffset = newStart;
        }
        return results;
      });
    });
  }

  async close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      this.closing = (async () => {
        await this.queue.drained(); // writes already accepted still complete
        this.waiters.fail(undefined, adapterClosed(this.type));
        await this.idle();
        if (this.wal) {
          // a clean close leaves RocksDB complete and synced and the log empty; after a failure the log keeps its
          // records for the next open to apply
          if (!this.writeFailure && !this.engineFailure) await this.checkpoint().catch(() => {});
          else await this.flushEngine().catch(() => {});
          clearTimeout(this.flushTimer);
          await this.wal.close();
        }
        await this.engine.close();
      })();
    }
    return this.closing;
  }

  /** the batch writer: assigns offsets, writes one synced batch, and only then publishes the new offsets. */
  private async writeBatch(writes: PendingWrite[]): Promise<void> {
    if (this.writeFailure) {
      for (const write of writes) write.reject(this.writeFailure);
      return;
    }
    const ops: BatchOp[] = [];
    const accepted: PendingWrite[] = [];
    const offsets = new Map<PendingWrite, number[]>();
    const pending = new Map<RocksShard, { next: number; maxTimestamp: number }>();
    for (const write of writes) {
      const shard = write.shard;
      if (shard.deleted) {
        write.reject(shardNotFound(shard.name));
        continue;
      }
      let state = pending.get(shard);
      if (!state) pending.set(shard, (state = { next: shard.nextOffset, maxTimestamp: shard.maxTimestamp }));
      if (write.kind === 'commit') {
        ops.push({
          type: 'put',
          key: keys.groupKey(shard.name, write.group),
          value: keys.be64(write.offset),
        });
      } else {
        if (write.expectedOffset >= 0 && write.expectedOffset !== state.next) {
          write.reject(offsetMismatch(shard.name, write.expectedOffset, state.next));
          continue;
        }
        const first = state.next;
        const { timestamps } = write;
        const assigned = new Array<number>(timestamps.length);
        for (const chunk of write.chunks) {
          assignChunkOffsets(chunk.value, state.next);
          ops.push({ type: 'put', key: keys.recordKey(shard.name, state.next), value: chunk.value });
          state.next += chunk.count;
        }
        for (const { at, key, tags } of write.indexed) {
          if (key !== undefined)
            ops.push({ type: 'put', key: keys.keyIndexKey(shard.name, key, first + at), value: '' });
          for (const tag of new Set(tags)) {
            ops.push({ type: 'put', key: keys.tagIndexKey(shard.name, tag, first + at), value: '' });
          }
        }
        for (let i = 0; i < timestamps.length; i++) {
          const offset = first + i;
          if (timestamps[i]! > state.maxTimestamp) {
            state.maxTimestamp = timestamps[i]!;
            ops.push({
              type: 'put',
              key: keys.timeIndexKey(shard.name, timestamps[i]!),
              value: keys.be64(offset),
            });
          }
          assigned[i] = offset;
        }
        offsets.set(write, assigned);
      }
      accepted.push(write);
    }
    if (accepted.length === 0) return;
    try {
      if (this.wal) {
        if (this.wal.size >= this.checkpointBytes && !this.checkpointing)
          await this.startCheckpoint(this.wal);
        const t0 = stageTimings ? performance.now() : 0;
        await this.wal.append(ops);
        const t1 = stageTimings ? performance.now() : 0;
        await this.wal.sync();
        if (stageTimings) {
          stageTimings.record('rocksdb.wal.write', t1 - t0, accepted.length);
          stageTimings.record('rocksdb.wal.fdatasync', performance.now() - t1, accepted.length);
        }
      } else await this.engine.batch(ops, { sync: true });
    } catch (err) {
      this.writeFailure = asWriteFailure(err);
      for (const write of accepted) write.reject(this.writeFailure);
      return;
    }
    if (this.wal) this.toEngine(ops, true);
    for (const [shard, state] of pending) {
      shard.nextOffset = state.next;
      shard.maxTimestamp = state.maxTimestamp;
    }
    for (const write of accepted) {
      if (write.kind === 'commit') write.resolve();
      else write.resolve(offsets.get(write)!);
    }
    for (const shard of pending.keys()) this.waiters.notify(shard.name, shard.nextOffset);
  }

  /** Queues durable operations for RocksDB; `soon`: write them within ENGINE_FLUSH_MS (else at the next read). */
  private toEngine(ops: BatchOp[], soon: boolean): void {
    this.queuedMark++;
    for (const op of ops) {
      this.unflushed.push(op);
      this.unflushedBytes += op.key.length + (op.type === 'put' ? op.value.length : 0) + 16;
    }
    if (!soon) return;
    if (this.unflushedBytes >= ENGINE_FLUSH_BYTES) {
      this.flushEngine().catch(() => {}); // a failure is kept in engineFailure and reported by reads
    } else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.flushEngine().catch(() => {});
      }, ENGINE_FLUSH_MS).unref();
    }
  }

  /** Writes every queued durable operation to RocksDB (unsynced: the write-ahead log has them). */
  private async flushEngine(): Promise<void> {
    while (this.flushing || this.unflushed.length > 0) {
      if (this.engineFailure) throw this.engineFailure;
      if (this.flushing) await this.flushing;
      else await this.startFlush();
    }
  }

  /** Like flushEngine, but only until RocksDB has what was queued before `mark` (later writes may keep coming). */
  private async flushEngineTo(mark: number): Promise<void> {
    while (this.flushedMark < mark) {
      if (this.engineFailure) throw this.engineFailure;
      if (this.flushing) await this.flushing;
      else await this.startFlush();
    }
  }

  private startFlush(): Promise<void> {
    const ops = this.unflushed;
    const mark = this.queuedMark;
    this.unflushed = [];
    this.unflushedBytes = 0;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const started = stageTimings ? performance.now() : 0;
    const batch = this.engine.batch(ops, { sync: false });
    if (stageTimings) stageTimings.record('rocksdb.engine.flush.blocking', performance.now() - started);
    this.flushing = batch.then(
      () => {
        if (stageTimings) stageTimings.record('rocksdb.engine.flush', performance.now() - started);
        this.flushing = undefined;
        this.flushedMark = mark;
      },
      (err: unknown) => {
        this.flushing = undefined;
        this.engineFailure ??= new StorageError(
          'WRITE_FAILED',
          `RocksDB refused acknowledged records from the write-ahead log (${(err as Error).message}); reads could ` +
            `miss them, so this adapter refuses reads and writes — fix the disk problem and reopen it (the log ` +
            `still holds them)`,
          { cause: err },
        );
        this.writeFailure ??= this.engineFailure;
        throw this.engineFailure;
      },
    );
    return this.flushing;
  }

  /** Before RocksDB is read: everything acknowledged before the read must be in it — not what is acknowledged while it
   * waits. Waiting until nothing at all is queued (as it once did) starved every read while appends kept coming: a
   * subscriber catching up behind 10,000 publishers got nothing until they stopped (issue 16). */
  private async readable(): Promise<void> {
    const mark = this.queuedMark;
    if (this.flushedMark < mark) {
      const started = stageTimings ? performance.now() : 0;
      await this.flushEngineTo(mark);
      if (stageTimings) stageTimings.record('rocksdb.read.engine_wait', performance.now() - started);
    }
    if (this.engineFailure) throw this.engineFailure;
  }

  /**
   * Makes RocksDB hold every acknowledged operation durably (one synced write, which syncs the unsynced ones before
   * it), then drops every log segment. Runs between batches (the queue's writer or an exclusive task), and before any
   * write that goes to RocksDB directly, so replay never undoes such a write.
   */
  private async checkpoint(): Promise<void> {
    if (!this.wal) return;
    if (this.checkpointing) await this.checkpointing;
    // nothing logged since the last checkpoint: RocksDB has nothing unsynced
    if (this.wal.empty && !this.flushing && this.unflushed.length === 0) return;
    const upTo = await this.wal.rotate();
    await this.flushEngine();
    await this.syncEngine();
    await this.wal.release(upTo);
  }

  /**
   * The checkpoint the batch writer starts once the log has grown: the log moves on to a new segment (prepared
   * ahead, so this rarely waits), and the rest — RocksDB catching up with the older segments, one synced write, their
   * deletion — runs beside the next appends.
   */
  private async startCheckpoint(wal: RocksDbWal): Promise<void> {
    const upTo = await wal.rotate();
    const mark = this.queuedMark; // every operation logged up to segment `upTo`
    const started = stageTimings ? performance.now() : 0;
    this.checkpointing = (async () => {
      try {
        await this.flushEngineTo(mark);
        await this.syncEngine();
        await wal.release(upTo);
        if (stageTimings) stageTimings.record('rocksdb.checkpoint', performance.now() - started);
      } catch (err) {
        // the log keeps what it held: nothing acknowledged is lost, but this adapter stops taking writes
        this.writeFailure ??= asWriteFailure(err);
      } finally {
        this.checkpointing = undefined;
      }
    })();
  }

  /** one synced RocksDB write: every earlier unsynced one is durable once it returns. */
  private async syncEngine(): Promise<void> {
    await this.engine.put(CHECKPOINT_KEY, keys.be64(Date.now()), { sync: true });
  }

  private async readIndexed(
    shard: RocksShard,
    prefix: Buffer,
    from: Buffer,
    maxRecords: number,
  ): Promise<StoredRecord[]> {
    await this.readable();
    const wanted: number[] = [];
    for await (const [key] of this.engine.scan({ prefix, gte: from })) {
      const offset = keys.readBe64(key);
      // index entries of a batch land a moment before nextOffset moves; those records are not committed yet
      if (offset >= shard.nextOffset) break;
      if (offset < shard.startOffset) continue;
      wanted.push(offset);
      if (wanted.length >= maxRecords) break;
    }
    const out: StoredRecord[] = [];
    let chunk: [Buffer, Buffer] | undefined;
    for (const offset of wanted) {
      // consecutive hits often share a chunk
      let record = chunk && this.recordsIn(shard, chunk[0], chunk[1], offset, offset + 1)[0];
      if (!record) {
        chunk = await this.chunkAt(shard, offset);
        record = chunk && this.recordsIn(shard, chunk[0], chunk[1], offset, offset + 1)[0];
      }
      if (!record) {
        if (offset < shard.startOffset) continue; // removed by retention since the index scan
        this.missing(shard, offset);
      }
      out.push(record);
    }
    return out;
  }

  /** The stored [key, value] whose records include `offset` (the last key at or below it), if any. */
  private async chunkAt(shard: RocksShard, offset: number): Promise<[Buffer, Buffer] | undefined> {
    for await (const entry of this.engine.scan({
      prefix: keys.recordPrefix(shard.name),
      lt: keys.recordKey(shard.name, offset + 1),
      reverse: true,
      limit: 1,
    })) {
      return entry;
    }
    return undefined;
  }

  private recordsIn(shard: RocksShard, key: Buffer, value: Buffer, from: number, to: number): StoredRecord[] {
    return recordsInValue(value, keys.readBe64(key), from, to, (o) => `shard '${shard.name}' offset ${o}`);
  }

  private async firstOffsetAtOrAfter(shard: RocksShard, timestamp: number): Promise<number | undefined> {
    await this.readable();
    for await (const [, value] of this.engine.scan({
      prefix: keys.timeIndexPrefix(shard.name),
      gte: keys.timeIndexKey(shard.name, timestamp),
      limit: 1,
    })) {
      const offset = keys.readBe64(value, 0);
      return offset < shard.nextOffset ? offset : undefined;
    }
    return undefined;
  }

  /** deletes records [startOffset, newStart) with their index entries, and moves startOffset, in one batch. */
  private async removeBefore(shard: RocksShard, newStart: number): Promise<void> {
    const ops: BatchOp[] = [];
    // from the first stored key: a chunk that reached past an earlier retention point is still there
    for await (const [key, value] of this.engine.scan({
      prefix: keys.recordPrefix(shard.name),
      lt: keys.recordKey(shard.name, newStart),
    })) {
      const records = this.recordsIn(shard, key, value, 0, Number.MAX_SAFE_INTEGER);
      for (const record of records) {
        if (record.offset >= newStart) break;
        if (record.key !== undefined)
          ops.push({ type: 'del', key: keys.keyIndexKey(shard.name, record.key, record.offset) });
        for (const tag of new Set(record.tags))
          ops.push({ type: 'del', key: keys.tagIndexKey(shard.name, tag, record.offset) });
      }
      // a chunk that also holds records from newStart on stays; reads skip what lies below startOffset
      if (records.length === 0 || records[records.length - 1]!.offset < newStart)
        ops.push({ type: 'del', key });
    }
    // Time-index entries pointing below newStart go, except the last: it still holds the running maximum that
    // answers offsetForTimestamp for the records right after newStart.
    const stale: Buffer[] = [];
    for await (const [key, value] of this.engine.scan({ prefix: keys.timeIndexPrefix(shard.name) })) {
      if (keys.readBe64(value, 0) >= newStart) break;
      stale.push(key);
    }
    for (const key of stale.slice(0, -1)) ops.push({ type: 'del', key });
    ops.push({
      type: 'put',
      key: keys.shardMetaKey(shard.name),
      value: encodeMeta({ ...shard, startOffset: newStart }),
    });
    await this.engineWrite(ops, 'retention');
  }

  private async deleteRanges(prefixes: Buffer[]): Promise<void> {
    for (const prefix of prefixes) {
      while (true) {
        const ops: BatchOp[] = [];
        for await (const [key] of this.engine.scan({ prefix, limit: DELETE_CHUNK }))
          ops.push({ type: 'del', key });
        if (ops.length === 0) break;
        await this.engineWrite(ops, 'delete');
      }
    }
  }

  private async engineWrite(ops: BatchOp[], what: string): Promise<void> {
    try {
      await this.engine.batch(ops, { sync: true });
    } catch (err) {
      throw new StorageError('WRITE_FAILED', `RocksDB refused the ${what} write: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  private missing(shard: RocksShard, offset: number): never {
    throw missingRecord(shard.name, offset, shard.startOffset, shard.nextOffset);
  }

  private shard(name: string): RocksShard {
    this.checkOpen();
    const shard = this.shards.get(name);
    if (!shard) throw shardNotFound(name);
    return shard;
  }

  private checkWritable(): void {
    if (this.writeFailure) throw this.writeFailure;
  }
}
