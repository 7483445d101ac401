// StorageAdapter kept in process memory: for tests and ephemeral brokers. Records are stored encoded (same format
// and CRC as on disk) so corruption checks and byte accounting behave like the persistent adapters; nothing survives
// close().
import { assignOffset, encodeRecord, type RecordFields } from '@robustmq/protocol/journal';
import { CheckedStorageAdapter, type IndexRead } from './checked-adapter.js';
import { decodeStoredRecord } from './stored-record.js';
import { OffsetWaiters } from './offset-waiters.js';
import { byName, retentionStart, shardDescription, shardInfo } from './segments.js';
import type {
  ResolvedShardOptions,
  RetentionResult,
  ShardDescription,
  ShardInfo,
  StoredRecord,
} from './storage-adapter.js';
import { checkCommitOffset, checkOffsetInRange } from './offset-range.js';
import { adapterClosed, shardExists, shardNotFound, StorageError } from './storage-error.js';
import { offsetMismatch, type ResolvedReadOptions } from './validation.js';

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
  return shardInfo(shard.name, shard.options, shard.startOffset, nextOffsetOf(shard));
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

export class MemoryStorageAdapter extends CheckedStorageAdapter {
  readonly type = 'memory';
  private readonly shards = new Map<string, MemoryShard>();
  private readonly waiters = new OffsetWaiters();

  protected async createShardChecked(name: string, resolved: ResolvedShardOptions): Promise<ShardInfo> {
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

  protected async listShardsChecked(): Promise<ShardInfo[]> {
    return [...this.shards.values()].map(infoOf).sort(byName);
  }

  protected async describeShardChecked(name: string): Promise<ShardDescription> {
    return shardDescription(infoOf(this.shard(name)));
  }

  protected async deleteShardChecked(name: string): Promise<void> {
    this.shard(name);
    this.shards.delete(name);
    this.waiters.fail(name, shardNotFound(name));
  }

  protected async appendChecked(
    shardName: string,
    fields: RecordFields[],
    expectedOffset: number,
  ): Promise<number[]> {
    const shard = this.shard(shardName);
    if (expectedOffset >= 0 && expectedOffset !== nextOffsetOf(shard))
      throw offsetMismatch(shardName, expectedOffset, nextOffsetOf(shard));
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

  protected async readChecked(
    shardName: string,
    fromOffset: number,
    opts: ResolvedReadOptions,
  ): Promise<StoredRecord[]> {
    let shard = this.shard(shardName);
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

  protected async readIndexChecked(read: IndexRead): Promise<StoredRecord[]> {
    const shard = this.shard(read.shard);
    return this.readIndexed(
      shard,
      (read.kind === 'key' ? shard.keyIndex : shard.tagIndex).get(read.term),
      read,
    );
  }

  protected async offsetForTimestampChecked(
    shardName: string,
    timestamp: number,
  ): Promise<number | undefined> {
    const shard = this.shard(shardName);
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

  protected async commitOffsetChecked(group: string, shardName: string, offset: number): Promise<void> {
    const shard = this.shard(shardName);
    checkCommitOffset(shardName, offset, nextOffsetOf(shard));
    shard.groups.set(group, offset);
  }

  protected async fetchOffsetChecked(group: string, shardName: string): Promise<number | undefined> {
    return this.shard(shardName).groups.get(group);
  }

  protected async enforceRetentionChecked(now: number): Promise<RetentionResult[]> {
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
    const shard = this.shards.get(name);
    if (!shard) throw shardNotFound(name);
    return shard;
  }
}

function pushIndex(index: Map<string, number[]>, name: string, offset: number): void {
  const offsets = index.get(name);
  if (offsets) offsets.push(offset);
  else index.set(name, [offset]);
}
