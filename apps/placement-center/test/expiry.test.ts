// A node whose heartbeats stop is removed after the configured timeout; one that keeps beating stays.
import { expect, it } from 'vitest';
import { usePlacement } from '@robustmq/testing/placement';

const pc = usePlacement({ heartbeat: { timeout_ms: 600, check_interval_ms: 100 } });

it('expires a silent node and keeps a beating one', async () => {
  const node = (nodeId: number) => ({
    clusterType: 'MQTT_BROKER' as const,
    clusterName: 'c',
    nodeId,
    host: 'h',
    ports: {},
    labels: {},
  });
  await pc.client.cluster.registerNode(node(1));
  await pc.client.cluster.registerNode(node(2));
  const beat = setInterval(
    () => void pc.client.cluster.heartbeat('MQTT_BROKER', 'c', 2).catch(() => undefined),
    100,
  );
  try {
    await expect
      .poll(async () => (await pc.client.cluster.listNodes()).map((n) => n.nodeId), {
        timeout: 5000,
        interval: 100,
      })
      .toEqual([2]);
    // still there well past the timeout, because it keeps beating
    await new Promise((r) => setTimeout(r, 1000));
    expect((await pc.client.cluster.listNodes()).map((n) => n.nodeId)).toEqual([2]);
  } finally {
    clearInterval(beat);
  }
  // the expired node learns it is unknown from its next heartbeat
  await expect(pc.client.cluster.heartbeat('MQTT_BROKER', 'c', 1)).rejects.toMatchObject({ code: 5 });
});
