// Kafka authorization against the MQTT ACL rules kept in placement, with real clients (kafkajs and kcat over
// SASL/PLAIN) against a real broker: allowed produce and consume work, a produce or fetch the rules deny gets
// TOPIC_AUTHORIZATION_FAILED (so do OffsetCommit/OffsetFetch of an unreadable topic), Metadata hides what a user may
// not see, only a superuser (or an ALL rule) creates topics, DeleteGroups is a superuser's, and a rule added at runtime
// applies within the refresh interval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { waitFor } from '@robustmq/testing';
import { ApiKey, ErrorCode } from '@robustmq/protocol/kafka';
import {
  kcatRun,
  kcatSasl,
  RawKafkaClient,
  startTestKafkaBroker,
  type TestKafkaBroker,
} from '@robustmq/testing/kafka';

let broker: TestKafkaBroker;
let root: Admin;

type Rule = {
  permission: string;
  action: string;
  subjectValue: string;
  topicFilter: string;
  priority?: number;
};
const addRule = (r: Rule) =>
  broker.cluster!.placement.client().mqtt.createAclRule({
    id: '',
    subjectType: 'SUBJECT_USER',
    priority: 10,
    ...r,
  } as never);

const kafka = (username: string, password: string) =>
  new Kafka({
    clientId: `acl-${username}`,
    brokers: [broker.bootstrap],
    sasl: { mechanism: 'plain', username, password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });

/** The Kafka error type a kafkajs call failed with (kafkajs wraps non-retriable protocol errors), or 'ok'. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ok',
    (e: { type?: string; cause?: { type?: string } }) => e.type ?? e.cause?.type ?? String(e),
  );

beforeAll(async () => {
  broker = await startTestKafkaBroker({
    sections: {
      sasl: { enabled: true, acl_default: 'deny', acl_refresh_interval_ms: 200 },
      groups: { initial_rebalance_delay_ms: 0 },
    },
  });
  const users = broker.cluster!.placement.client().mqtt;
  await users.createUser('alice', 'a-pw');
  await users.createUser('root', 'r-pw', true);
  // alice reads and writes `orders`, only writes `audit`, only reads `feed`, may create `sandbox` (an ALL rule);
  // everything else falls to acl_default = deny
  await addRule({ permission: 'ALLOW', action: 'ALL', subjectValue: 'alice', topicFilter: 'orders' });
  await addRule({ permission: 'ALLOW', action: 'PUBLISH', subjectValue: 'alice', topicFilter: 'audit' });
  await addRule({ permission: 'ALLOW', action: 'SUBSCRIBE', subjectValue: 'alice', topicFilter: 'feed' });
  await addRule({ permission: 'ALLOW', action: 'ALL', subjectValue: 'alice', topicFilter: 'sandbox' });
  root = kafka('root', 'r-pw').admin();
  await root.connect();
  // only the superuser's CreateTopics gets through here (checked below for alice)
  await root.createTopics({
    topics: ['orders', 'audit', 'feed', 'secret'].map((topic) => ({ topic, numPartitions: 1 })),
  });
}, 60_000);

afterAll(async () => {
  await root?.disconnect();
  await broker?.stop();
});

/** kcat logged in as alice; resolves with the run whatever the exit code. */
const kcat = (args: string[]) => kcatRun(broker.bootstrap, [...kcatSasl('alice', 'a-pw'), ...args]);

describe('Kafka authorization (MQTT ACL rules)', () => {
  it('an allowed topic: alice produces and consumes', async () => {
    const client = kafka('alice', 'a-pw');
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic: 'orders', acks: -1, messages: [{ value: 'o1' }, { value: 'o2' }] });
    await producer.disconnect();
    const consumer = client.consumer({ groupId: 'alice-orders' });
    await consumer.connect();
    const seen: string[] = [];
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor('both records', () => seen.length === 2, { timeoutMs: 10_000 });
    await consumer.disconnect();
    expect(seen).toEqual(['o1', 'o2']);
  });

  it('a denied produce gets TOPIC_AUTHORIZATION_FAILED', async () => {
    const producer = kafka('alice', 'a-pw').producer();
    await producer.connect();
    try {
      // `feed` is visible (SUBSCRIBE) but not writable: the Produce handler refuses it
      await expect(
        producer.send({ topic: 'feed', acks: -1, messages: [{ value: 'x' }] }),
      ).rejects.toMatchObject({
        type: 'TOPIC_AUTHORIZATION_FAILED',
      });
      // `secret` has no rule at all: Metadata already refuses it
      expect(await outcome(producer.send({ topic: 'secret', acks: -1, messages: [{ value: 'x' }] }))).toBe(
        'TOPIC_AUTHORIZATION_FAILED',
      );
    } finally {
      await producer.disconnect();
    }
    expect((await root.fetchTopicOffsets('feed'))[0]!.high).toBe('0');
  });

  it('a denied fetch gets TOPIC_AUTHORIZATION_FAILED (kcat, no group)', async () => {
    const ok = await kcat(['-P', '-t', 'audit', '-p', '0']).then(() =>
      kcat(['-C', '-t', 'orders', '-p', '0', '-o', 'beginning', '-e', '-q']),
    );
    expect(ok.stdout.split('\n').filter(Boolean)).toEqual(['o1', 'o2']);
    // `audit` is write-only for alice
    // offset 0 given: librdkafka goes straight to Fetch (no ListOffsets first)
    const denied = await kcat(['-C', '-t', 'audit', '-p', '0', '-o', '0', '-e']);
    expect(denied.stderr).toMatch(/Topic authorization failed/i);
  });

  it('Metadata lists only the topics a user may produce to or read', async () => {
    const admin = kafka('alice', 'a-pw').admin();
    await admin.connect();
    try {
      expect((await admin.listTopics()).sort()).toEqual(['audit', 'feed', 'orders']);
    } finally {
      await admin.disconnect();
    }
    expect((await root.listTopics()).sort()).toEqual(['audit', 'feed', 'orders', 'secret']);
  });

  it('a superuser creates topics; a normal user only where an ALL rule names the topic', async () => {
    const admin = kafka('alice', 'a-pw').admin();
    await admin.connect();
    try {
      await expect(admin.createTopics({ topics: [{ topic: 'mine' }] })).rejects.toMatchObject({
        errors: [expect.objectContaining({ type: 'TOPIC_AUTHORIZATION_FAILED' })],
      });
      await expect(admin.deleteTopics({ topics: ['secret'] })).rejects.toBeTruthy();
      expect(await admin.createTopics({ topics: [{ topic: 'sandbox' }] })).toBe(true);
    } finally {
      await admin.disconnect();
    }
    expect(await root.createTopics({ topics: [{ topic: 'made-by-root' }] })).toBe(true);
    expect(await root.listTopics()).toEqual(expect.arrayContaining(['secret', 'made-by-root', 'sandbox']));
  });

  it("offsets of a topic the user may not read are refused; deleting a group is a superuser's", async () => {
    const admin = kafka('alice', 'a-pw').admin();
    await admin.connect();
    try {
      // OffsetCommit and OffsetFetch on the write-only `audit` (a raw client: kafkajs' setOffsets runs a consumer)
      const raw = await RawKafkaClient.open(broker.handle.ports.kafka);
      try {
        await raw.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
        const auth = await raw.request(
          ApiKey.SaslAuthenticate,
          0,
          { authBytes: Buffer.from('\0alice\0a-pw') },
          2,
        );
        expect(auth['errorCode']).toBe(ErrorCode.NONE);
        const partitions = [{ partitionIndex: 0, committedOffset: 0, committedMetadata: null }];
        const commit = (await raw.request(
          ApiKey.OffsetCommit,
          2,
          {
            groupId: 'g',
            generationId: -1,
            memberId: '',
            retentionTimeMs: -1,
            topics: [{ name: 'audit', partitions }],
          },
          3,
        )) as { topics: { partitions: { errorCode: number }[] }[] };
        expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        const fetched = (await raw.request(
          ApiKey.OffsetFetch,
          3,
          { groupId: 'g', topics: [{ name: 'audit', partitionIndexes: [0] }] },
          4,
        )) as { topics: { partitions: { errorCode: number }[] }[] };
        expect(fetched.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      } finally {
        raw.socket.destroy();
      }
      const refused = await admin.deleteGroups(['alice-orders']).then(
        () => undefined,
        (e: { groups?: { errorCode: number }[] }) => e.groups?.[0]?.errorCode,
      );
      expect(refused).toBe(30); // GROUP_AUTHORIZATION_FAILED
    } finally {
      await admin.disconnect();
    }
    expect(await root.deleteGroups(['alice-orders'])).toEqual([
      expect.objectContaining({ groupId: 'alice-orders' }),
    ]);
  });

  it('a rule added at runtime applies within the refresh interval', async () => {
    const producer = kafka('alice', 'a-pw').producer();
    await producer.connect();
    try {
      expect(await outcome(producer.send({ topic: 'secret', messages: [{ value: 'early' }] }))).toBe(
        'TOPIC_AUTHORIZATION_FAILED',
      );
      await addRule({ permission: 'ALLOW', action: 'PUBLISH', subjectValue: 'alice', topicFilter: 'secret' });
      const started = Date.now();
      await waitFor(
        'the new rule',
        () =>
          producer.send({ topic: 'secret', acks: -1, messages: [{ value: 'late' }] }).then(
            () => true,
            () => false,
          ),
        { timeoutMs: 5_000, intervalMs: 100 },
      );
      // refresh every 200 ms; kafkajs' own metadata retry adds a little
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await producer.disconnect();
    }
    expect((await root.fetchTopicOffsets('secret'))[0]!.high).toBe('1');
  });
});
