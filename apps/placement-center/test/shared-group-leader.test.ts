// GetShareSubLeader against a real placement center: brokers register through the cluster service and heartbeat
// (expiry 600 ms here), groups are asked for through PlacementClient and raw grpc-js. A group gets the broker leading
// the fewest groups (ties to the lowest node id) and keeps it while that broker lives; when the broker unregisters or
// expires, the leader moves its groups to live brokers by itself (the records change without anyone asking), and
// drops them when no broker is left.
import * as grpc from '@grpc/grpc-js';
import { PlacementError, type PlacementClient } from '@robustmq/placement-client';
import { newMqttClient, type MqttServiceClient } from '@robustmq/protocol';
import { beforeAll, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';

const scope = testScope();
let placement: TestPlacement;
let client: PlacementClient;
let raw: MqttServiceClient;
/** brokers the test keeps heartbeating. */
const beating = new Set<number>();
let beat: NodeJS.Timeout;

const broker = (nodeId: number) => ({
  clusterType: 'MQTT_BROKER' as const,
  clusterName: 'c',
  nodeId,
  host: `broker-${nodeId}`,
  ports: { mqtt: 1880 + nodeId, grpc: 9980 + nodeId },
  labels: {},
});

async function register(nodeId: number): Promise<void> {
  await client.cluster.registerNode(broker(nodeId));
  beating.add(nodeId);
}

/** group name → broker node id, as recorded in placement. */
async function recorded(): Promise<Record<string, number>> {
  const { resources } = await client.mqtt.listResources('SHARED_GROUP_LEADER');
  return Object.fromEntries(
    resources.map((r) => [r.key, (r.record as { brokerNodeId: number }).brokerNodeId]),
  );
}

function rawGet(groupName: string, requestId: string): Promise<{ brokerNodeId: number }> {
  return new Promise((resolve, reject) =>
    raw.GetShareSubLeader({ groupName, requestId }, { deadline: Date.now() + 5_000 }, (err, res) =>
      err ? reject(err) : resolve(res!),
    ),
  );
}

beforeAll(async () => {
  placement = scope.add(await startTestPlacement({ heartbeat: { timeout_ms: 600, check_interval_ms: 100 } }));
  client = placement.client({ callTimeoutMs: 5_000 });
  raw = scope.add(newMqttClient(placement.grpcAddress, grpc.credentials.createInsecure()));
  beat = setInterval(() => {
    for (const id of beating) void client.cluster.heartbeat('MQTT_BROKER', 'c', id).catch(() => undefined);
  }, 100);
  scope.defer(() => clearInterval(beat));
});

it('answers FAILED_PRECONDITION while no broker is registered', async () => {
  const err = await client.mqtt.getShareSubLeader('g').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PlacementError);
  expect(err).toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
  expect((err as Error).message).toMatch(/no MQTT broker is registered.*"g"/);
  expect(await recorded()).toEqual({});
});

it('refuses an empty group name or one with "/" or whitespace', async () => {
  for (const name of ['', 'a/b', 'a b']) {
    await expect(client.mqtt.getShareSubLeader(name), JSON.stringify(name)).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      message: expect.stringContaining('group_name'),
    });
  }
});

it('spreads groups over the brokers, keeps them while their broker lives, and moves them when it leaves', async () => {
  for (const id of [1, 2, 3]) await register(id);

  const groups = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5'];
  const first: Record<string, number> = {};
  for (const g of groups) first[g] = (await client.mqtt.getShareSubLeader(g)).brokerNodeId;
  // fewest groups first, ties to the lowest node id
  expect(first).toEqual({ g0: 1, g1: 2, g2: 3, g3: 1, g4: 2, g5: 3 });
  expect(await recorded()).toEqual(first);
  // the answer carries the broker's registered address
  expect(await client.mqtt.getShareSubLeader('g2')).toEqual({
    brokerNodeId: 3,
    host: 'broker-3',
    ports: { mqtt: 1883, grpc: 9983 },
  });

  // stable while the brokers live, whoever asks
  for (const g of groups) expect((await client.mqtt.getShareSubLeader(g)).brokerNodeId).toBe(first[g]);
  expect((await rawGet('g4', 'raw-1')).brokerNodeId).toBe(2);

  // broker 1 unregisters cleanly: its two groups move at once, one to each remaining broker (2 and 3 lead 2 each)
  beating.delete(1);
  await client.cluster.unregisterNode('MQTT_BROKER', 'c', 1);
  await expect
    .poll(recorded, { timeout: 3_000, interval: 25 })
    .toEqual({ g0: 2, g1: 2, g2: 3, g3: 3, g4: 2, g5: 3 });

  // broker 2 stops heartbeating: once it expires, broker 3 leads everything
  beating.delete(2);
  await expect
    .poll(recorded, { timeout: 5_000, interval: 50 })
    .toEqual(Object.fromEntries(groups.map((g) => [g, 3])));
  expect((await client.cluster.listNodes('MQTT_BROKER')).map((n) => n.nodeId)).toEqual([3]);
  for (const g of groups) expect((await client.mqtt.getShareSubLeader(g)).brokerNodeId).toBe(3);

  // a broker that comes back gets new groups first (it leads none)
  await register(2);
  expect((await client.mqtt.getShareSubLeader('g6')).brokerNodeId).toBe(2);

  // no broker left: the records go, and asking fails until a broker registers
  beating.clear();
  await client.cluster.unregisterNode('MQTT_BROKER', 'c', 2);
  await client.cluster.unregisterNode('MQTT_BROKER', 'c', 3);
  await expect.poll(recorded, { timeout: 3_000, interval: 25 }).toEqual({});
  await expect(client.mqtt.getShareSubLeader('g0')).rejects.toMatchObject({
    code: grpc.status.FAILED_PRECONDITION,
  });
  await register(4);
  expect((await client.mqtt.getShareSubLeader('g0')).brokerNodeId).toBe(4);
}, 30_000);

it('answers with what is recorded when a request id is retried, even for another group', async () => {
  // a retry of the same request: the write is not repeated, the answer is the same
  const a = await rawGet('retry-a', 'req-7');
  expect(await rawGet('retry-a', 'req-7')).toEqual(a);
  // the id's first write named another group: this group still gets (and records) a broker of its own
  const b = await rawGet('retry-b', 'req-7');
  expect((await recorded())['retry-b']).toBe(b.brokerNodeId);
});
