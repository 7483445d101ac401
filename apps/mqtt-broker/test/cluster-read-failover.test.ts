// A persistent subscriber catching up from the shared log keeps its connection when the journal server that leads
// the log's segment is SIGKILLed under its reads: the broker retries the read (the segment's leadership moves to
// another replica) instead of closing the connection, and the subscriber gets every message — real processes:
// placement, 3 journal servers, 2 brokers; the messages are published on broker 1, the subscriber reads on broker 2.
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { JournalStorageAdapter } from '@robustmq/storage-adapter';
import { ProcessCluster, buildOnce, sleep, waitFor } from '@robustmq/testing';

const MESSAGES = 3000;
const cluster = new ProcessCluster();
const clients: MqttClient[] = [];

beforeAll(async () => {
  await buildOnce();
  await cluster.start(3);
  await cluster.addBroker(1);
  await cluster.addBroker(2);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
  await cluster.close();
});

function connect(port: number, clientId: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect({
    host: '127.0.0.1',
    port,
    clientId,
    protocolVersion: 5,
    reconnectPeriod: 0,
    ...options,
  });
  client.on('error', () => undefined);
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

/** the journal server leading the shared message log's active segment. */
async function sharedLogLeader(): Promise<number> {
  const adapter = new JournalStorageAdapter({
    placementAddresses: cluster.placementAddresses,
    namespace: 'mqtt-cluster',
  });
  try {
    const { namespace, name } = await adapter.placementShard('mqtt-messages');
    const segments = await cluster.client().journal.listSegments(namespace, name);
    return segments[segments.length - 1]!.leader;
  } finally {
    await adapter.close();
  }
}

const READERS = 4;

/** Persistent sessions on broker 2 that missed `MESSAGES` messages published on broker 1 catch up from the log with
 * a window of 5 (a few messages per read, so they are still reading — several reads in flight on the broker's
 * connection to the leader — when `fail` runs); resolves with what each received and how often it was closed. */
async function catchUpThrough(
  round: string,
  fail: () => Promise<void>,
): Promise<{ got: number[]; closed: number[] }> {
  const topic = `failover/${round}`;
  const session = { clean: false, properties: { sessionExpiryInterval: 600 } };
  for (let r = 0; r < READERS; r++) {
    const first = await connect(cluster.broker(2).mqtt, `${round}-reader-${r}`, session);
    await first.subscribeAsync(topic, { qos: 1 });
    await first.endAsync();
  }
  const publisher = await connect(cluster.broker(1).mqtt, `${round}-writer`);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < MESSAGES) await publisher.publishAsync(topic, String(next++), { qos: 1 });
  };
  await Promise.all(Array.from({ length: 20 }, worker)); // within the broker's receive maximum

  const readers = Array.from({ length: READERS }, (_, r) => {
    const state = { got: new Set<number>(), closed: 0 };
    const reader = mqtt.connect({
      host: '127.0.0.1',
      port: cluster.broker(2).mqtt,
      clientId: `${round}-reader-${r}`,
      protocolVersion: 5,
      reconnectPeriod: 0,
      ...session,
      properties: { ...session.properties, receiveMaximum: 5 },
    });
    clients.push(reader);
    reader.on('error', () => undefined);
    reader.on('close', () => state.closed++);
    reader.on('message', (_topic, payload) => state.got.add(Number(payload.toString())));
    return { reader, state };
  });
  await Promise.all(readers.map(({ reader }) => new Promise((resolve) => reader.once('connect', resolve))));
  await waitFor('the first messages read from the log', () =>
    readers.every(({ state }) => state.got.size > 0),
  );

  await fail();
  const atFailure = readers.map(({ state }) => state.got.size);
  expect(Math.min(...atFailure)).toBeLessThan(MESSAGES); // still catching up when it failed

  const settled = () => readers.every(({ state }) => state.got.size === MESSAGES || state.closed > 0);
  await waitFor('every message at every reader, or a connection closed', settled, { timeoutMs: 60_000 });
  const got = readers.map(({ state }) => state.got.size);
  const closed = readers.map(({ state }) => state.closed);
  console.log(
    `${round}: failure with ${atFailure.join(' / ')} of ${MESSAGES} messages read; then received ${got.join(' / ')}, connections closed ${closed.join(' / ')} times`,
  );
  for (const { reader } of readers) await reader.endAsync();
  return { got, closed };
}

test('subscribers reading the log keep their connections and get every message when the leading journal server dies', async () => {
  let leader = 0;
  const { got, closed } = await catchUpThrough('kill-leader', async () => {
    leader = await sharedLogLeader();
    await cluster.kill(cluster.journal(leader));
  });
  expect(closed).toEqual(got.map(() => 0));
  expect(got).toEqual(got.map(() => MESSAGES));
  await cluster.startJournal(cluster.journal(leader));
}, 120_000);

test('... and when placement is down as well while the leadership moves', async () => {
  // the broker's way to the new leader goes through placement (segment metadata): with placement gone for a few
  // seconds the reads fail for longer than one retry, and must still not cost the sessions their connections
  const { got, closed } = await catchUpThrough('kill-placement', async () => {
    const leader = await sharedLogLeader();
    await cluster.placement!.kill();
    await cluster.kill(cluster.journal(leader));
    await sleep(3_000);
    await cluster.placement!.start(cluster.placementHttp);
  });
  expect(closed).toEqual(got.map(() => 0));
  expect(got).toEqual(got.map(() => MESSAGES));
}, 120_000);
