// GetShareSubLeader on a three-member Raft placement group (in-process members on free ports): a follower answers
// UNAVAILABLE naming the leader and PlacementClient follows it; the assignment survives the placement leader's
// shutdown (it is in the replicated state, not the old leader's memory); and the new leader's controller moves the
// groups of a broker that unregisters afterwards.
import * as grpc from '@grpc/grpc-js';
import { LEADER_HINT_KEY, newMqttClient } from '@robustmq/protocol';
import { testScope } from '@robustmq/testing';
import { startPlacementCluster, type TestPlacementCluster, testNode } from '@robustmq/testing/placement';
import { beforeAll, expect, it } from 'vitest';
import type { PlacementClient } from '@robustmq/placement-client';

const scope = testScope();
let cluster: TestPlacementCluster;
let grpcPorts: number[] = [];
let client: PlacementClient;
const beating = new Set<number>();

beforeAll(async () => {
  cluster = scope.add(
    await startPlacementCluster(3, {
      electionTicks: 10,
      heartbeat: { timeout_ms: 3_000, check_interval_ms: 100 },
      overrides: { scheduler: { leader_check_ms: 50 } },
    }),
  );
  grpcPorts = cluster.members.map((m) => m.grpcPort);
  client = cluster.client({ callTimeoutMs: 10_000 });
  const beat = setInterval(() => {
    for (const id of beating) void client.cluster.heartbeat('MQTT_BROKER', 'c', id).catch(() => undefined);
  }, 200);
  scope.defer(() => clearInterval(beat));
}, 30_000);

it('is answered by the leader only, survives a placement leader change, and the new leader moves a departed broker’s groups', async () => {
  for (const nodeId of [1, 2]) {
    await client.cluster.registerNode(testNode('MQTT_BROKER', nodeId, { mqtt: 1880 + nodeId }));
    beating.add(nodeId);
  }
  const leader = await cluster.leader();
  const follower = [1, 2, 3].find((id) => id !== leader)!;

  // a follower does not choose: it names the leader
  const raw = newMqttClient(`127.0.0.1:${grpcPorts[follower - 1]}`, grpc.credentials.createInsecure());
  const err = await new Promise<grpc.ServiceError | null>((resolve) =>
    raw.GetShareSubLeader({ groupName: 'g0' }, (e) => resolve(e)),
  );
  raw.close();
  expect(err?.code).toBe(grpc.status.UNAVAILABLE);
  expect(err?.metadata.get(LEADER_HINT_KEY)[0]?.toString()).toBe(`127.0.0.1:${grpcPorts[leader - 1]}`);

  // a client that starts at the follower is sent on to the leader
  const viaFollower = cluster.client({
    addresses: [follower, leader].map((id) => `127.0.0.1:${grpcPorts[id - 1]}`),
    callTimeoutMs: 10_000,
  });
  try {
    expect((await viaFollower.mqtt.getShareSubLeader('g0')).brokerNodeId).toBe(1);
    expect((await viaFollower.mqtt.getShareSubLeader('g1')).brokerNodeId).toBe(2);
  } finally {
    viaFollower.close();
  }

  // the placement leader goes away; the next one answers from the replicated record
  await cluster.stopMember(leader);
  expect(await cluster.leader(10_000)).not.toBe(leader);
  expect((await client.mqtt.getShareSubLeader('g0')).brokerNodeId).toBe(1);
  expect((await client.mqtt.getShareSubLeader('g1')).brokerNodeId).toBe(2);

  // broker 1 leaves: the new leader's controller moves g0 without being asked
  beating.delete(1);
  await client.cluster.unregisterNode('MQTT_BROKER', 'c', 1);
  await expect
    .poll(async () => (await client.mqtt.getResource('SHARED_GROUP_LEADER', 'g0'))?.record, {
      timeout: 5_000,
      interval: 50,
    })
    .toEqual({ brokerNodeId: 2 });
  expect(await client.mqtt.getShareSubLeader('g0')).toEqual({
    brokerNodeId: 2,
    host: '127.0.0.1',
    ports: { mqtt: 1882 },
  });
}, 60_000);
