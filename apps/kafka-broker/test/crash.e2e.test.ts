// Acknowledged records survive crashes: a kafkajs producer (acks=all) writes numbered records to a 2-partition topic
// through two kafka-broker processes on three journal servers (3 replicas, journal acks "all"); mid-run one
// kafka-broker and the journal server leading a partition's segment are SIGKILLed. Afterwards kcat reads every
// partition: every acknowledged record is there, and per partition the acknowledged records come in the order they
// were acknowledged (a retried send may store a record twice; order is checked on first appearances).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { expect, it } from 'vitest';
import { sleep, useProcessCluster } from '@robustmq/testing';

const run = promisify(execFile);
const cluster = useProcessCluster(3);

it('every record acknowledged with acks=all is read back in order after a kafka-broker and a journal server are SIGKILLed', async () => {
  // journal acks "quorum": like Kafka's acks=all over an ISR that shrinks when a replica dies (min.insync.replicas 2 of 3)
  const storage = { storage: { journal_acks: 'quorum', journal_replicas: 3 } };
  const [k1, k2] = [await cluster.addKafkaBroker(1, storage), await cluster.addKafkaBroker(2, storage)];
  const brokers = [`127.0.0.1:${k1.kafka}`, `127.0.0.1:${k2.kafka}`];
  const kafka = new Kafka({
    clientId: 'crash',
    brokers,
    logLevel: logLevel.NOTHING,
    requestTimeout: 10_000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 500 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();

  const acked: number[][] = [[], []];
  let next = 0;
  let stop = false;
  const writer = (async () => {
    while (!stop) {
      const n = next++;
      const partition = n % 2;
      try {
        await producer.send({
          topic: 'durable',
          acks: -1,
          timeout: 10_000,
          messages: [{ partition, value: String(n) }],
        });
        acked[partition]!.push(n);
      } catch {
        // not acknowledged: it may or may not be stored, and is not checked
      }
    }
  })();

  await sleep(1500);
  // the journal server leading the active segment of partition 0's shard, and kafka-broker 1
  const placement = cluster.client();
  const shards = (await placement.journal.listShards({ namespace: 'kafka-robustmq' })).shards;
  expect(shards.length).toBeGreaterThanOrEqual(2);
  const segments = await placement.journal.listSegments('kafka-robustmq', shards[0]!.name);
  const leader = segments[segments.length - 1]!.leader;
  await Promise.all([k1.process.kill('SIGKILL'), cluster.kill(cluster.journal(leader))]);
  await sleep(6000);
  stop = true;
  await writer;
  await producer.disconnect();

  expect(acked[0]!.length + acked[1]!.length).toBeGreaterThan(20);
  for (const partition of [0, 1]) {
    const { stdout } = await run(
      'kcat',
      ['-b', brokers[1]!, '-C', '-t', 'durable', '-p', String(partition), '-o', 'beginning', '-e', '-q'],
      { timeout: 60_000 },
    );
    const stored = stdout.split('\n').filter(Boolean).map(Number);
    const firstSeen = new Map<number, number>();
    stored.forEach((n, i) => firstSeen.has(n) || firstSeen.set(n, i));
    const missing = acked[partition]!.filter((n) => !firstSeen.has(n));
    expect(missing, `partition ${partition}: acknowledged but not stored`).toEqual([]);
    const positions = acked[partition]!.map((n) => firstSeen.get(n)!);
    expect(positions, `partition ${partition}: acknowledged records out of order`).toEqual(
      [...positions].sort((a, b) => a - b),
    );
  }
}, 120_000);
