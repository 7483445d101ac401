// The copy loops of one bridge (design: docs/architecture.md "MQTT in, Kafka out"). MQTT → Kafka long-polls the MQTT
// cluster's message shard from the bridge's committed position, keeps the messages the filter matches (and not the
// bridge's own copies from Kafka), appends them to the Kafka topic — the partition Kafka's default partitioner picks
// for the MQTT topic — and commits the position. Kafka → MQTT does the same from each partition of the Kafka topic
// into the message shard, in the MQTT broker's record format, so every MQTT broker routes the copies to its
// subscribers. A first start begins at the current end of each source (what is published from then on). Delivery is
// at least once: a crash between an append and its position commit copies that batch again.
import type { Logger } from '@robustmq/common';
import {
  MESSAGE_SHARD,
  messageToRecord,
  openMessageShard,
  recordToMessage,
  topicMatches,
} from '@robustmq/mqtt-broker';
import { isStorageError, type StorageAdapter } from '@robustmq/storage-adapter';
import { BRIDGE_PUBLISHER_PREFIX, bridgeGroup, type BridgeConfig } from './bridge-config.js';
import type { BridgeRecord, KafkaTopicAccess } from './kafka-access.js';
import { partitionForKey } from './murmur2.js';
import { isBridgeCopy, kafkaRecordToMqtt, mqttToKafkaRecord } from './record-mapping.js';

/** records per read, and so at most per append. */
const BATCH = 1_000;
const READ_MAX_BYTES = 4 * 1024 * 1024;
/** one long poll; also how long stop() may wait for a loop to notice. */
const POLL_MS = 500;
const RETRY_MS = 500;
/** how often the Kafka topic's partition count is checked (CreatePartitions may add some). */
const PARTITION_CHECK_MS = 2_000;

export interface BridgeStats {
  mqttToKafka: number;
  kafkaToMqtt: number;
  errors: number;
}

export class BridgeRunner {
  private stopped = false;
  private loops: Promise<void>[] = [];
  /** the Kafka topic's partitions as last seen: the MQTT → Kafka partitioner spreads over them, and each has a
   * Kafka → MQTT loop. */
  private partitions = 0;
  /** the pending pause()s, ended early by stop(). */
  private readonly wakers = new Set<() => void>();

  constructor(
    readonly bridge: BridgeConfig,
    /** the MQTT cluster's journal namespace (`mqtt-cluster`), which holds the message shard. */
    private readonly mqtt: StorageAdapter,
    private readonly kafka: KafkaTopicAccess,
    private readonly logger: Logger,
    /** counts what this runner copies; the manager passes the same object to every runner of one bridge. */
    readonly stats: BridgeStats = { mqttToKafka: 0, kafkaToMqtt: 0, errors: 0 },
  ) {}

  start(): void {
    this.loops.push(
      this.retrying('start', async () => {
        await openMessageShard(this.mqtt, 0);
        this.grow(await this.kafka.ensureTopic(this.bridge.kafkaTopic, this.bridge.partitions));
        if (this.bridge.direction !== 'kafka-to-mqtt')
          this.loops.push(this.retrying('mqtt-to-kafka', () => this.mqttToKafka()));
        // partitions added later (CreatePartitions) get their own loop, and MQTT topics spread over them too
        this.loops.push(
          this.retrying('partition check', async () => {
            while (!this.stopped) {
              await this.pause(PARTITION_CHECK_MS);
              if (!this.stopped)
                this.grow(await this.kafka.ensureTopic(this.bridge.kafkaTopic, this.bridge.partitions));
            }
          }),
        );
      }),
    );
  }

  /** takes note of the topic's partition count, starting a Kafka → MQTT loop for each new partition. */
  private grow(count: number): void {
    // a partition that appears while the bridge runs is copied from its start: all of it is newer than the bridge
    const added = this.partitions > 0;
    if (this.bridge.direction !== 'mqtt-to-kafka') {
      for (let p = this.partitions; p < count; p++)
        this.loops.push(this.retrying(`kafka-to-mqtt partition ${p}`, () => this.kafkaToMqtt(p, added)));
    }
    this.partitions = Math.max(this.partitions, count);
  }

  /** waits ms, or less when the runner stops meanwhile. */
  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wakers.add(done);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.wakers]) wake();
    // loops may be added while waiting (a partition appeared): wait until every one has ended
    let waited = 0;
    while (waited < this.loops.length) {
      const batch = this.loops.slice(waited);
      waited = this.loops.length;
      await Promise.all(batch);
    }
  }

  /** runs `body` until it returns or the runner stops, waiting RETRY_MS after each failure. */
  private async retrying(what: string, body: () => Promise<void>): Promise<void> {
    while (!this.stopped) {
      try {
        await body();
        return;
      } catch (err) {
        if (this.stopped) return;
        this.stats.errors++;
        this.logger.warn({ err, bridge: this.bridge.name }, `kafka bridge ${what} failed; retrying`);
        await this.pause(RETRY_MS);
      }
    }
  }

  private async mqttToKafka(): Promise<void> {
    const group = bridgeGroup(this.bridge.name);
    let position = await this.mqtt.fetchOffset(group, MESSAGE_SHARD);
    if (position === undefined) {
      position = (await this.mqtt.describeShard(MESSAGE_SHARD)).nextOffset;
      await this.mqtt.commitOffset(group, MESSAGE_SHARD, position);
    }
    while (!this.stopped) {
      let records;
      try {
        records = await this.mqtt.read(MESSAGE_SHARD, position, {
          maxRecords: BATCH,
          maxBytes: READ_MAX_BYTES,
          waitMs: POLL_MS,
        });
      } catch (err) {
        // retention removed what we had not copied yet: continue from what is left
        if (!isStorageError(err, 'OFFSET_OUT_OF_RANGE')) throw err;
        position = (await this.mqtt.describeShard(MESSAGE_SHARD)).startOffset;
        continue;
      }
      if (records.length === 0) continue;
      const byPartition = new Map<number, BridgeRecord[]>();
      for (const record of records) {
        const message = recordToMessage(record);
        if (
          !message ||
          message.publisher?.startsWith(BRIDGE_PUBLISHER_PREFIX) ||
          !topicMatches(this.bridge.mqttFilter, message.topic)
        )
          continue;
        const kafkaRecord = mqttToKafkaRecord(message, this.bridge.name);
        const partition = partitionForKey(kafkaRecord.key!, this.partitions);
        let list = byPartition.get(partition);
        if (!list) byPartition.set(partition, (list = []));
        list.push(kafkaRecord);
      }
      await Promise.all(
        [...byPartition].map(([partition, list]) =>
          this.kafka.append(this.bridge.kafkaTopic, partition, list),
        ),
      );
      for (const list of byPartition.values()) this.stats.mqttToKafka += list.length;
      position = records[records.length - 1]!.offset + 1;
      await this.mqtt.commitOffset(group, MESSAGE_SHARD, position);
    }
  }

  private async kafkaToMqtt(partition: number, fromStart: boolean): Promise<void> {
    const group = bridgeGroup(this.bridge.name);
    const topic = this.bridge.kafkaTopic;
    let position = await this.kafka.fetchPosition(group, topic, partition);
    if (position === undefined) {
      position = fromStart ? 0 : await this.kafka.endOffset(topic, partition);
      await this.kafka.commitPosition(group, topic, partition, position);
    }
    while (!this.stopped) {
      const records = await this.kafka.read(topic, partition, position, {
        maxRecords: BATCH,
        waitMs: POLL_MS,
      });
      if (records.length === 0) continue;
      const copies = records
        .filter((r) => !isBridgeCopy(r))
        .map((r) => messageToRecord(kafkaRecordToMqtt(r, this.bridge)));
      if (copies.length > 0) await this.mqtt.append(MESSAGE_SHARD, copies);
      this.stats.kafkaToMqtt += copies.length;
      position = records[records.length - 1]!.offset + 1;
      await this.kafka.commitPosition(group, topic, partition, position);
    }
  }
}

/**
 * Runs each configured bridge on the one kafka-broker that owns it (the coordinator of `bridge/<name>`), rechecking
 * ownership every `checkMs`: a broker that stops owning a bridge stops its loops, the new owner resumes from the
 * committed positions.
 */
export class BridgeManager {
  private readonly running = new Map<string, BridgeRunner>();
  /** per bridge, over every runner it had on this broker. */
  private readonly totals = new Map<string, BridgeStats>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly options: {
      bridges: BridgeConfig[];
      owns: (key: string) => boolean;
      mqtt: StorageAdapter;
      kafka: KafkaTopicAccess;
      logger: Logger;
      checkMs?: number;
    },
  ) {}

  start(): void {
    if (this.options.bridges.length === 0) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), this.options.checkMs ?? 1_000);
    this.timer.unref();
  }

  /** what each bridge this broker has run copied (metrics). */
  stats(): ReadonlyMap<string, BridgeStats> {
    return this.totals;
  }

  /** the runner of a bridge this broker runs now (tests, admin). */
  runner(name: string): BridgeRunner | undefined {
    return this.running.get(name);
  }

  private check(): Promise<void> {
    this.checking ??= (async () => {
      for (const bridge of this.options.bridges) {
        const mine = this.options.owns(`bridge/${bridge.name}`);
        const runner = this.running.get(bridge.name);
        if (mine && !runner) {
          let totals = this.totals.get(bridge.name);
          if (!totals) this.totals.set(bridge.name, (totals = { mqttToKafka: 0, kafkaToMqtt: 0, errors: 0 }));
          const r = new BridgeRunner(
            bridge,
            this.options.mqtt,
            this.options.kafka,
            this.options.logger,
            totals,
          );
          this.running.set(bridge.name, r);
          r.start();
          this.options.logger.info(
            { bridge: bridge.name, kafkaTopic: bridge.kafkaTopic, mqttFilter: bridge.mqttFilter },
            'kafka bridge started here',
          );
        } else if (!mine && runner) {
          this.running.delete(bridge.name);
          await runner.stop();
          this.options.logger.info({ bridge: bridge.name }, 'kafka bridge moved to another broker');
        }
      }
    })().finally(() => (this.checking = undefined));
    return this.checking;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.checking;
    await Promise.all([...this.running.values()].map((r) => r.stop()));
    this.running.clear();
  }
}
