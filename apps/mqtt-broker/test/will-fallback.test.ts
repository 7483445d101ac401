// A broker whose placement center is unreachable keeps working on its own: clients still connect (a clean session
// never waits for placement; a persistent one mirrors in the background), and a delayed will whose hand-off to
// placement fails is published by the broker's local timer, once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@robustmq/common';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadMqttBrokerConfig, startMqttBroker, type MqttBrokerHandle } from '../src/index.js';
import { collect, connectClient, sleep } from '@robustmq/testing';

const dir = mkdtempSync(join(tmpdir(), 'robustmq-will-fallback-'));
const quiet = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let placement: PlacementCenterHandle | undefined;
let broker: MqttBrokerHandle;
const clients: MqttClient[] = [];

beforeAll(async () => {
  placement = await startPlacementCenter(
    loadPlacementCenterConfig({
      env: {},
      overrides: { node: { data_dir: join(dir, 'pc') }, network: { host: '127.0.0.1', grpc_port: 0, http_port: 0 } },
    }),
    { logger: quiet },
  );
  broker = await startMqttBroker(
    loadMqttBrokerConfig({
      env: {},
      overrides: {
        node: { id: 1, data_dir: join(dir, 'broker') },
        network: { host: '127.0.0.1', tcp_port: 0, http_port: 0, ws_port: 0, grpc_port: 0 },
        placement: { enabled: true, addresses: [placement.grpcAddress], heartbeat_interval_ms: 200 },
        mqtt: { sys_interval_s: 0 },
        log: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
      },
    }),
    { logger: quiet },
  );
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  await broker.close();
  await placement?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('publishes a delayed will from its local timer when placement cannot be told', async () => {
  await placement!.close();
  placement = undefined;
  const url = `mqtt://127.0.0.1:${broker.ports.mqtt}`;
  const sub = await connectClient(url, { clientId: 'fallback-sub', protocolVersion: 5 });
  clients.push(sub);
  await sub.subscribeAsync('fallback/status', { qos: 1 });
  const got = collect(sub);

  const startedAt = Date.now();
  const dying = await connectClient(url, {
    clientId: 'fallback-dying',
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 60 },
    will: { topic: 'fallback/status', payload: Buffer.from('offline'), qos: 1, retain: false, properties: { willDelayInterval: 1 } },
  });
  clients.push(dying);
  // CONNECT of a persistent session did not wait for the unreachable placement
  expect(Date.now() - startedAt).toBeLessThan(1_000);
  const droppedAt = Date.now();
  dying.stream.destroy();
  dying.end(true);

  const [will] = await got.waitFor(1, 4_000);
  expect(will).toMatchObject({ topic: 'fallback/status', payload: 'offline' });
  const took = Date.now() - droppedAt;
  expect(took).toBeGreaterThanOrEqual(900);
  expect(took).toBeLessThan(3_000);
  await sleep(500);
  expect(got.messages).toHaveLength(1);
});
