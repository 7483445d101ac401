// How a partition is stored (topics/partition-store.ts), against real brokers, placement and a journal server started
// here: batches of uneven sizes are read back from any offset by a broker that never saw them written (the offset
// search over stored batches), ListOffsets by time lands on the exact record inside a batch, two brokers appending to
// one partition at once get distinct dense offsets (the position check), and a partition emptied by retention goes on
// at the offset it had reached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKey,
  decodeBatches,
  encodeBatch,
  type FetchResponseData,
  type ListOffsetsResponseData,
  type ProduceResponseData,
} from '@robustmq/protocol/kafka';
import { createStorageAdapter } from '@robustmq/storage-adapter';
import { startTestJournalCluster, type TestJournalCluster } from '@robustmq/testing/broker';
import { RawKafkaClient, startTestKafkaBroker, type TestKafkaBroker } from '@robustmq/testing/kafka';

const T0 = 1_700_000_000_000;
let cluster: TestJournalCluster;
const brokers: TestKafkaBroker[] = [];
const clients: RawKafkaClient[] = [];

async function broker(sections = {}): Promise<{ b: TestKafkaBroker; c: RawKafkaClient }> {
  const b = await startTestKafkaBroker({
    placement: [cluster.placementAddress],
    id: 100 + brokers.length,
    sections,
  });
  brokers.push(b);
  const c = await RawKafkaClient.open(b.handle.ports.kafka);
  clients.push(c);
  return { b, c };
}

beforeAll(async () => {
  cluster = await startTestJournalCluster();
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const b of brokers) await b.stop();
  await cluster?.close();
});

const createTopic = (c: RawKafkaClient, name: string, configs: { name: string; value: string }[] = []) =>
  c.request(ApiKey.CreateTopics, 4, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs }],
    timeoutMs: 5000,
  });

/** one Produce request of `batches` batches; record i of the whole run has value `v<i>` and timestamp T0 + 10·i. */
async function produce(c: RawKafkaClient, topic: string, sizes: number[], first: number): Promise<number> {
  let i = first;
  const records = Buffer.concat(
    sizes.map((n) =>
      encodeBatch({
        baseOffset: 0,
        records: Array.from({ length: n }, () => ({
          timestamp: T0 + 10 * i,
          key: null,
          value: Buffer.from(`v${i++}`),
        })),
      }),
    ),
  );
  const answer = (await c.request(ApiKey.Produce, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  })) as unknown as ProduceResponseData;
  const p = answer.responses[0]!.partitionResponses[0]!;
  expect(p.errorCode, p.errorMessage ?? '').toBe(0);
  return p.baseOffset;
}

async function fetchAt(c: RawKafkaClient, topic: string, offset: number, maxBytes = 1 << 20) {
  const answer = (await c.request(ApiKey.Fetch, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes,
    isolationLevel: 0,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: maxBytes }] }],
  })) as unknown as FetchResponseData;
  const p = answer.responses[0]!.partitions[0]!;
  return {
    errorCode: p.errorCode,
    highWatermark: p.highWatermark,
    logStartOffset: p.logStartOffset,
    batches: decodeBatches(p.records ?? Buffer.alloc(0)),
  };
}

async function listOffset(
  c: RawKafkaClient,
  topic: string,
  timestamp: number,
): Promise<{ offset: number; timestamp: number; errorCode: number }> {
  const answer = (await c.request(ApiKey.ListOffsets, 7, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [
      {
        name: topic,
        partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }],
      },
    ],
  })) as unknown as ListOffsetsResponseData;
  return answer.topics[0]!.partitions[0]!;
}

describe('a partition stores record batches', () => {
  it('serves any offset from a broker that did not write it, whole batch first; offsets by time are exact', async () => {
    const { c: writer } = await broker();
    await createTopic(writer, 'uneven');
    // 60 batches of 1..9 records, in requests of up to 5 batches
    const sizes = Array.from({ length: 60 }, (_, i) => 1 + ((i * 7) % 9));
    const total = sizes.reduce((a, b) => a + b, 0);
    let next = 0;
    for (let i = 0; i < sizes.length; i += 5) {
      expect(await produce(writer, 'uneven', sizes.slice(i, i + 5), next)).toBe(next);
      next += sizes.slice(i, i + 5).reduce((a, b) => a + b, 0);
    }
    // a second broker knows no positions: every read below starts with a search
    const { c: reader } = await broker();
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    for (const offset of [0, 1, 17, 100, total - 1, Math.floor(total / 2), 5, total - 4]) {
      const { errorCode, highWatermark, logStartOffset, batches } = await fetchAt(
        reader,
        'uneven',
        offset,
        1,
      );
      expect([errorCode, highWatermark, logStartOffset]).toEqual([0, total, 0]);
      const holder = starts.findLast((s) => s <= offset)!;
      expect(batches.map((b) => b.baseOffset)).toEqual([holder]);
      const rec = batches[0]!.records.find((r) => r.offset === offset)!;
      expect(rec.value!.toString()).toBe(`v${offset}`);
    }
    // reading on from 0 with room for everything returns every record once, in order
    const all = await fetchAt(reader, 'uneven', 0);
    expect(all.batches.flatMap((b) => b.records.map((r) => r.value!.toString()))).toEqual(
      Array.from({ length: total }, (_, i) => `v${i}`),
    );
    // past the end: OFFSET_OUT_OF_RANGE; at the end: empty
    expect((await fetchAt(reader, 'uneven', total + 1)).errorCode).toBe(1);
    expect((await fetchAt(reader, 'uneven', total)).batches).toEqual([]);
    // ListOffsets: earliest, latest, a time inside a batch, the newest record, a time after everything
    expect((await listOffset(reader, 'uneven', -2)).offset).toBe(0);
    expect((await listOffset(reader, 'uneven', -1)).offset).toBe(total);
    expect(await listOffset(reader, 'uneven', T0 + 10 * 101 - 5)).toMatchObject({
      errorCode: 0,
      offset: 101,
      timestamp: T0 + 1010,
    });
    expect(await listOffset(reader, 'uneven', -3)).toMatchObject({
      offset: total - 1,
      timestamp: T0 + 10 * (total - 1),
    });
    expect((await listOffset(reader, 'uneven', T0 + 10 * total)).offset).toBe(-1);
    // and appends through the reader continue where the writer stopped
    expect(await produce(reader, 'uneven', [3], total)).toBe(total);
  });

  it('two brokers appending to one partition at once get distinct, dense offsets', async () => {
    const { c: one } = await broker();
    const { c: two } = await broker();
    await createTopic(one, 'shared');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => produce(i % 2 ? one : two, 'shared', [2], 0).catch(() => -1)),
    );
    // a refused append (the other broker took the position) is retried, as a producer would
    for (let i = 0; i < answers.length; i++)
      if (answers[i] === -1) answers[i] = await produce(one, 'shared', [2], 0);
    expect([...answers].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => 2 * i));
    const { batches, highWatermark } = await fetchAt(two, 'shared', 0);
    expect(highWatermark).toBe(80);
    expect(batches.flatMap((b) => b.records.map((r) => r.offset))).toEqual(
      Array.from({ length: 80 }, (_, i) => i),
    );
  });

  it('a partition emptied by retention goes on at the offset it had reached', async () => {
    const { b, c } = await broker({ storage: { segment_records: 100 } });
    await createTopic(c, 'expiring', [{ name: 'retention.ms', value: '1000' }]);
    // 100 batches fill the first segment exactly: it is sealed, the next one is empty
    for (let i = 0; i < 10; i++)
      await produce(
        c,
        'expiring',
        Array.from({ length: 10 }, () => 3),
        i * 30,
      );
    await b.handle.context.partitions.markLogEnds();
    const storage = await createStorageAdapter({
      type: 'journal',
      journal: {
        placementAddresses: [cluster.placementAddress],
        namespace: `kafka-${b.config.node.cluster_name}`,
      },
    });
    try {
      const removed = await storage.enforceRetention(Date.now() + 60_000);
      expect(removed.find((r) => r.shard === 'expiring/0')?.removedRecords).toBe(100);
    } finally {
      await storage.close();
    }
    // a broker that never saw the partition: earliest = latest = 300, and the next batch gets 300
    const { c: fresh } = await broker();
    expect((await listOffset(fresh, 'expiring', -2)).offset).toBe(300);
    expect((await listOffset(fresh, 'expiring', -1)).offset).toBe(300);
    expect((await fetchAt(fresh, 'expiring', 0)).errorCode).toBe(1);
    expect(await produce(fresh, 'expiring', [2], 300)).toBe(300);
    const after = await fetchAt(fresh, 'expiring', 300);
    expect([
      after.logStartOffset,
      after.highWatermark,
      after.batches[0]!.records.map((r) => r.value!.toString()),
    ]).toEqual([300, 302, ['v300', 'v301']]);
  });
});
