// The cluster secret between a broker and placement (both with `[cluster] auth_token`): the broker registers and
// hands its sessions to placement with it, the placement leader's SendLastWill reaches the broker's inner service
// with it (a delayed will fires through placement), and the inner service refuses calls without it or with a wrong
// one with UNAUTHENTICATED naming the key.
import * as grpc from '@grpc/grpc-js';
import type { PlacementClient } from '@robustmq/placement-client';
import { newBrokerInnerClient, type BrokerInnerServiceClient } from '@robustmq/protocol';
import { beforeAll, expect, it } from 'vitest';
import type { MqttBrokerHandle } from '../src/index.js';
import { collect, connectClient, testScope, tokenClient, unary, willClient } from '@robustmq/testing';
import { expectPlacementTookOver, startBrokerOnPlacement } from '@robustmq/testing/broker';

const TOKEN = 'broker-test-secret';
const scope = testScope();
let client: PlacementClient;
let broker: MqttBrokerHandle;

beforeAll(async () => {
  const started = await startBrokerOnPlacement(scope, { authToken: TOKEN, fastScheduler: true });
  client = started.placement.client();
  broker = started.broker.handle;
});

const inner = (token?: string) =>
  tokenClient(newBrokerInnerClient, `127.0.0.1:${broker.ports.grpc!}`, token, scope);

const deleteSession = (c: BrokerInnerServiceClient, clientId: string) =>
  unary(c, c.DeleteSession, { clientId });

it('registers with placement using the token', async () => {
  const nodes = await client.cluster.listNodes('MQTT_BROKER');
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
  const sub = await connectClient(url, { protocolVersion: 5, clientId: 'auth-will-sub' }, scope);
  await sub.subscribeAsync('auth/wills', { qos: 1 });
  const got = collect(sub);
  const dying = await connectClient(url, willClient('auth-dying', 'auth/wills', 'gone'));
  await expect
    .poll(async () => (await client.mqtt.getResource('WILL_MESSAGE', 'auth-dying'))?.record, {
      timeout: 3_000,
    })
    .toMatchObject({ delayIntervalSec: 1 });
  dying.stream.destroy();
  dying.end(true);
  // placement took the disconnect over: only its leader can publish the will now
  await expectPlacementTookOver(client, broker, 'auth-dying', 'willTimer');
  const [message] = await got.waitFor(1, 5_000);
  expect(message).toMatchObject({ topic: 'auth/wills', payload: 'gone' });
  await expect
    .poll(() => client.mqtt.getResource('WILL_MESSAGE', 'auth-dying'), { timeout: 3_000 })
    .toBeUndefined();
});
