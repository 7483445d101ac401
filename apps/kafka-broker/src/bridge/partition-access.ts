// The bridge's view of Kafka topics (bridge/kafka-access.ts) over this broker's own topic catalog and partitions:
// records are stored exactly as Produce stores them (topics/record-mapping.ts), so a bridged record is an ordinary
// Kafka record to every consumer, and positions are consumer offsets of the partition's shard.
import { ErrorCode } from '@robustmq/protocol/kafka';
import type { StorageAdapter } from '@robustmq/storage-adapter';
import { PartitionError, type PartitionStore } from '../topics/partition-store.js';
import { toAppendRecord, toKafkaRecord } from '../topics/record-mapping.js';
import { TopicError, partitionShard, type TopicCatalog } from '../topics/topic-catalog.js';
import type { BridgeRecord, KafkaTopicAccess, StoredBridgeRecord } from './kafka-access.js';

const READ_MAX_BYTES = 4 * 1024 * 1024;

export class PartitionTopicAccess implements KafkaTopicAccess {
  constructor(
    private readonly storage: StorageAdapter,
    private readonly catalog: TopicCatalog,
    private readonly partitions: PartitionStore,
    private readonly maxPartitions: number,
  ) {}

  async ensureTopic(topic: string, partitions: number): Promise<number> {
    let meta = await this.catalog.get(topic, true);
    if (!meta) {
      try {
        meta = await this.catalog.create(topic, partitions, {}, this.maxPartitions);
      } catch (err) {
        // another broker created it first
        if (!(err instanceof TopicError && err.kafkaCode === ErrorCode.TOPIC_ALREADY_EXISTS)) throw err;
        meta = await this.catalog.get(topic, true);
      }
    }
    if (!meta) throw new Error(`topic ${topic} could not be created`);
    return meta.partitions;
  }

  async append(topic: string, partition: number, records: BridgeRecord[]): Promise<void> {
    await this.partitions.append(
      topic,
      partition,
      records.map((r) => toAppendRecord(r, r.timestamp)),
    );
  }

  async read(
    topic: string,
    partition: number,
    fromOffset: number,
    options: { maxRecords: number; waitMs: number },
  ): Promise<StoredBridgeRecord[]> {
    try {
      const result = await this.partitions.read(
        topic,
        partition,
        fromOffset,
        READ_MAX_BYTES,
        options.waitMs,
        options.maxRecords,
      );
      return result.records.map(toKafkaRecord);
    } catch (err) {
      // retention removed records not copied yet: go on from the first one left
      if (!(err instanceof PartitionError && err.kafkaCode === ErrorCode.OFFSET_OUT_OF_RANGE)) throw err;
      const { start } = await this.partitions.offsets(topic, partition);
      if (start <= fromOffset) throw err;
      return this.read(topic, partition, start, options);
    }
  }

  async endOffset(topic: string, partition: number): Promise<number> {
    return (await this.partitions.offsets(topic, partition)).next;
  }

  commitPosition(group: string, topic: string, partition: number, offset: number): Promise<void> {
    return this.storage.commitOffset(group, partitionShard(topic, partition), offset);
  }

  fetchPosition(group: string, topic: string, partition: number): Promise<number | undefined> {
    return this.storage.fetchOffset(group, partitionShard(topic, partition));
  }
}
