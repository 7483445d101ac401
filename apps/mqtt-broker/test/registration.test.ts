// Registration with a real placement center: the broker registers its real bound ports after binding, keeps its
// registration fresh with heartbeats, and unregisters on close.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '@robustmq/common';
import { PlacementClient } from '@robustmq/placement-client';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';
import { loadMqttBrokerConfig, startMqttBroker } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'robustmq-broker-reg-'));
let placement: PlacementCenterHandle;
let client: PlacementClient;

beforeAll(async () => {
  placement = await startPlacementCenter(
    loadPlacementCenterConfig({
      env: {},
      overrides: { node: { data_dir: join(dir, 'pc') }, network: { host: '127.0.0.1', grpc_port: 0, http_port: 0 } },
    }),
    { logger: createLogger({ service: 'test', level: 'silent' }) },
  );
  client = new PlacementClient({ addresses: [placement.grpcAddress] });
});

afterAll(async () => {
  client.close();
  await placement.close();
  rmSync(dir, { recursive: true, force: true });
});

it('registers the bound ports, heartbeats, and unregisters on close', async () => {
  const config = loadMqttBrokerConfig({
    env: {},
    overrides: {
      node: { id: 7, cluster_name: 'test-cluster', data_dir: join(dir, 'broker') },
      network: { host: '127.0.0.1', advertise_host: '127.0.0.1', tcp_port: 0, http_port: 0, ws_port: 0, grpc_port: 0 },
      placement: { enabled: true, addresses: [placement.grpcAddress], heartbeat_interval_ms: 50 },
      log: { level: 'silent' },
    },
  });
  const handle = await startMqttBroker(config);
  const [registered] = await client.cluster.listNodes('MQTT_BROKER', 'test-cluster');
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
    .poll(async () => (await client.cluster.listNodes('MQTT_BROKER', 'test-cluster'))[0]?.lastHeartbeatMs ?? 0, { timeout: 3000 })
    .toBeGreaterThan(first);

  await handle.close();
  expect(await client.cluster.listNodes('MQTT_BROKER', 'test-cluster')).toEqual([]);
});
