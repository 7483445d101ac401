// The placement center's console routes against real brokers: clients of two brokers merged into one list in
// client-id order and paged with start_after (each row naming its broker), a topic published on both brokers as one
// row with the counts added, shared-subscription groups in the subscription list, and a registered broker that cannot
// be reached reported in `errors` while the others' rows are still listed.
import { ClusterTypes } from '@robustmq/protocol';
import { connectClient, freePort, testScope, waitFor, type MqttClient } from '@robustmq/testing';
import { startTestBroker, type TestBroker } from '@robustmq/testing/broker';
import { startTestPlacement, type TestPlacement, testNode } from '@robustmq/testing/placement';
import { beforeAll, expect, it } from 'vitest';

const scope = testScope();
let placement: TestPlacement;
const brokers: TestBroker[] = [];

interface Merged {
  total: number;
  more: boolean;
  rows: Record<string, unknown>[];
  errors: { nodeId: number; code: string; message: string }[];
}
const get = async (path: string): Promise<Merged> => {
  const res = await fetch(placement.http + path);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Merged;
};

beforeAll(async () => {
  placement = scope.add(await startTestPlacement());
  for (const id of [1, 2])
    brokers.push(
      scope.add(await startTestBroker({}, { storage: 'memory', placement: [placement.grpcAddress], id })),
    );
  await waitFor(
    'both brokers to register',
    async () =>
      (await get('/api/v1/console/services')) &&
      (
        (await fetch(`${placement.http}/api/v1/cluster/nodes?cluster_type=MQTT_BROKER`).then((r) =>
          r.json(),
        )) as { nodes: unknown[] }
      ).nodes.length === 2,
  );
});

it('merges the clients of every broker in client-id order, a page at a time', async () => {
  const ids = Array.from({ length: 60 }, (_, i) => `c-${String(i).padStart(3, '0')}`);
  // every other client on the other broker, connected in a shuffled order
  await Promise.all(ids.map((id, i) => connectClient(brokers[i % 2]!.url, { clientId: id }, scope)));
  const seen: string[] = [];
  let startAfter = '';
  for (let page = 0; page < 5; page++) {
    const answer = await get(
      `/api/v1/console/clients?search=c-&limit=25&start_after=${encodeURIComponent(startAfter)}`,
    );
    expect(answer.total).toBe(60);
    expect(answer.errors).toEqual([]);
    for (const row of answer.rows) {
      seen.push(String(row.clientId));
      expect(row.brokerId).toBe(ids.indexOf(String(row.clientId)) % 2 === 0 ? 1 : 2);
    }
    if (!answer.more) break;
    startAfter = String(answer.rows[answer.rows.length - 1]!.clientId);
  }
  expect(seen).toEqual(ids);
  const bad = await fetch(`${placement.http}/api/v1/console/clients?limit=5000`);
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({
    code: 'INVALID_ARGUMENT',
    message: expect.stringMatching(/limit/),
  });
});

it('adds up a topic published on both brokers and lists shared groups', async () => {
  const pubs: MqttClient[] = [];
  for (const b of brokers) pubs.push(await connectClient(b.url, {}, scope));
  const sub = await connectClient(brokers[1]!.url, { clientId: 'group-member', protocolVersion: 5 }, scope);
  await sub.subscribeAsync('$share/workers/jobs/#', { qos: 1 });
  await pubs[0]!.publishAsync('merged/topic', 'a', { qos: 1 });
  await pubs[1]!.publishAsync('merged/topic', 'b', { qos: 1 });
  await pubs[1]!.publishAsync('merged/topic', 'c', { qos: 1 });
  const topics = await get('/api/v1/console/topics?search=merged');
  expect(topics.rows).toEqual([
    expect.objectContaining({ topic: 'merged/topic', messages: 3, brokerIds: [1, 2] }),
  ]);
  const subs = await get('/api/v1/console/subscriptions?search=workers');
  expect(subs.rows).toEqual([
    expect.objectContaining({ clientId: 'group-member', shareGroup: 'workers', brokerId: 2 }),
  ]);
});

it('lists the reachable brokers and names the one that is not', async () => {
  // a broker registered with an admin port nothing listens on
  const client = placement.client();
  const deadPort = await freePort();
  await client.cluster.registerNode(
    testNode(ClusterTypes.mqttBroker, 9, { http: deadPort, mqtt: deadPort }, { clusterName: 'robustmq' }),
  );
  const answer = await get('/api/v1/console/clients?search=c-&limit=10');
  expect(answer.rows).toHaveLength(10);
  expect(answer.errors).toEqual([
    { nodeId: 9, code: 'UNAVAILABLE', message: expect.stringMatching(/^broker 9: .*not reachable/) },
  ]);
  const services = (await (await fetch(`${placement.http}/api/v1/console/services`)).json()) as {
    brokers: { nodeId: number; reachable: boolean }[];
  };
  expect(services.brokers.map((b) => [b.nodeId, b.reachable])).toEqual([
    [1, true],
    [2, true],
    [9, false],
  ]);
  const kick = await fetch(`${placement.http}/api/v1/console/brokers/9/clients/x`, { method: 'DELETE' });
  expect(kick.status).toBe(503);
  expect(await kick.json()).toMatchObject({
    code: 'UNAVAILABLE',
    message: expect.stringMatching(/^broker 9: /),
  });
});
