// The bridge's copy loops between the MQTT cluster's message shard and a Kafka topic, over in-memory storage on both
// sides: what is copied (matching topics, key/headers/properties both ways), what is not (other topics, the other
// direction's copies), and that a restarted runner resumes from its committed positions without copying again.
import { describe, expect, it } from 'vitest';
import {
  MESSAGE_SHARD,
  OutgoingPublish,
  messageToRecord,
  openMessageShard,
  recordToMessage,
} from '@robustmq/mqtt-broker';
import { MemoryStorageAdapter, type StorageAdapter } from '@robustmq/storage-adapter';
import { quietLogger, waitFor } from '@robustmq/testing';
import { BridgeRunner } from '../../src/bridge/bridge-runner.js';
import type { BridgeConfig } from '../../src/bridge/bridge-config.js';
import type { BridgeRecord, KafkaTopicAccess, StoredBridgeRecord } from '../../src/bridge/kafka-access.js';
import { partitionForKey } from '../../src/bridge/murmur2.js';

/** Kafka partitions as shards of a StorageAdapter, each record's fields as JSON (enough for the loops under test). */
function kafkaOn(storage: StorageAdapter): KafkaTopicAccess & {
  records(topic: string, partition: number): Promise<StoredBridgeRecord[]>;
  addPartitions(topic: string, count: number): Promise<void>;
} {
  const shard = (topic: string, p: number) => `${topic}-${p}`;
  const toStored = (r: { offset: number; payload: Buffer }): StoredBridgeRecord => {
    const j = JSON.parse(r.payload.toString()) as {
      k: string | null;
      v: string | null;
      t: number;
      h: [string, string | null][];
    };
    const buf = (s: string | null) => (s === null ? null : Buffer.from(s, 'base64'));
    return {
      offset: r.offset,
      key: buf(j.k),
      value: buf(j.v),
      timestamp: j.t,
      headers: j.h.map(([key, value]) => ({ key, value: buf(value) })),
    };
  };
  const partitions = new Map<string, number>();
  const access = {
    async ensureTopic(topic: string, n: number) {
      if (!partitions.has(topic)) {
        for (let p = 0; p < n; p++) await storage.createShard(shard(topic, p));
        partitions.set(topic, n);
      }
      return partitions.get(topic)!;
    },
    async append(topic: string, p: number, records: BridgeRecord[]) {
      const b64 = (b: Buffer | null) => (b === null ? null : b.toString('base64'));
      await storage.append(
        shard(topic, p),
        records.map((r) => ({
          timestamp: r.timestamp,
          payload: Buffer.from(
            JSON.stringify({
              k: b64(r.key),
              v: b64(r.value),
              t: r.timestamp,
              h: r.headers.map((h) => [h.key, b64(h.value)]),
            }),
          ),
        })),
      );
    },
    async read(topic: string, p: number, from: number, o: { maxRecords: number; waitMs: number }) {
      return (await storage.read(shard(topic, p), from, o)).map(toStored);
    },
    async endOffset(topic: string, p: number) {
      return (await storage.describeShard(shard(topic, p))).nextOffset;
    },
    commitPosition: (g: string, topic: string, p: number, o: number) =>
      storage.commitOffset(g, shard(topic, p), o),
    fetchPosition: (g: string, topic: string, p: number) => storage.fetchOffset(g, shard(topic, p)),
    records: async (topic: string, p: number) =>
      (await storage.read(shard(topic, p), 0, { maxRecords: 1000 })).map(toStored),
    async addPartitions(topic: string, count: number) {
      const n = partitions.get(topic)!;
      for (let p = n; p < count; p++) await storage.createShard(shard(topic, p));
      partitions.set(topic, count);
    },
  };
  return access;
}

const bridge: BridgeConfig = {
  name: 'sensors',
  mqttFilter: 'sensors/#',
  kafkaTopic: 'sensors',
  direction: 'both',
  mqttTopic: 'sensors/from-kafka',
  qos: 1,
  partitions: 3,
};

describe('BridgeRunner', () => {
  it('copies matching MQTT messages to Kafka and Kafka records to MQTT, never a copy back', async () => {
    const mqtt = new MemoryStorageAdapter();
    const kafka = kafkaOn(new MemoryStorageAdapter());
    await openMessageShard(mqtt, 0);
    // published before the bridge first started: not copied
    await mqtt.append(MESSAGE_SHARD, [
      messageToRecord(new OutgoingPublish('sensors/old', Buffer.from('x'), 0, false, undefined, 'c0')),
    ]);
    const runner = new BridgeRunner(bridge, mqtt, kafka, quietLogger);
    runner.start();
    await waitFor(
      'initial positions',
      async () =>
        (await mqtt.fetchOffset('kafka-bridge/sensors', MESSAGE_SHARD)) === 1 &&
        (await kafka.fetchPosition('kafka-bridge/sensors', 'sensors', 2)) === 0,
    );

    const props = {
      contentType: 'text/plain',
      userProperties: { site: ['a', 'b'], unit: 'C' },
      correlationData: Buffer.from([1, 2]),
    };
    await mqtt.append(MESSAGE_SHARD, [
      messageToRecord(new OutgoingPublish('sensors/t1', Buffer.from('21.5'), 1, false, props, 'pub')),
      messageToRecord(new OutgoingPublish('other/t1', Buffer.from('no'), 1, false, undefined, 'pub')),
      messageToRecord(new OutgoingPublish('sensors/t1', Buffer.from('21.6'), 0, true, undefined, 'pub')),
    ]);
    const p = partitionForKey(Buffer.from('sensors/t1'), 3);
    await waitFor('2 records in Kafka', async () => (await kafka.records('sensors', p)).length === 2);
    const [first, second] = await kafka.records('sensors', p);
    expect(first!.key!.toString()).toBe('sensors/t1');
    expect(first!.value!.toString()).toBe('21.5');
    const h = first!.headers.map((x) => [x.key, x.value?.toString('hex')]);
    expect(h).toContainEqual(['mqtt.content_type', Buffer.from('text/plain').toString('hex')]);
    expect(h).toContainEqual(['mqtt.correlation_data', '0102']);
    expect(h.filter(([k]) => k === 'site')).toEqual([
      ['site', Buffer.from('a').toString('hex')],
      ['site', Buffer.from('b').toString('hex')],
    ]);
    expect(second!.headers.find((x) => x.key === 'mqtt.retain')?.value?.toString()).toBe('1');
    for (const q of [0, 1, 2]) if (q !== p) expect(await kafka.records('sensors', q)).toEqual([]);

    // Kafka → MQTT: a record keyed by a matching topic goes there, an unkeyed one to mqtt_topic; copies from MQTT stay
    await kafka.append('sensors', 0, [
      {
        key: Buffer.from('sensors/k1'),
        value: Buffer.from('from kafka'),
        timestamp: Date.now(),
        headers: [
          { key: 'trace', value: Buffer.from('t-1') },
          { key: 'mqtt.content_type', value: Buffer.from('application/json') },
        ],
      },
      { key: null, value: Buffer.from('unkeyed'), timestamp: Date.now(), headers: [] },
      {
        key: Buffer.from('elsewhere/x'),
        value: Buffer.from('wrong key'),
        timestamp: Date.now(),
        headers: [],
      },
    ]);
    const copies = async () =>
      (await mqtt.read(MESSAGE_SHARD, 0, { maxRecords: 100 }))
        .map(recordToMessage)
        .filter((m) => m?.publisher === '$kafka-bridge/sensors');
    await waitFor('3 copies in MQTT', async () => (await copies()).length === 3);
    const got = await copies();
    expect(got.map((m) => `${m!.topic}=${m!.payload.toString()}@${m!.qos}`)).toEqual([
      'sensors/k1=from kafka@1',
      'sensors/from-kafka=unkeyed@1',
      'sensors/from-kafka=wrong key@1',
    ]);
    expect(got[0]!.properties).toEqual({ userProperties: { trace: 't-1' }, contentType: 'application/json' });
    // the copies into MQTT are not copied back into Kafka, the copies into Kafka not back into MQTT
    await new Promise((r) => setTimeout(r, 700));
    expect(runner.stats).toMatchObject({ mqttToKafka: 2, kafkaToMqtt: 3, errors: 0 });
    await runner.stop();

    // a restarted runner resumes where the positions say: nothing is copied twice, new messages are
    const again = new BridgeRunner(bridge, mqtt, kafka, quietLogger);
    again.start();
    await mqtt.append(MESSAGE_SHARD, [
      messageToRecord(new OutgoingPublish('sensors/t1', Buffer.from('22.0'), 1, false, undefined, 'pub')),
    ]);
    await waitFor('the new message in Kafka', async () => (await kafka.records('sensors', p)).length === 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(again.stats).toMatchObject({ mqttToKafka: 1, kafkaToMqtt: 0, errors: 0 });

    // a partition added to the Kafka topic (CreatePartitions) is followed too, from its start
    await kafka.addPartitions('sensors', 4);
    await kafka.append('sensors', 3, [
      {
        key: Buffer.from('sensors/p3'),
        value: Buffer.from('new partition'),
        timestamp: Date.now(),
        headers: [],
      },
    ]);
    await waitFor('the copy from partition 3', async () =>
      (await copies()).some((m) => m!.topic === 'sensors/p3'),
    );
    await again.stop();
  });
});
