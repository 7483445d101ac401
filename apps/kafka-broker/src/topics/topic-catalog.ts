// Kafka topics: their metadata (partition count, id, configs) kept in the placement center's KV store so every
// kafka-broker sees the same topics, and their partitions, each one a shard of the StorageAdapter (the journal):
//   kafka/<cluster>/topic/<name>  →  {"name", "topicId", "partitions", "configs", "createdAtMs"}
//   partition p of topic t        →  storage shard "<t>/<p>" (one storage record per record batch: partition-store.ts)
//   kafka/<cluster>/log-end/<topic id>/<p>  →  {"position", "offset"}: where offsets continue once retention has
//                                              removed every batch (written before each retention run)
// Creation writes the metadata with compare-and-set (so two brokers creating one name race cleanly) and then creates
// the shards; a shard missing behind existing metadata (a creation cut short, partitions added elsewhere) is created
// on first use, so the metadata is what decides whether a partition exists.
import { randomUUID } from 'node:crypto';
import type { Logger } from '@robustmq/common';
import type { KvClient } from '@robustmq/placement-client';
import { StorageError, type ShardOptions, type StorageAdapter } from '@robustmq/storage-adapter';

export interface TopicMeta {
  name: string;
  /** Kafka's topic id (KIP-516), a UUID. */
  topicId: string;
  partitions: number;
  configs: Record<string, string>;
  createdAtMs: number;
}

/** Where a partition's offsets continue when retention has removed all its batches: the storage position of its
 * next batch and the Kafka offset that batch gets. */
export interface LogEndMark {
  position: number;
  offset: number;
}

/** A topic-level failure that maps onto one Kafka error code. */
export class TopicError extends Error {
  constructor(
    readonly kafkaCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'TopicError';
  }
}

// Kafka's error codes used here (the codec's ErrorCode, repeated as literals to keep this file free of wire concerns)
const TOPIC_ALREADY_EXISTS = 36;
const INVALID_TOPIC_EXCEPTION = 17;
const INVALID_PARTITIONS = 37;
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const INVALID_CONFIG = 40;

/** Kafka's legal topic names (Topic.validate): 1-249 of [a-zA-Z0-9._-], not "." or "..". */
export function checkTopicName(name: string): void {
  if (
    name.length === 0 ||
    name.length > 249 ||
    !/^[a-zA-Z0-9._-]+$/.test(name) ||
    name === '.' ||
    name === '..'
  ) {
    throw new TopicError(
      INVALID_TOPIC_EXCEPTION,
      `invalid topic name ${JSON.stringify(name)}: 1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'`,
    );
  }
}

/** topic configs this broker understands; others are refused (INVALID_CONFIG) rather than silently ignored. */
const KNOWN_CONFIGS = new Set([
  'retention.ms',
  'cleanup.policy',
  'compression.type',
  'max.message.bytes',
  'min.insync.replicas',
  'segment.bytes',
  'retention.bytes',
  'message.timestamp.type',
]);

export function partitionShard(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

export interface TopicCatalogOptions {
  clusterName: string;
  /** records per segment of new partition shards. */
  segmentRecords: number;
  /** how long a cached topic is trusted before placement is asked again. */
  cacheMs: number;
}

export class TopicCatalog {
  private readonly cache = new Map<string, { meta: TopicMeta | undefined; at: number }>();
  private readonly prefix: string;

  constructor(
    private readonly kv: KvClient,
    private readonly storage: StorageAdapter,
    private readonly options: TopicCatalogOptions,
    private readonly logger: Logger,
  ) {
    this.prefix = `kafka/${options.clusterName}/topic/`;
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  private shardOptions(meta: TopicMeta): ShardOptions {
    const retention = Number(meta.configs['retention.ms']);
    return {
      maxRecordsPerSegment: this.options.segmentRecords,
      ...(retention > 0 ? { retentionMs: retention } : {}),
    };
  }

  /** The topic, or undefined. Served from a short cache; `fresh` asks placement. */
  async get(name: string, fresh = false): Promise<TopicMeta | undefined> {
    const hit = this.cache.get(name);
    if (!fresh && hit && Date.now() - hit.at < this.options.cacheMs) return hit.meta;
    const value = await this.kv.get(this.key(name));
    const meta = value ? (JSON.parse(value.toString('utf8')) as TopicMeta) : undefined;
    this.cache.set(name, { meta, at: Date.now() });
    return meta;
  }

  /** Every topic, sorted by name (from placement, refreshing the cache). */
  async list(): Promise<TopicMeta[]> {
    const out: TopicMeta[] = [];
    let startAfter = '';
    for (;;) {
      const page = await this.kv.listPrefix(this.prefix, startAfter);
      for (const item of page.items) {
        const meta = JSON.parse(item.value.toString('utf8')) as TopicMeta;
        out.push(meta);
        this.cache.set(meta.name, { meta, at: Date.now() });
      }
      if (!page.more || page.items.length === 0) break;
      startAfter = page.items[page.items.length - 1]!.key;
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Creates a topic and its partition shards; TopicError on a bad name, count, config, or a taken name. */
  async create(
    name: string,
    partitions: number,
    configs: Record<string, string>,
    maxPartitions: number,
    validateOnly = false,
  ): Promise<TopicMeta> {
    checkTopicName(name);
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > maxPartitions) {
      throw new TopicError(
        INVALID_PARTITIONS,
        `number of partitions must be 1-${maxPartitions}, got ${partitions}`,
      );
    }
    for (const [key, value] of Object.entries(configs)) {
      if (!KNOWN_CONFIGS.has(key)) throw new TopicError(INVALID_CONFIG, `unknown topic config ${key}`);
      if (key === 'retention.ms' && !/^-?\d+$/.test(value))
        throw new TopicError(INVALID_CONFIG, `retention.ms must be a number of milliseconds, got ${value}`);
    }
    const meta: TopicMeta = { name, topicId: randomUUID(), partitions, configs, createdAtMs: Date.now() };
    if (validateOnly) {
      if (await this.get(name, true))
        throw new TopicError(TOPIC_ALREADY_EXISTS, `topic ${name} already exists`);
      return meta;
    }
    const { succeeded } = await this.kv.compareAndSet(this.key(name), 0, JSON.stringify(meta));
    if (!succeeded) throw new TopicError(TOPIC_ALREADY_EXISTS, `topic ${name} already exists`);
    this.cache.set(name, { meta, at: Date.now() });
    for (let p = 0; p < partitions; p++) await this.ensureShard(meta, p);
    this.logger.info({ topic: name, partitions }, 'topic created');
    return meta;
  }

  /** Removes the topic's metadata, then its partitions' records. */
  async delete(name: string): Promise<void> {
    const meta = await this.get(name, true);
    if (!meta) throw new TopicError(UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`);
    await this.kv.delete(this.key(name));
    this.cache.delete(name);
    for (let p = 0; p < meta.partitions; p++) {
      await this.storage.deleteShard(partitionShard(name, p)).catch((err: unknown) => {
        if (!(err instanceof StorageError && err.code === 'SHARD_NOT_FOUND')) throw err;
      });
      await this.kv.delete(this.logEndKey(meta, p));
    }
    this.logger.info({ topic: name }, 'topic deleted');
  }

  /** Raises the topic's partition count to `count` (Kafka never lowers it). */
  async addPartitions(
    name: string,
    count: number,
    maxPartitions: number,
    validateOnly = false,
  ): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = await this.kv.getEntry(this.key(name));
      if (!entry) throw new TopicError(UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`);
      const meta = JSON.parse(entry.value.toString('utf8')) as TopicMeta;
      if (count <= meta.partitions) {
        throw new TopicError(
          INVALID_PARTITIONS,
          `topic ${name} has ${meta.partitions} partitions; the new count must be larger, got ${count}`,
        );
      }
      if (count > maxPartitions)
        throw new TopicError(
          INVALID_PARTITIONS,
          `number of partitions must be at most ${maxPartitions}, got ${count}`,
        );
      if (validateOnly) return;
      const next = { ...meta, partitions: count };
      const { succeeded } = await this.kv.compareAndSet(
        this.key(name),
        entry.modRevision,
        JSON.stringify(next),
      );
      if (!succeeded) continue;
      this.cache.set(name, { meta: next, at: Date.now() });
      for (let p = meta.partitions; p < count; p++) await this.ensureShard(next, p);
      return;
    }
    throw new TopicError(INVALID_PARTITIONS, `topic ${name} changed concurrently; try again`);
  }

  /** Creates the partition's shard unless it exists. */
  async ensureShard(meta: TopicMeta, partition: number): Promise<void> {
    try {
      await this.storage.createShard(partitionShard(meta.name, partition), this.shardOptions(meta));
    } catch (err) {
      if (!(err instanceof StorageError && err.code === 'SHARD_EXISTS')) throw err;
    }
  }

  private logEndKey(meta: TopicMeta, partition: number): string {
    return `kafka/${this.options.clusterName}/log-end/${meta.topicId}/${partition}`;
  }

  /** The log end marked for a partition before retention (partition-store.ts markLogEnds), if any. */
  async logEnd(meta: TopicMeta, partition: number): Promise<LogEndMark | undefined> {
    const value = await this.kv.get(this.logEndKey(meta, partition));
    return value ? (JSON.parse(value.toString('utf8')) as LogEndMark) : undefined;
  }

  async setLogEnd(meta: TopicMeta, partition: number, mark: LogEndMark): Promise<void> {
    await this.kv.set(this.logEndKey(meta, partition), JSON.stringify(mark));
  }

  /** Forgets a cached topic (after storage said its shard is gone). */
  invalidate(name: string): void {
    this.cache.delete(name);
  }
}
