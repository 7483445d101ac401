// A node whose heartbeats stop is removed after the configured timeout; one that keeps beating stays.
import { beforeAll, expect, it } from 'vitest';
import type { PlacementClient } from '@robustmq/common';
import { testScope } from '@robustmq/testing';
import { startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';

const scope = testScope();
let placement: TestPlacement;
let client: PlacementClient;
beforeAll(async () => {
  placement = scope.add(await startTestPlacement({ heartbeat: { timeout_ms: 600, check_interval_ms: 100 } }));
  client = placement.client();
});

it('expires a silent node and keeps a beating one', async () => {
  const node = (nodeId: number) => ({ clusterType: 'MQTT_BROKER' as const, clusterName: 'c', nodeId, host: 'h', ports: {}, labels: {} });
  await client.registerNode(node(1));
  await client.registerNode(node(2));
  const beat = setInterval(() => void client.heartbeat('MQTT_BROKER', 'c', 2).catch(() => undefined), 100);
  try {
    await expect.poll(async () => (await client.listNodes()).map((n) => n.nodeId), { timeout: 5000, interval: 100 }).toEqual([2]);
    // still there well past the timeout, because it keeps beating
    await new Promise((r) => setTimeout(r, 1000));
    expect((await client.listNodes()).map((n) => n.nodeId)).toEqual([2]);
  } finally {
    clearInterval(beat);
  }
  // the expired node learns it is unknown from its next heartbeat
  await expect(client.heartbeat('MQTT_BROKER', 'c', 1)).rejects.toMatchObject({ code: 5 });
});
