// The cluster secret between a broker and placement (both with `[cluster] auth_token`): the broker registers and
// hands its sessions to placement with it, the placement leader's SendLastWill reaches the broker's inner service
// with it (a delayed will fires through placement), and the inner service refuses calls without it or with a wrong
// one with UNAUTHENTICATED naming the key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { PlacementClient, createLogger } from '@robustmq/common';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';
import { clusterClientOptions, newBrokerInnerClient, type BrokerInnerServiceClient } from '@robustmq/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadMqttBrokerConfig, startMqttBroker, type MqttBrokerHandle } from '../src/index.js';
import { collect, connectClient } from '@robustmq/testing';

const TOKEN = 'broker-test-secret';
const dir = mkdtempSync(join(tmpdir(), 'robustmq-broker-auth-'));
const quiet = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let placement: PlacementCenterHandle;
let client: PlacementClient;
let broker: MqttBrokerHandle;
const mqttClients: MqttClient[] = [];
const grpcClients: grpc.Client[] = [];

beforeAll(async () => {
  placement = await startPlacementCenter(
    loadPlacementCenterConfig({
      env: {},
      overrides: {
        node: { data_dir: join(dir, 'pc') },
        network: { host: '127.0.0.1', grpc_port: 0, http_port: 0 },
        scheduler: { leader_check_ms: 50, retry_ms: 200 },
        cluster: { auth_token: TOKEN },
      },
    }),
    { logger: quiet },
  );
  client = new PlacementClient({ addresses: [placement.grpcAddress], authToken: TOKEN });
  broker = await startMqttBroker(
    loadMqttBrokerConfig({
      env: {},
      overrides: {
        node: { id: 1, data_dir: join(dir, 'broker') },
        network: { host: '127.0.0.1', tcp_port: 0, http_port: 0, ws_port: 0, grpc_port: 0 },
        placement: { enabled: true, addresses: [placement.grpcAddress], heartbeat_interval_ms: 200 },
        mqtt: { sys_interval_s: 0 },
        cluster: { auth_token: TOKEN },
      },
    }),
    { logger: quiet },
  );
});

afterAll(async () => {
  for (const c of mqttClients) c.end(true);
  for (const c of grpcClients) c.close();
  await broker?.close();
  client?.close();
  await placement?.close();
  rmSync(dir, { recursive: true, force: true });
});

function inner(token?: string): BrokerInnerServiceClient {
  const c = newBrokerInnerClient(`127.0.0.1:${broker.ports.grpc!}`, grpc.credentials.createInsecure(), clusterClientOptions(token));
  grpcClients.push(c as unknown as grpc.Client);
  return c;
}

function deleteSession(c: BrokerInnerServiceClient, clientId: string): Promise<{ reply?: unknown; code?: grpc.status; details?: string }> {
  return new Promise((resolve) => c.DeleteSession({ clientId }, (err, res) => resolve(err ? { code: err.code, details: err.details } : { reply: res })));
}

it('registers with placement using the token', async () => {
  const nodes = await client.listNodes('MQTT_BROKER');
  expect(nodes.map((n) => n.nodeId)).toEqual([1]);
});

it('the inner service refuses calls without the token or with a wrong one, and answers with it', async () => {
  const none = await deleteSession(inner(), 'nobody');
  expect(none.code).toBe(grpc.status.UNAUTHENTICATED);
  expect(none.details).toContain('[cluster] auth_token');
  expect((await deleteSession(inner('not-the-secret'), 'nobody')).code).toBe(grpc.status.UNAUTHENTICATED);
  expect(await deleteSession(inner(TOKEN), 'nobody')).toEqual({ reply: { deleted: false } });
});

it("a delayed will fires through the placement leader's SendLastWill, which carries the token", async () => {
  const url = `mqtt://127.0.0.1:${broker.ports.mqtt}`;
  const sub = await connectClient(url, { protocolVersion: 5, clientId: 'auth-will-sub' });
  mqttClients.push(sub);
  await sub.subscribeAsync('auth/wills', { qos: 1 });
  const got = collect(sub);
  const dying = await connectClient(url, {
    protocolVersion: 5,
    clientId: 'auth-dying',
    properties: { sessionExpiryInterval: 60 },
    will: { topic: 'auth/wills', payload: Buffer.from('gone'), qos: 1, retain: false, properties: { willDelayInterval: 1 } },
  });
  await expect.poll(async () => (await client.getResource('WILL_MESSAGE', 'auth-dying'))?.record, { timeout: 3_000 }).toMatchObject({ delayIntervalSec: 1 });
  dying.stream.destroy();
  dying.end(true);
  // placement took the disconnect over: only its leader can publish the will now
  await expect.poll(() => client.getResource('SESSION', 'auth-dying').then((r) => r?.record.connected), { timeout: 3_000 }).toBe(false);
  await expect.poll(() => broker.broker.sessions.get('auth-dying')?.willTimer, { timeout: 3_000 }).toBeUndefined();
  const [message] = await got.waitFor(1, 5_000);
  expect(message).toMatchObject({ topic: 'auth/wills', payload: 'gone' });
  await expect.poll(() => client.getResource('WILL_MESSAGE', 'auth-dying'), { timeout: 3_000 }).toBeUndefined();
});
