// kafkajs 2 against a real Kafka broker on a real placement center and journal server, all started by the test:
// topic administration, produce (plain and gzip) read back by kcat, offsets earliest / latest / by
// timestamp, and metadata naming this broker as every partition's leader.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes, Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { kcatRead, startTestKafkaBroker, type TestKafkaBroker } from '@robustmq/testing/kafka';

let broker: TestKafkaBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  broker = await startTestKafkaBroker();
  kafka = new Kafka({
    clientId: 'kafkajs-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  });
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await broker?.stop();
});

/** what kcat (librdkafka) reads from one partition from the start to its end: offset, key, value, headers per line. */
const read = (topic: string, partition: number) =>
  kcatRead(broker.bootstrap, topic, { partition, format: '%o|%k|%s|%h\\n' });

describe('kafkajs', () => {
  it('negotiates versions, creates topics and sees them in metadata with this broker as leader', async () => {
    expect(
      await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }, { topic: 'logs' }] }),
    ).toBe(true);
    // a second create of the same name is refused, not a crash
    await expect(admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })).resolves.toBe(
      false,
    );
    const meta = await admin.fetchTopicMetadata({ topics: ['orders', 'logs'] });
    const orders = meta.topics.find((t) => t.name === 'orders')!;
    expect(orders.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    expect(orders.partitions.every((p) => p.leader === broker.config.node.id)).toBe(true);
    expect(await admin.listTopics()).toEqual(expect.arrayContaining(['orders', 'logs']));
    await admin.createPartitions({ topicPartitions: [{ topic: 'logs', count: 2 }] });
    expect((await admin.fetchTopicMetadata({ topics: ['logs'] })).topics[0]!.partitions).toHaveLength(2);
  });

  it('produces plain and gzip batches and reads them back in order with keys and headers', async () => {
    const sent = await producer.send({
      topic: 'orders',
      acks: -1,
      messages: Array.from({ length: 50 }, (_, i) => ({
        partition: 1,
        key: `k${i}`,
        value: `v${i}`,
        headers: { n: String(i) },
      })),
    });
    expect(sent[0]).toMatchObject({ topicName: 'orders', partition: 1, errorCode: 0, baseOffset: '0' });
    await producer.send({
      topic: 'orders',
      compression: CompressionTypes.GZIP,
      messages: [{ partition: 1, key: null, value: 'zipped' }],
    });
    // read back by another client: librdkafka through kcat
    const lines = await read('orders', 1);
    expect(lines).toHaveLength(51);
    expect(lines[7]).toBe('7|k7|v7|n=7');
    expect(lines[50]).toBe('50||zipped|');
  });

  it('lists earliest, latest and by-timestamp offsets', async () => {
    const before = Date.now();
    await producer.send({
      topic: 'logs',
      messages: [
        { partition: 0, value: 'a' },
        { partition: 0, value: 'b' },
      ],
    });
    const offsets = await admin.fetchTopicOffsets('logs');
    expect(offsets.find((o) => o.partition === 0)).toMatchObject({ low: '0', high: '2', offset: '2' });
    const later = Date.now() + 60_000;
    await expect(admin.fetchTopicOffsetsByTimestamp('logs', before - 1000)).resolves.toEqual(
      expect.arrayContaining([{ partition: 0, offset: '0' }]),
    );
    const none = await admin.fetchTopicOffsetsByTimestamp('logs', later);
    // kafkajs reports "no record that late" as the latest offset
    expect(none.find((o) => o.partition === 0)!.offset).toBe('2');
  });

  it('keeps null values (tombstones), binary keys and empty keys exactly', async () => {
    await producer.send({
      topic: 'logs',
      messages: [
        { partition: 1, key: 'gone', value: null },
        { partition: 1, key: Buffer.from([0xff, 0x00, 0xfe]), value: 'binary key' },
        { partition: 1, key: '', value: 'empty key' },
      ],
    });
    // kcat: key length, value length (-1 = null), value
    const read = await kcatRead(broker.bootstrap, 'logs', {
      partition: 1,
      args: ['-Z'],
      format: '%K %S %s\\n',
    });
    expect(read).toEqual(['4 -1 NULL', '3 10 binary key', '0 9 empty key']);
  });

  it('deletes topics', async () => {
    await admin.createTopics({ topics: [{ topic: 'scratch' }] });
    await admin.deleteTopics({ topics: ['scratch'] });
    expect(await admin.listTopics()).not.toContain('scratch');
  });
});
