// StorageAdapter kept in process memory: for tests and ephemeral brokers. Records are stored encoded (same format
// and CRC as on disk) so corruption checks and byte accounting behave like the persistent adapters; nothing survives
// close().
import { assignOffset, encodeRecord } from '@robustmq/protocol/journal';
import { decodeStoredRecord } from './stored-record.js';
import { OffsetWaiters } from './offset-waiters.js';
import { retentionStart, segmentCount, segmentsOf } from './segments.js';
import type {
  AppendOptions,
  AppendRecord,
  IndexReadOptions,
  ReadOptions,
  ResolvedShardOptions,
  RetentionResult,
  ShardDescription,
  ShardInfo,
  ShardOptions,
  StorageAdapter,
  StoredRecord,
} from './storage-adapter.js';
import { checkCommitOffset, checkOffsetInRange } from './offset-range.js';
import { adapterClosed, shardExists, shardNotFound, StorageError } from './storage-error.js';
import {
  checkExpectedOffset,
  checkGroupName,
  checkKey,
  checkNonNegativeInteger,
  checkShardName,
  checkTag,
  normalizeRecords,
  resolveIndexReadOptions,
  resolveReadOptions,
  resolveShardOptions,
} from './validation.js';

interface MemoryShard {
  name: string;
  options: ResolvedShardOptions;
  startOffset: number;
  /** encoded records; records[i] has offset startOffset + i. */
  records: Buffer[];
  keyIndex: Map<string, number[]>;
  tagIndex: Map<string, number[]>;
  /**
   * [timestamp, offset] each time the running maximum timestamp grows. The first offset whose running maximum
   * reaches T is exactly the first record with timestamp >= T, so a binary search answers offsetForTimestamp even
   * when timestamps are not monotonic.
   */
  timeIndex: Array<[number, number]>;
  maxTimestamp: number;
  groups: Map<string, number>;
}

function nextOffsetOf(shard: MemoryShard): number {
  return shard.startOffset + shard.records.length;
}

function infoOf(shard: MemoryShard): ShardInfo {
  const next = nextOffsetOf(shard);
  return {
    name: shard.name,
    options: { ...shard.options },
    startOffset: shard.startOffset,
    nextOffset: next,
    segmentCount: segmentCount(shard.startOffset, next, shard.options.maxRecordsPerSegment),
  };
}

/** first index in a sorted number array whose value is >= target. */
function lowerBound(values: ArrayLike<number>, target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class MemoryStorageAdapter implements StorageAdapter {
  readonly type = 'memory';
  private readonly shards = new Map<string, MemoryShard>();
  private readonly waiters = new OffsetWaiters();
  private closed = false;

  async createShard(name: string, options?: ShardOptions): Promise<ShardInfo> {
    this.checkOpen();
    checkShardName(name);
    const resolved = resolveShardOptions(options);
    if (this.shards.has(name)) throw shardExists(name);
    const shard: MemoryShard = {
      name,
      options: resolved,
      startOffset: 0,
      records: [],
      keyIndex: new Map(),
      tagIndex: new Map(),
      timeIndex: [],
      maxTimestamp: -1,
      groups: new Map(),
    };
    this.shards.set(name, shard);
    return infoOf(shard);
  }

  async listShards(): Promise<ShardInfo[]> {
    this.checkOpen();
    return [...this.shards.values()]
      .map(infoOf)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async describeShard(name: string): Promise<ShardDescription> {
    const shard = this.shard(name);
    const info = infoOf(shard);
    return {
      ...info,
      segments: segmentsOf(info.startOffset, info.nextOffset, shard.options.maxRecordsPerSegment),
    };
  }

  async deleteShard(name: string): Promise<void> {
    this.shard(name);
    this.shards.delete(name);
    this.waiters.fail(name, shardNotFound(name));
  }

  async append(shardName: string, records: AppendRecord[], options?: AppendOptions): Promise<number[]> {
    const shard = this.shard(shardName);
    const fields = normalizeRecords(records, Date.now());
    checkExpectedOffset(shardName, options, nextOffsetOf(shard));
    // encode everything before storing anything, so a failure leaves the shard untouched
    const encoded = fields.map((f) => encodeRecord(0, f));
    const offsets: number[] = [];
    let offset = nextOffsetOf(shard);
    fields.forEach((f, i) => {
      const buf = encoded[i]!;
      assignOffset(buf, offset);
      shard.records.push(buf);
      if (f.key !== undefined) pushIndex(shard.keyIndex, f.key, offset);
      for (const tag of new Set(f.tags)) pushIndex(shard.tagIndex, tag, offset);
      if (f.timestamp > shard.maxTimestamp) {
        shard.maxTimestamp = f.timestamp;
        shard.timeIndex.push([f.timestamp, offset]);
      }
      offsets.push(offset++);
    });
    this.waiters.notify(shardName, offset);
    return offsets;
  }

  async read(shardName: string, fromOffset: number, options?: ReadOptions): Promise<StoredRecord[]> {
    let shard = this.shard(shardName);
    checkNonNegativeInteger('fromOffset', fromOffset);
    const opts = resolveReadOptions(options);
    checkOffsetInRange(shardName, fromOffset, shard.startOffset, nextOffsetOf(shard));
    if (fromOffset === nextOffsetOf(shard) && opts.waitMs > 0) {
      if (!(await this.waiters.wait(shardName, fromOffset, opts.waitMs))) return [];
      shard = this.shard(shardName);
      // retention may have run while we waited
      checkOffsetInRange(shardName, fromOffset, shard.startOffset, nextOffsetOf(shard));
    }
    const out: StoredRecord[] = [];
    let bytes = 0;
    const end = Math.min(nextOffsetOf(shard), fromOffset + opts.maxRecords);
    for (let offset = fromOffset; offset < end; offset++) {
      const record = this.decode(shard, offset);
      if (out.length > 0 && bytes + record.payload.length > opts.maxBytes) break;
      bytes += record.payload.length;
      out.push(record);
    }
    return out;
  }

  async readByKey(shardName: string, key: string, options?: IndexReadOptions): Promise<StoredRecord[]> {
    const shard = this.shard(shardName);
    checkKey(key);
    return this.readIndexed(shard, shard.keyIndex.get(key), resolveIndexReadOptions(options));
  }

  async readByTag(shardName: string, tag: string, options?: IndexReadOptions): Promise<StoredRecord[]> {
    const shard = this.shard(shardName);
    checkTag(tag);
    return this.readIndexed(shard, shard.tagIndex.get(tag), resolveIndexReadOptions(options));
  }

  async offsetForTimestamp(shardName: string, timestamp: number): Promise<number | undefined> {
    const shard = this.shard(shardName);
    checkNonNegativeInteger('timestamp', timestamp);
    const index = shard.timeIndex;
    let lo = 0;
    let hi = index.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (index[mid]![0] < timestamp) lo = mid + 1;
      else hi = mid;
    }
    if (lo === index.length) return undefined;
    return Math.max(index[lo]![1], shard.startOffset);
  }

  async commitOffset(group: string, shardName: string, offset: number): Promise<void> {
    checkGroupName(group);
    const shard = this.shard(shardName);
    checkNonNegativeInteger('offset', offset);
    checkCommitOffset(shardName, offset, nextOffsetOf(shard));
    shard.groups.set(group, offset);
  }

  async fetchOffset(group: string, shardName: string): Promise<number | undefined> {
    checkGroupName(group);
    return this.shard(shardName).groups.get(group);
  }

  async enforceRetention(now: number = Date.now()): Promise<RetentionResult[]> {
    this.checkOpen();
    checkNonNegativeInteger('now', now);
    const results: RetentionResult[] = [];
    for (const shard of this.shards.values()) {
      if (shard.options.retentionMs === undefined) continue;
      const next = nextOffsetOf(shard);
      const cutoff = now - shard.options.retentionMs;
      const firstYoung = shard.timeIndex.find(([ts]) => ts >= cutoff)?.[1] ?? next;
      const newStart = retentionStart(
        shard.startOffset,
        next,
        shard.options.maxRecordsPerSegment,
        firstYoung,
      );
      if (newStart === shard.startOffset) continue;
      const removed = newStart - shard.startOffset;
      shard.records.splice(0, removed);
      shard.startOffset = newStart;
      for (const index of [shard.keyIndex, shard.tagIndex]) {
        for (const [name, offsets] of index) {
          const kept = offsets.slice(lowerBound(offsets, newStart));
          if (kept.length === 0) index.delete(name);
          else index.set(name, kept);
        }
      }
      // keep the last entry before newStart: it still carries the running maximum for the records after it
      const firstAtOrAfter = shard.timeIndex.findIndex(([, offset]) => offset >= newStart);
      const keepFrom = (firstAtOrAfter === -1 ? shard.timeIndex.length : firstAtOrAfter) - 1;
      if (keepFrom > 0) shard.timeIndex.splice(0, keepFrom);
      results.push({ shard: shard.name, removedRecords: removed, startOffset: newStart });
    }
    return results;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiters.fail(undefined, adapterClosed(this.type));
    this.shards.clear();
  }

  /**
   * Fault injection for the conformance suite: flips one payload byte of a stored record so the CRC check on the next
   * read must catch it. Not for production use.
   */
  damageRecordForTesting(shardName: string, offset: number): void {
    const shard = this.shard(shardName);
    const buf = shard.records[offset - shard.startOffset];
    if (!buf)
      throw new StorageError(
        'INVALID_ARGUMENT',
        `no stored record at offset ${offset} of shard '${shardName}'`,
      );
    buf[buf.length - 1]! ^= 0xff;
  }

  private readIndexed(
    shard: MemoryShard,
    offsets: number[] | undefined,
    opts: { fromOffset: number; maxRecords: number },
  ): StoredRecord[] {
    if (!offsets) return [];
    const from = Math.max(opts.fromOffset, shard.startOffset);
    const first = lowerBound(offsets, from);
    return offsets.slice(first, first + opts.maxRecords).map((offset) => this.decode(shard, offset));
  }

  private decode(shard: MemoryShard, offset: number): StoredRecord {
    const buf = shard.records[offset - shard.startOffset];
    if (!buf) {
      throw new StorageError(
        'CORRUPT_RECORD',
        `record ${offset} of shard '${shard.name}' is missing from memory`,
      );
    }
    // decode a copy: the returned payload must not alias what we store
    const record = decodeStoredRecord(Buffer.from(buf), `shard '${shard.name}' offset ${offset}`);
    if (record.offset !== offset) {
      throw new StorageError(
        'CORRUPT_RECORD',
        `record stored at offset ${offset} of shard '${shard.name}' says it is offset ${record.offset}`,
      );
    }
    return record;
  }

  private shard(name: string): MemoryShard {
    this.checkOpen();
    checkShardName(name);
    const shard = this.shards.get(name);
    if (!shard) throw shardNotFound(name);
    return shard;
  }

  private checkOpen(): void {
    if (this.closed) throw adapterClosed(this.type);
  }
}

function pushIndex(index: Map<string, number[]>, name: string, offset: number): void {
  const offsets = index.get(name);
  if (offsets) offsets.push(offset);
  else index.set(name, [offset]);
}
