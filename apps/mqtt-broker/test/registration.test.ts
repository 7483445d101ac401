// Registration with a real placement center: the broker registers its real bound ports after binding, keeps its
// registration fresh with heartbeats, and unregisters on close.
import { expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { startTestBroker } from '@robustmq/testing/broker';
import { usePlacement } from '@robustmq/testing/placement';

const scope = testScope();
const pc = usePlacement();

it('registers the bound ports, heartbeats, and unregisters on close', async () => {
  const { handle } = scope.add(
    await startTestBroker(
      {},
      {
        id: 7,
        placement: [pc.placement.grpcAddress],
        sections: {
          node: { cluster_name: 'test-cluster' },
          network: { advertise_host: '127.0.0.1' },
          placement: { heartbeat_interval_ms: 50 },
        },
      },
    ),
  );
  const [registered] = await pc.client.cluster.listNodes('MQTT_BROKER', 'test-cluster');
  expect(registered).toMatchObject({
    clusterType: 'MQTT_BROKER',
    clusterName: 'test-cluster',
    nodeId: 7,
    host: '127.0.0.1',
    ports: { mqtt: handle.ports.mqtt, http: handle.ports.http, ws: handle.ports.ws, grpc: handle.ports.grpc },
  });
  expect(handle.ports.ws).toBeGreaterThan(0);
  expect(handle.ports.grpc).toBeGreaterThan(0);
  // heartbeats move last_heartbeat forward
  const first = registered!.lastHeartbeatMs;
  await expect
    .poll(
      async () => (await pc.client.cluster.listNodes('MQTT_BROKER', 'test-cluster'))[0]?.lastHeartbeatMs ?? 0,
      { timeout: 3000 },
    )
    .toBeGreaterThan(first);

  await handle.close();
  expect(await pc.client.cluster.listNodes('MQTT_BROKER', 'test-cluster')).toEqual([]);
});
