// The bridge's view of Kafka topics (bridge/kafka-access.ts) over this broker's own topic catalog and partitions:
// records are written as a record batch v2 — one batch per append, stored like a producer's (topics/partition-store.ts)
// — so a bridged record is an ordinary Kafka record to every consumer; reads decode the stored batches. Positions are
// committed offsets of the consumer group `kafka-bridge/<name>` in the group offset store, where Kafka tools see them.
import { ErrorCode, KafkaReader, checkBatches, decodeBatch, encodeBatch } from '@robustmq/protocol/kafka';
import type { OffsetStore } from '../group/offset-store.js';
import { PartitionError, type PartitionStore } from '../topics/partition-store.js';
import { TopicError, type TopicCatalog } from '../topics/topic-catalog.js';
import type { BridgeRecord, KafkaTopicAccess, StoredBridgeRecord } from './kafka-access.js';

const READ_MAX_BYTES = 4 * 1024 * 1024;

export class PartitionTopicAccess implements KafkaTopicAccess {
  constructor(
    private readonly catalog: TopicCatalog,
    private readonly partitions: PartitionStore,
    private readonly offsets: OffsetStore,
    private readonly options: { maxPartitions: number; maxUncompressedBytes: number },
  ) {}

  async ensureTopic(topic: string, partitions: number): Promise<number> {
    let meta = await this.catalog.get(topic, true);
    if (!meta) {
      try {
        meta = await this.catalog.create(topic, partitions, {}, this.options.maxPartitions);
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
    if (records.length === 0) return;
    const data = encodeBatch({ baseOffset: 0, records });
    await this.partitions.append(
      topic,
      partition,
      data,
      checkBatches(data, { maxUncompressedBytes: this.options.maxUncompressedBytes }),
    );
  }

  async read(
    topic: string,
    partition: number,
    fromOffset: number,
    options: { maxRecords: number; waitMs: number },
  ): Promise<StoredBridgeRecord[]> {
    let result;
    try {
      result = await this.partitions.read(topic, partition, fromOffset, READ_MAX_BYTES, options.waitMs);
    } catch (err) {
      // retention removed records not copied yet: go on from the first one left
      if (!(err instanceof PartitionError && err.kafkaCode === ErrorCode.OFFSET_OUT_OF_RANGE)) throw err;
      const { start } = await this.partitions.offsets(topic, partition);
      if (start <= fromOffset) throw err;
      return this.read(topic, partition, start, options);
    }
    const out: StoredBridgeRecord[] = [];
    for (const bytes of result.batches) {
      const batch = decodeBatch(new KafkaReader(bytes), {
        maxUncompressedBytes: this.options.maxUncompressedBytes,
      });
      for (const r of batch.records) {
        // the first batch may start before the asked-for offset
        if (r.offset < fromOffset) continue;
        if (out.length >= options.maxRecords) return out;
        out.push({
          offset: r.offset,
          key: r.key,
          value: r.value,
          headers: r.headers,
          timestamp: batch.timestampType === 1 ? batch.maxTimestamp : r.timestamp,
        });
      }
    }
    return out;
  }

  async endOffset(topic: string, partition: number): Promise<number> {
    return (await this.partitions.offsets(topic, partition)).next;
  }

  commitPosition(group: string, topic: string, partition: number, offset: number): Promise<void> {
    return this.offsets.commit(group, [
      { topic, partition, offset, leaderEpoch: -1, metadata: null, commitTimestamp: Date.now() },
    ]);
  }

  async fetchPosition(group: string, topic: string, partition: number): Promise<number | undefined> {
    const [stored] = await this.offsets.fetch(group, [{ topic, partition }]);
    return stored?.offset;
  }
}
