// Two kafka-brokers on one placement center and journal server, started by the test: Metadata names both and spreads
// partition leadership over them; a record produced through one is consumed through the other (kcat follows the
// leaders Metadata names); when one broker stops, its partitions move to the other.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '@robustmq/testing';
import { kcat, kcatRead, startTestKafkaBroker, type TestKafkaBroker } from '@robustmq/testing/kafka';

let first: TestKafkaBroker;
let second: TestKafkaBroker;

beforeAll(async () => {
  first = await startTestKafkaBroker({ id: 1 });
  second = await startTestKafkaBroker({ placement: [first.placementAddress], id: 2 });
});

afterAll(async () => {
  await second?.stop();
  await first?.stop();
});

async function metadata(via: TestKafkaBroker): Promise<{
  brokers: { id: number }[];
  topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
}> {
  return JSON.parse(await kcat(via.bootstrap, ['-L', '-J'])) as never;
}

it('spreads partition leaders over the live brokers and serves a partition through either', async () => {
  await waitFor(
    "both brokers in each other's list",
    async () => (await metadata(first)).brokers.length === 2 && (await metadata(second)).brokers.length === 2,
    { timeoutMs: 10_000 },
  );
  const admin = new Kafka({ brokers: [first.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'spread', numPartitions: 4 }] });
  await admin.disconnect();
  const meta = await metadata(second);
  const leaders = meta.topics.find((t) => t.topic === 'spread')!.partitions.map((p) => p.leader);
  expect(new Set(leaders)).toEqual(new Set([1, 2]));
  // the same answer from both brokers
  expect((await metadata(first)).topics).toEqual(meta.topics);
  for (let p = 0; p < 4; p++) {
    await kcat(first.bootstrap, ['-P', '-t', 'spread', '-p', String(p)], `m${p}\n`);
  }
  const read = await kcatRead(second.bootstrap, 'spread', { partition: 'all', format: '%p:%s\\n' });
  expect(read.sort()).toEqual(['0:m0', '1:m1', '2:m2', '3:m3']);
});

it("moves a stopped broker's partitions to the one left", async () => {
  await second.stop();
  await waitFor('broker 2 gone from metadata', async () => (await metadata(first)).brokers.length === 1, {
    timeoutMs: 10_000,
  });
  const leaders = (await metadata(first)).topics
    .find((t) => t.topic === 'spread')!
    .partitions.map((p) => p.leader);
  expect(leaders).toEqual([1, 1, 1, 1]);
});
