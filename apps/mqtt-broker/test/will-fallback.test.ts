// A broker whose placement center is unreachable keeps working on its own: clients still connect (a clean session
// never waits for placement; a persistent one mirrors in the background), and a delayed will whose hand-off to
// placement fails is published by the broker's local timer, once.
import { beforeAll, expect, it } from 'vitest';
import type { MqttBrokerHandle } from '../src/index.js';
import { collect, connectClient, sleep, testScope, willClient } from '@robustmq/testing';
import { startBrokerOnPlacement } from '@robustmq/testing/broker';
import type { TestPlacement } from '@robustmq/testing/placement';

const scope = testScope();
let placement: TestPlacement;
let broker: MqttBrokerHandle;

beforeAll(async () => {
  const started = await startBrokerOnPlacement(scope);
  placement = started.placement;
  broker = started.broker.handle;
});

it('publishes a delayed will from its local timer when placement cannot be told', async () => {
  await placement.stop();
  const url = `mqtt://127.0.0.1:${broker.ports.mqtt}`;
  const sub = await connectClient(url, { clientId: 'fallback-sub', protocolVersion: 5 }, scope);
  await sub.subscribeAsync('fallback/status', { qos: 1 });
  const got = collect(sub);

  const startedAt = Date.now();
  const dying = await connectClient(url, willClient('fallback-dying', 'fallback/status', 'offline'), scope);
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
