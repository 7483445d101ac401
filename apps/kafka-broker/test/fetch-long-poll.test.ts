// Fetch's long poll against a real broker on the journal: a fetch at the end of a partition waits (max_wait_ms) and is
// answered as soon as a record arrives, not at its deadline; with nothing arriving it answers empty at the deadline;
// and the high watermark it reports is the partition's end even when the answer is cut by max_bytes; a fetch from
// inside a stored batch gets that whole batch.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiKey, decodeBatches, encodeBatch, type FetchResponseData } from '@robustmq/protocol/kafka';
import { RawKafkaClient, startTestKafkaBroker, type TestKafkaBroker } from '@robustmq/testing/kafka';

let broker: TestKafkaBroker;
let producer: RawKafkaClient;

beforeAll(async () => {
  broker = await startTestKafkaBroker();
  producer = await RawKafkaClient.open(broker.handle.ports.kafka);
  await producer.request(ApiKey.CreateTopics, 4, {
    topics: [{ name: 'poll', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 5000,
  });
});

afterAll(async () => {
  producer?.close();
  await broker?.stop();
});

const produce = (partition: number, values: string[]) =>
  producer.request(ApiKey.Produce, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      {
        name: 'poll',
        partitionData: [
          {
            index: partition,
            records: encodeBatch({
              baseOffset: 0,
              records: values.map((v) => ({ timestamp: Date.now(), key: null, value: Buffer.from(v) })),
            }),
          },
        ],
      },
    ],
  });

const fetchRequest = (offsets: [number, number], maxWaitMs: number, maxBytes = 1 << 20) => ({
  replicaId: -1,
  maxWaitMs,
  minBytes: 1,
  maxBytes,
  isolationLevel: 0,
  topics: [
    {
      topic: 'poll',
      partitions: offsets.map((fetchOffset, partition) => ({
        partition,
        fetchOffset,
        partitionMaxBytes: maxBytes,
      })),
    },
  ],
});

it('answers a waiting fetch as soon as a record arrives on any of its partitions', async () => {
  const consumer = await RawKafkaClient.open(broker.handle.ports.kafka);
  const started = Date.now();
  const pending = consumer.request(ApiKey.Fetch, 11, fetchRequest([0, 0], 10_000), 1, 15_000);
  await new Promise((r) => setTimeout(r, 300));
  await produce(1, ['wake']);
  const response = (await pending) as unknown as FetchResponseData;
  expect(Date.now() - started).toBeLessThan(5_000);
  const p1 = response.responses[0]!.partitions.find((p) => p.partitionIndex === 1)!;
  expect(decodeBatches(p1.records!)[0]!.records.map((r) => r.value!.toString())).toEqual(['wake']);
  expect(p1.highWatermark).toBe(1);
  consumer.close();
});

it('answers empty at max_wait_ms when nothing arrives', async () => {
  const consumer = await RawKafkaClient.open(broker.handle.ports.kafka);
  const started = Date.now();
  const response = (await consumer.request(
    ApiKey.Fetch,
    12,
    fetchRequest([0, 1], 600),
  )) as unknown as FetchResponseData;
  expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  expect(
    response.responses[0]!.partitions.map((p) => [p.partitionIndex, p.records?.length ?? 0, p.highWatermark]),
  ).toEqual([
    [0, 0, 0],
    [1, 0, 1],
  ]);
  consumer.close();
});

it('reports the true high watermark when max_bytes cuts the answer', async () => {
  // five batches of ten: max_bytes below one batch still gets the first whole batch (KIP-74), and no more
  for (let b = 0; b < 5; b++)
    await produce(
      0,
      Array.from({ length: 10 }, (_, i) => `record-${b * 10 + i}-${'x'.repeat(200)}`),
    );
  const consumer = await RawKafkaClient.open(broker.handle.ports.kafka);
  const response = (await consumer.request(
    ApiKey.Fetch,
    11,
    fetchRequest([0, 1], 0, 1000),
  )) as unknown as FetchResponseData;
  const p0 = response.responses[0]!.partitions.find((p) => p.partitionIndex === 0)!;
  const batches = decodeBatches(p0.records!, { allowPartial: true });
  expect(batches.map((b) => [b.baseOffset, b.records.length])).toEqual([[0, 10]]);
  expect(p0.highWatermark).toBe(50);
  // from inside a batch: the whole batch that holds the offset, as Kafka answers
  const mid = (await consumer.request(
    ApiKey.Fetch,
    11,
    fetchRequest([25, 1], 0, 1000),
  )) as unknown as FetchResponseData;
  const inner = decodeBatches(mid.responses[0]!.partitions.find((p) => p.partitionIndex === 0)!.records!, {
    allowPartial: true,
  });
  expect(inner.map((b) => [b.baseOffset, b.records[0]!.offset, b.records.at(-1)!.offset])).toEqual([
    [20, 20, 29],
  ]);
  expect(inner[0]!.records[5]!.value!.toString()).toMatch(/^record-25-/);
  consumer.close();
});
