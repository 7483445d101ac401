// The StorageAdapter's argument checks, written once for every adapter. Each public operation checks that the adapter
// is open, then the names (consumer group, shard), then the other arguments (validation.ts), and only then runs the
// adapter's own `…Checked` method with the checked and resolved values. So every adapter refuses one bad input with
// the same code and message, in the same order — whether the shard exists is the adapter's to say after that (before
// this base, memory and rocksdb looked the shard up before checking offsets, mysql and journal after). A bad argument
// rejects the returned promise, never throws; the check adds no promise to an operation (append and read are hot).
import type { RecordFields } from '@robustmq/protocol/journal';
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
import { adapterClosed } from './storage-error.js';
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
  type ResolvedIndexReadOptions,
  type ResolvedReadOptions,
} from './validation.js';

/** A checked readByKey (`kind` 'key', `term` the key) or readByTag ('tag', the tag). */
export interface IndexRead extends ResolvedIndexReadOptions {
  kind: 'key' | 'tag';
  shard: string;
  term: string;
}

/** `run()`'s promise, or a rejected one when it throws (a failed check). */
function checked<T>(run: () => Promise<T>): Promise<T> {
  try {
    return run();
  } catch (err) {
    return Promise.reject(err);
  }
}

export abstract class CheckedStorageAdapter implements StorageAdapter {
  abstract readonly type: string;
  /** set by close(): every operation after it fails with ADAPTER_CLOSED. */
  protected closed = false;
  /** operations running through track(), and who waits for there to be none */
  private tracked = 0;
  private trackedIdle: Array<() => void> = [];

  createShard(name: string, options?: ShardOptions): Promise<ShardInfo> {
    return checked(() => {
      this.checkOpen();
      checkShardName(name);
      return this.createShardChecked(name, resolveShardOptions(options));
    });
  }

  listShards(): Promise<ShardInfo[]> {
    return checked(() => {
      this.checkOpen();
      return this.listShardsChecked();
    });
  }

  describeShard(name: string): Promise<ShardDescription> {
    return checked(() => this.describeShardChecked(this.openShard(name)));
  }

  deleteShard(name: string): Promise<void> {
    return checked(() => this.deleteShardChecked(this.openShard(name)));
  }

  append(shard: string, records: AppendRecord[], options?: AppendOptions): Promise<number[]> {
    return checked(() => {
      this.openShard(shard);
      const fields = normalizeRecords(records, Date.now());
      return this.appendChecked(shard, fields, checkExpectedOffset(shard, options, undefined), options);
    });
  }

  read(shard: string, fromOffset: number, options?: ReadOptions): Promise<StoredRecord[]> {
    return checked(() => {
      this.openShard(shard);
      checkNonNegativeInteger('fromOffset', fromOffset);
      return this.readChecked(shard, fromOffset, resolveReadOptions(options));
    });
  }

  readByKey(shard: string, key: string, options?: IndexReadOptions): Promise<StoredRecord[]> {
    return checked(() => {
      this.openShard(shard);
      const { fromOffset, maxRecords } = resolveIndexReadOptions(options);
      return this.readIndexChecked({ kind: 'key', shard, term: checkKey(key), fromOffset, maxRecords });
    });
  }

  readByTag(shard: string, tag: string, options?: IndexReadOptions): Promise<StoredRecord[]> {
    return checked(() => {
      this.openShard(shard);
      const { fromOffset, maxRecords } = resolveIndexReadOptions(options);
      return this.readIndexChecked({ kind: 'tag', shard, term: checkTag(tag), fromOffset, maxRecords });
    });
  }

  offsetForTimestamp(shard: string, timestamp: number): Promise<number | undefined> {
    return checked(() => {
      this.openShard(shard);
      return this.offsetForTimestampChecked(shard, checkNonNegativeInteger('timestamp', timestamp));
    });
  }

  commitOffset(group: string, shard: string, offset: number): Promise<void> {
    return checked(() => {
      this.checkOpen();
      checkGroupName(group);
      checkShardName(shard);
      return this.commitOffsetChecked(group, shard, checkNonNegativeInteger('offset', offset));
    });
  }

  fetchOffset(group: string, shard: string): Promise<number | undefined> {
    return checked(() => {
      this.checkOpen();
      checkGroupName(group);
      return this.fetchOffsetChecked(group, checkShardName(shard));
    });
  }

  enforceRetention(now: number = Date.now()): Promise<RetentionResult[]> {
    return checked(() => {
      this.checkOpen();
      return this.enforceRetentionChecked(checkNonNegativeInteger('now', now));
    });
  }

  abstract close(): Promise<void>;

  protected abstract createShardChecked(name: string, options: ResolvedShardOptions): Promise<ShardInfo>;
  protected abstract listShardsChecked(): Promise<ShardInfo[]>;
  protected abstract describeShardChecked(name: string): Promise<ShardDescription>;
  protected abstract deleteShardChecked(name: string): Promise<void>;
  /** `expectedOffset`: AppendOptions.expectedOffset checked for its type, -1 for none; `options` for the rest. */
  protected abstract appendChecked(
    shard: string,
    records: RecordFields[],
    expectedOffset: number,
    options: AppendOptions | undefined,
  ): Promise<number[]>;
  protected abstract readChecked(
    shard: string,
    fromOffset: number,
    options: ResolvedReadOptions,
  ): Promise<StoredRecord[]>;
  /** readByKey (`kind` 'key') and readByTag ('tag'). */
  protected abstract readIndexChecked(read: IndexRead): Promise<StoredRecord[]>;
  protected abstract offsetForTimestampChecked(shard: string, timestamp: number): Promise<number | undefined>;
  protected abstract commitOffsetChecked(group: string, shard: string, offset: number): Promise<void>;
  protected abstract fetchOffsetChecked(group: string, shard: string): Promise<number | undefined>;
  protected abstract enforceRetentionChecked(now: number): Promise<RetentionResult[]>;

  /** Runs an operation (ADAPTER_CLOSED once close() was called), counted so close() can wait for it (`idle()`)
   * before closing what the operations use (rocksdb's engine, mysql's pool). */
  protected async track<T>(op: () => Promise<T>): Promise<T> {
    this.checkOpen();
    this.tracked++;
    try {
      return await op();
    } finally {
      if (--this.tracked === 0 && this.trackedIdle.length > 0) {
        const idle = this.trackedIdle;
        this.trackedIdle = [];
        for (const resolve of idle) resolve();
      }
    }
  }

  /** Resolves once no operation runs through track(). */
  protected idle(): Promise<void> {
    return this.tracked === 0 ? Promise.resolve() : new Promise((resolve) => this.trackedIdle.push(resolve));
  }

  /** ADAPTER_CLOSED once close() was called. */
  protected checkOpen(): void {
    if (this.closed) throw adapterClosed(this.type);
  }

  private openShard(name: string): string {
    this.checkOpen();
    return checkShardName(name);
  }
}
