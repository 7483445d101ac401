// A partition's records through the StorageAdapter: appends, reads (with the journal's long poll), the offsets at
// its ends and by timestamp. Storage failures become Kafka error codes here, once: a missing shard behind existing
// topic metadata is created and the call retried; what a client can retry (storage unavailable, closing) maps to a
// retriable code so producers and consumers try again instead of giving up.
import { ErrorCode } from '@robustmq/protocol/kafka';
import {
  StorageError,
  type AppendRecord,
  type StorageAdapter,
  type StoredRecord,
} from '@robustmq/storage-adapter';
import { TopicError, partitionShard, type TopicCatalog, type TopicMeta } from './topic-catalog.js';

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
      case 'CLOSED':
        return ErrorCode.NOT_LEADER_OR_FOLLOWER;
      default:
        return ErrorCode.KAFKA_STORAGE_ERROR;
    }
  }
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}

export interface ReadResult {
  records: StoredRecord[];
  highWatermark: number;
  logStartOffset: number;
}

export class PartitionStore {
  constructor(
    private readonly storage: StorageAdapter,
    private readonly catalog: TopicCatalog,
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

  /** Runs op on the partition's shard; creates the shard once if it is missing behind existing metadata. */
  private async withShard<T>(
    topic: string,
    partition: number,
    op: (shard: string) => Promise<T>,
  ): Promise<T> {
    const meta = await this.partitionOf(topic, partition);
    const shard = partitionShard(topic, partition);
    try {
      return await op(shard);
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
      return op(shard);
    }
  }

  /** Appends and resolves with the first record's offset once storage has them durable. */
  async append(topic: string, partition: number, records: AppendRecord[]): Promise<number> {
    const offsets = await this.withShard(topic, partition, (shard) => this.storage.append(shard, records));
    return offsets[0]!;
  }

  async offsets(topic: string, partition: number): Promise<{ start: number; next: number }> {
    const info = await this.withShard(topic, partition, (shard) => this.storage.describeShard(shard));
    return { start: info.startOffset, next: info.nextOffset };
  }

  async offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number | undefined> {
    return this.withShard(topic, partition, (shard) =>
      this.storage.offsetForTimestamp(shard, Math.max(0, timestamp)),
    );
  }

  /**
   * Records from `fromOffset`, up to about maxBytes (at least one record), waiting up to waitMs for the first when
   * there is none yet. The high watermark is asked of storage after the read (a read may stop short of the end for
   * its own limits, and a consumer told a watermark below the end would think it has caught up).
   */
  async read(
    topic: string,
    partition: number,
    fromOffset: number,
    maxBytes: number,
    waitMs: number,
    maxRecords = 10_000,
  ): Promise<ReadResult> {
    return this.withShard(topic, partition, async (shard) => {
      let records: StoredRecord[];
      try {
        records = await this.storage.read(shard, fromOffset, {
          maxBytes: Math.max(1, maxBytes),
          maxRecords,
          waitMs,
        });
      } catch (err) {
        if (err instanceof StorageError && err.code === 'OFFSET_OUT_OF_RANGE') {
          throw new PartitionError(ErrorCode.OFFSET_OUT_OF_RANGE, err.message);
        }
        throw err;
      }
      const info = await this.storage.describeShard(shard);
      return { records, highWatermark: info.nextOffset, logStartOffset: info.startOffset };
    });
  }
}
