// The placement scheduler follows Raft leadership: with three placement members (in-process, real Raft over gRPC)
// a delayed will is handed to placement, leadership moves to another member before the will is due, and the will
// is still published exactly once — by the new leader, which rebuilt the due times from its state machine, while
// the deposed leader stopped scheduling.
import type { PlacementClient } from '@robustmq/placement-client';
import { beforeAll, expect, it } from 'vitest';
import type { MqttBrokerHandle } from '../src/index.js';
import { collect, connectClient, sleep, testScope, willClient } from '@robustmq/testing';
import { expectPlacementTookOver, startTestBroker } from '@robustmq/testing/broker';
import { startPlacementCluster, type TestPlacementCluster } from '@robustmq/testing/placement';

const scope = testScope();
let cluster: TestPlacementCluster;
let client: PlacementClient;
let broker: MqttBrokerHandle;

beforeAll(async () => {
  cluster = scope.add(
    await startPlacementCluster(3, {
      tickMs: 50,
      electionTicks: 10,
      fastScheduler: true,
    }),
  );
  client = cluster.client();
  broker = scope.add(await startTestBroker({}, { id: 1, placement: cluster.addresses })).handle;
}, 60_000);

it('publishes a delayed will once after leadership moved before it was due', async () => {
  const url = `mqtt://127.0.0.1:${broker.ports.mqtt}`;
  const sub = await connectClient(url, { clientId: 'leader-sub', protocolVersion: 5 }, scope);
  await sub.subscribeAsync('leader/status', { qos: 1 });
  const got = collect(sub);
  const dying = await connectClient(
    url,
    willClient('leader-dying', 'leader/status', 'offline', { delay: 2 }),
    scope,
  );
  await expect
    .poll(() => client.mqtt.getResource('WILL_MESSAGE', 'leader-dying'), { timeout: 5_000 })
    .toBeDefined();
  const droppedAt = Date.now();
  dying.stream.destroy();
  dying.end(true);
  // the local fallback timer is gone: only placement can publish the will now
  await expectPlacementTookOver(client, broker, 'leader-dying', 'willTimer');

  const before = await cluster.leader();
  const next = before === 1 ? 2 : 1;
  const moved = await fetch(
    `http://127.0.0.1:${cluster.member(before).handle!.ports.http}/api/v1/cluster/leader`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nodeId: next }),
    },
  );
  expect(moved.status).toBe(200);
  expect(await cluster.leader()).toBe(next);
  expect(Date.now() - droppedAt).toBeLessThan(2_000); // moved before the will was due

  const [will] = await got.waitFor(1, 6_000);
  expect(will).toMatchObject({ topic: 'leader/status', payload: 'offline' });
  expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(1_900);
  await expect
    .poll(() => client.mqtt.getResource('WILL_MESSAGE', 'leader-dying'), { timeout: 3_000 })
    .toBeUndefined();
  await sleep(1_000);
  expect(got.messages).toHaveLength(1);
}, 30_000);
