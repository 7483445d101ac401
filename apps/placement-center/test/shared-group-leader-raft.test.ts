// GetShareSubLeader on a three-member Raft placement group (in-process members on free ports): a follower answers
// UNAVAILABLE naming the leader and PlacementClient follows it; the assignment survives the placement leader's
// shutdown (it is in the replicated state, not the old leader's memory); and the new leader's controller moves the
// groups of a broker that unregisters afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { PlacementClient, freePort } from '@robustmq/common';
import { LEADER_HINT_KEY, newMqttClient } from '@robustmq/protocol';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { quietLogger } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'robustmq-pc-share-raft-'));
const members = new Map<number, PlacementCenterHandle>();
let grpcPorts: number[] = [];
let client: PlacementClient;
const beating = new Set<number>();
let beat: NodeJS.Timeout;

async function leaderId(): Promise<number> {
  for (const handle of members.values()) {
    try {
      const status = (await (await fetch(`http://127.0.0.1:${handle.ports.http}/api/v1/cluster`)).json()) as { leader: number };
      if (status.leader && members.has(status.leader)) return status.leader;
    } catch {
      // this member is not answering; ask another
    }
  }
  return 0;
}

async function waitForLeader(): Promise<void> {
  const until = Date.now() + 10_000;
  while ((await leaderId()) === 0) {
    if (Date.now() > until) throw new Error('no placement leader elected within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  grpcPorts = [await freePort(), await freePort(), await freePort()];
  const spec = grpcPorts.map((p, i) => `${i + 1}@127.0.0.1:${p}`);
  await Promise.all(
    [1, 2, 3].map(async (id) => {
      const config = loadPlacementCenterConfig({
        env: {},
        overrides: {
          node: { id, data_dir: join(dir, `pc-${id}`) },
          network: { host: '127.0.0.1', grpc_port: grpcPorts[id - 1]!, http_port: 0 },
          heartbeat: { timeout_ms: 3_000, check_interval_ms: 100 },
          cluster: { members: spec, tick_ms: 20, election_ticks: 10 },
          scheduler: { leader_check_ms: 50 },
        },
      });
      members.set(id, await startPlacementCenter(config, { logger: quietLogger }));
    }),
  );
  await waitForLeader();
  client = new PlacementClient({ addresses: grpcPorts.map((p) => `127.0.0.1:${p}`), callTimeoutMs: 10_000 });
  beat = setInterval(() => {
    for (const id of beating) void client.heartbeat('MQTT_BROKER', 'c', id).catch(() => undefined);
  }, 200);
}, 30_000);

afterAll(async () => {
  clearInterval(beat);
  client?.close();
  for (const handle of members.values()) await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

it('is answered by the leader only, survives a placement leader change, and the new leader moves a departed broker’s groups', async () => {
  for (const nodeId of [1, 2]) {
    await client.registerNode({ clusterType: 'MQTT_BROKER', clusterName: 'c', nodeId, host: '127.0.0.1', ports: { mqtt: 1880 + nodeId }, labels: {} });
    beating.add(nodeId);
  }
  const leader = await leaderId();
  const follower = [1, 2, 3].find((id) => id !== leader)!;

  // a follower does not choose: it names the leader
  const raw = newMqttClient(`127.0.0.1:${grpcPorts[follower - 1]}`, grpc.credentials.createInsecure());
  const err = await new Promise<grpc.ServiceError | null>((resolve) => raw.GetShareSubLeader({ groupName: 'g0' }, (e) => resolve(e)));
  raw.close();
  expect(err?.code).toBe(grpc.status.UNAVAILABLE);
  expect(err?.metadata.get(LEADER_HINT_KEY)[0]?.toString()).toBe(`127.0.0.1:${grpcPorts[leader - 1]}`);

  // a client that starts at the follower is sent on to the leader
  const viaFollower = new PlacementClient({ addresses: [follower, leader].map((id) => `127.0.0.1:${grpcPorts[id - 1]}`), callTimeoutMs: 10_000 });
  try {
    expect((await viaFollower.getShareSubLeader('g0')).brokerNodeId).toBe(1);
    expect((await viaFollower.getShareSubLeader('g1')).brokerNodeId).toBe(2);
  } finally {
    viaFollower.close();
  }

  // the placement leader goes away; the next one answers from the replicated record
  await members.get(leader)!.close();
  members.delete(leader);
  await expect.poll(leaderId, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
  expect((await client.getShareSubLeader('g0')).brokerNodeId).toBe(1);
  expect((await client.getShareSubLeader('g1')).brokerNodeId).toBe(2);

  // broker 1 leaves: the new leader's controller moves g0 without being asked
  beating.delete(1);
  await client.unregisterNode('MQTT_BROKER', 'c', 1);
  await expect
    .poll(async () => (await client.getResource('SHARED_GROUP_LEADER', 'g0'))?.record, { timeout: 5_000, interval: 50 })
    .toEqual({ brokerNodeId: 2 });
  expect(await client.getShareSubLeader('g0')).toEqual({ brokerNodeId: 2, host: '127.0.0.1', ports: { mqtt: 1882 } });
}, 60_000);
