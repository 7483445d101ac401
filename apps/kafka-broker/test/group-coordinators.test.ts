// Group coordinators spread over several kafka-brokers: two brokers on one placement center and journal, started by
// the test, agree on every group's coordinator (FindCoordinator asked of either, with kafkajs's encoders), groups land
// on both, a kafkajs consumer group works through whichever broker coordinates it, and when that broker stops its
// groups move to the other one, where the members join again and go on from the committed offsets.
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { startTestJournalCluster, type TestJournalCluster } from '@robustmq/testing/broker';
import { startTestKafkaBroker, type TestKafkaBroker } from '@robustmq/testing/kafka';
import { waitFor } from '@robustmq/testing';

const require = createRequire(import.meta.url);
const kjsRequest = require('kafkajs/src/protocol/request') as (o: {
  correlationId: number;
  clientId: string;
  request: unknown;
}) => Promise<{ buffer: Buffer }>;
const kjsFindCoordinator = require('kafkajs/src/protocol/requests/findCoordinator/v2/request') as (
  o: unknown,
) => unknown;
const kjsFindCoordinatorResponse = require('kafkajs/src/protocol/requests/findCoordinator/v2/response') as {
  decode(
    b: Buffer,
  ): Promise<{ errorCode: number; coordinator: { nodeId: number; host: string; port: number } }>;
};

const GROUPS = { groups: { min_session_timeout_ms: 1_000, initial_rebalance_delay_ms: 200 } };
let cluster: TestJournalCluster;
let one: TestKafkaBroker;
let two: TestKafkaBroker;

beforeAll(async () => {
  cluster = await startTestJournalCluster();
  one = await startTestKafkaBroker({ placement: [cluster.placementAddress], id: 1, sections: GROUPS });
  two = await startTestKafkaBroker({ placement: [cluster.placementAddress], id: 2, sections: GROUPS });
  await waitFor(
    'both brokers see each other',
    () =>
      one.handle.context.directory.brokers.length === 2 && two.handle.context.directory.brokers.length === 2,
  );
});

afterAll(async () => {
  await two?.stop();
  await one?.stop();
  await cluster?.close();
});

/** FindCoordinator v2 for a group, asked of one broker over a fresh connection. */
async function coordinatorOf(bootstrap: string, group: string): Promise<number> {
  const [host, port] = bootstrap.split(':');
  const frame = (
    await kjsRequest({
      correlationId: 1,
      clientId: 'find',
      request: kjsFindCoordinator({ coordinatorKey: group, coordinatorType: 0 }),
    })
  ).buffer;
  const body = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect(Number(port), host!, () => socket.write(frame));
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 4 && data.length >= 4 + data.readInt32BE(0)) {
        socket.destroy();
        resolve(data.subarray(8, 4 + data.readInt32BE(0)));
      }
    });
    socket.on('error', reject);
  });
  const answer = await kjsFindCoordinatorResponse.decode(body);
  expect(answer.errorCode).toBe(0);
  return answer.coordinator.nodeId;
}

describe('group coordinators on several brokers', () => {
  it('both brokers name the same coordinator, groups spread, and a dead coordinator’s groups move with their offsets', async () => {
    const groups = Array.from({ length: 12 }, (_, i) => `spread-${i}`);
    const fromOne = await Promise.all(groups.map((g) => coordinatorOf(one.bootstrap, g)));
    const fromTwo = await Promise.all(groups.map((g) => coordinatorOf(two.bootstrap, g)));
    expect(fromTwo).toEqual(fromOne);
    expect(new Set(fromOne)).toEqual(new Set([1, 2]));

    // a consumer group coordinated by broker 2, its members bootstrapping from broker 1
    const group = groups[fromOne.indexOf(2)]!;
    const kafka = new Kafka({
      clientId: 'moving',
      brokers: [one.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 100 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'moving', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const send = (from: number, n: number) =>
      producer.send({
        topic: 'moving',
        messages: Array.from({ length: n }, (_, i) => ({ partition: (from + i) % 2, value: `m${from + i}` })),
      });
    await send(0, 10);
    const got: KafkaMessage[] = [];
    const consumer = kafka.consumer({
      groupId: group,
      sessionTimeout: 3_000,
      rebalanceTimeout: 3_000,
      heartbeatInterval: 200,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: 'moving', fromBeginning: true });
    await consumer.run({
      autoCommitInterval: 100,
      eachMessage: async ({ message }) => void got.push(message),
    });
    await waitFor('10 messages', () => got.length >= 10);
    expect(two.handle.context.groups.group(group)?.state).toBe('Stable');
    expect(one.handle.context.groups.group(group)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));

    // broker 2 stops: broker 1 coordinates the group now, the member joins there and goes on after its commits
    await two.stop();
    await waitFor('broker 1 alone', () => one.handle.context.directory.brokers.length === 1);
    expect(await coordinatorOf(one.bootstrap, group)).toBe(1);
    await send(10, 6);
    await waitFor('the 6 new messages', () => got.length >= 16, { timeoutMs: 20_000 });
    await waitFor(
      'the group stable on broker 1',
      () => one.handle.context.groups.group(group)?.state === 'Stable',
    );
    const values = got.map((m) => m.value!.toString());
    expect(new Set(values)).toEqual(new Set(Array.from({ length: 16 }, (_, i) => `m${i}`)));
    await consumer.disconnect();
    await producer.disconnect();
  });
});
