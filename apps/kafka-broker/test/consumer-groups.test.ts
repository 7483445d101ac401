// Consumer groups with real clients against a real Kafka broker, placement center and journal server started by the
// test: two kafkajs consumers split a topic's partitions, one leaves and the other takes over its partitions, and a
// consumer started after a broker restart resumes from the committed offsets; librdkafka (kcat -G) and kafka-python
// (range and round-robin assignors) consume in groups and resume from their commits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { startTestJournalCluster, type TestJournalCluster } from '@robustmq/testing/broker';
import {
  kafkaPython,
  kcat,
  kcatProps,
  lines,
  startTestKafkaBroker,
  type TestKafkaBroker,
} from '@robustmq/testing/kafka';
import { waitFor } from '@robustmq/testing';

/** short group timeouts so rebalances take a second, not Kafka's defaults of tens of seconds. */
const GROUPS = { groups: { min_session_timeout_ms: 1_000, initial_rebalance_delay_ms: 300 } };

let cluster: TestJournalCluster;
let broker: TestKafkaBroker;

beforeAll(async () => {
  cluster = await startTestJournalCluster();
  broker = await startTestKafkaBroker({ placement: [cluster.placementAddress], sections: GROUPS });
});

afterAll(async () => {
  await broker?.stop();
  await cluster?.close();
});

function client(bootstrap: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
}

async function produce(
  bootstrap: string,
  topic: string,
  from: number,
  count: number,
  partitions: number,
): Promise<void> {
  const producer = client(bootstrap, 'producer').producer();
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({
      partition: (from + i) % partitions,
      value: `m${from + i}`,
    })),
  });
  await producer.disconnect();
}

interface Member {
  consumer: Consumer;
  got: string[];
  /** the partitions of its latest assignment. */
  assigned: number[];
}

async function member(
  bootstrap: string,
  group: string,
  topic: string,
  name: string,
  commit: { autoCommitThreshold?: number } = {},
): Promise<Member> {
  const consumer = client(bootstrap, name).consumer({
    groupId: group,
    sessionTimeout: 3_000,
    rebalanceTimeout: 3_000,
    heartbeatInterval: 200,
    maxWaitTimeInMs: 200,
  });
  const m: Member = { consumer, got: [], assigned: [] };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    m.assigned = ((e.payload.memberAssignment as Record<string, number[]>)[topic] ?? []).slice().sort();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommitInterval: 100,
    ...commit,
    eachMessage: async ({ message }: EachMessagePayload) => void m.got.push(message.value!.toString()),
  });
  return m;
}

describe('consumer groups', () => {
  it('kafkajs: two members split the partitions, one leaves and the other takes over, offsets resume after a broker restart', async () => {
    const topic = 'cg-kafkajs';
    const admin = client(broker.bootstrap, 'admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    await produce(broker.bootstrap, topic, 0, 40, 4);

    const a = await member(broker.bootstrap, 'g-kafkajs', topic, 'member-a');
    const b = await member(broker.bootstrap, 'g-kafkajs', topic, 'member-b');
    await waitFor(
      'both members assigned two partitions each',
      () => a.assigned.length === 2 && b.assigned.length === 2,
    );
    expect([...a.assigned, ...b.assigned].sort()).toEqual([0, 1, 2, 3]);
    await waitFor('40 messages consumed', () => a.got.length + b.got.length >= 40);
    const described = await admin.describeGroups(['g-kafkajs']);
    expect(described.groups[0]).toMatchObject({
      groupId: 'g-kafkajs',
      state: 'Stable',
      protocolType: 'consumer',
    });
    expect(described.groups[0]!.members).toHaveLength(2);
    const metrics = await (await fetch(`${broker.http}/metrics`)).text();
    expect(metrics).toMatch(/^kafka_groups\{[^}]*state="Stable"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^kafka_group_members\S* 2$/m);

    // b leaves: a gets all four partitions and everything produced from now on
    await b.consumer.disconnect();
    await waitFor('a assigned all partitions', () => a.assigned.length === 4);
    await produce(broker.bootstrap, topic, 40, 20, 4);
    await waitFor('60 messages consumed', () => a.got.length + b.got.length >= 60);
    const all = [...a.got, ...b.got];
    expect(new Set(all).size).toBe(60);
    expect(all.sort()).toEqual(Array.from({ length: 60 }, (_, i) => `m${i}`).sort());
    await a.consumer.disconnect();
    // the committed offsets are the ends of the partitions
    const offsets = await admin.fetchOffsets({ groupId: 'g-kafkajs', topics: [topic] });
    expect(offsets[0]!.partitions.map((p) => Number(p.offset)).reduce((x, y) => x + y, 0)).toBe(60);
    await admin.disconnect();

    // a new broker process over the same placement and journal: the group resumes after its commits
    await broker.stop();
    broker = await startTestKafkaBroker({ placement: [cluster.placementAddress], sections: GROUPS });
    await produce(broker.bootstrap, topic, 60, 8, 4);
    const c = await member(broker.bootstrap, 'g-kafkajs', topic, 'member-c');
    await waitFor('the 8 new messages', () => c.got.length >= 8);
    await new Promise((r) => setTimeout(r, 500));
    expect(c.got.sort()).toEqual(Array.from({ length: 8 }, (_, i) => `m${60 + i}`).sort());
    await c.consumer.disconnect();
  });

  it('kafkajs: three members joining and leaving while records stream in; committed offsets lose nothing and repeat nothing', async () => {
    const topic = 'cg-three';
    const admin = client(broker.bootstrap, 'admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
    await admin.disconnect();
    const producer = client(broker.bootstrap, 'streamer').producer();
    await producer.connect();
    let sent = 0;
    let streaming = true;
    const stream = (async () => {
      while (streaming) {
        await producer.send({
          topic,
          messages: Array.from({ length: 6 }, (_, i) => ({ partition: i, value: `s${sent + i}` })),
        });
        sent += 6;
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    const members: Member[] = [];
    const join = async (name: string) => {
      const m = await member(broker.bootstrap, 'g-three', topic, name, { autoCommitThreshold: 1 });
      members.push(m);
      return m;
    };
    const a = await join('a');
    await waitFor('a owns all six partitions', () => a.assigned.length === 6);
    const b = await join('b');
    await waitFor('a and b split them', () => a.assigned.length === 3 && b.assigned.length === 3);
    const c = await join('c');
    await waitFor('three members, two partitions each', () =>
      [a, b, c].every((m) => m.assigned.length === 2),
    );
    await b.consumer.disconnect();
    await waitFor('a and c split them', () => a.assigned.length === 3 && c.assigned.length === 3);
    await a.consumer.disconnect();
    await waitFor('c owns all six', () => c.assigned.length === 6);
    streaming = false;
    await stream;
    await producer.disconnect();
    const consumed = () => members.reduce((n, m) => n + m.got.length, 0);
    await waitFor('every streamed record consumed', () => consumed() >= sent, { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    await c.consumer.disconnect();
    const all = members.flatMap((m) => m.got);
    expect(new Set(all).size).toBe(sent);
    expect(all.length - sent).toBe(0);
  });

  it('kcat -G (librdkafka): a balanced consumer group reads everything once and resumes after its commits', async () => {
    const topic = 'cg-kcat';
    await produce(broker.bootstrap, topic, 0, 30, 1);
    const readGroup = async () =>
      lines(
        await kcat(broker.bootstrap, [
          '-G',
          'g-kcat',
          ...kcatProps({
            'auto.offset.reset': 'earliest',
            'session.timeout.ms': '6000',
            'topic.metadata.refresh.interval.ms': '1000',
          }),
          '-e',
          '-q',
          '-f',
          '%p|%o|%s\\n',
          topic,
        ]),
      );
    const first = await readGroup();
    expect(first.map((l) => l.split('|')[2])).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`));
    await produce(broker.bootstrap, topic, 30, 5, 1);
    const second = await readGroup();
    expect(second.map((l) => l.split('|')[2])).toEqual(['m30', 'm31', 'm32', 'm33', 'm34']);
  });

  it('kafka-python: group consumers with the range and the round-robin assignor read everything once and resume', async () => {
    const topic = 'cg-python';
    const admin = client(broker.bootstrap, 'admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    await produce(broker.bootstrap, topic, 0, 30, 3);
    const script = `
import sys, json
from kafka import KafkaConsumer
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
bootstrap, topic, group, assignor = sys.argv[1:5]
strategy = RangePartitionAssignor if assignor == 'range' else RoundRobinPartitionAssignor
c = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest', consumer_timeout_ms=2000,
                  partition_assignment_strategy=[strategy], session_timeout_ms=6000, heartbeat_interval_ms=500, enable_auto_commit=False)
got = [m.value.decode() for m in c]
c.commit()
print(json.dumps({'got': got, 'assigned': sorted(p.partition for p in c.assignment())}))
c.close()
`;
    const python = async (group: string, assignor: string) => {
      const stdout = await kafkaPython(script, broker.bootstrap, topic, group, assignor);
      return JSON.parse(stdout) as { got: string[]; assigned: number[] };
    };
    const all = Array.from({ length: 30 }, (_, i) => `m${i}`).sort();
    // the two assignors in two groups at once
    await Promise.all(
      ['range', 'roundrobin'].map(async (assignor) => {
        const first = await python(`g-python-${assignor}`, assignor);
        expect(first.assigned).toEqual([0, 1, 2]);
        expect(first.got.slice().sort()).toEqual(all);
        const again = await python(`g-python-${assignor}`, assignor);
        expect(again.got).toEqual([]);
      }),
    );
  });
});
