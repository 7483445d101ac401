// The HTTP admin server: /health, /metrics with the broker's metrics, /api/v1/clients, and the error shape.
import { beforeAll, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { collect, connectClient, testScope } from '@robustmq/testing';
import { startTestBroker, type TestBroker } from '@robustmq/testing/broker';

const scope = testScope();
let broker: TestBroker;
let client: MqttClient;
let base: string;

beforeAll(async () => {
  broker = scope.add(await startTestBroker());
  base = broker.http;
  client = await connectClient(broker.url, { clientId: 'http-test-client' }, scope);
});

it('reports health', async () => {
  const res = await fetch(`${base}/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ok', clients: 1 });
});

it('lists connected clients', async () => {
  await client.subscribeAsync(['a/+', 'b/#']);
  const res = await fetch(`${base}/api/v1/clients`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { total: number; clients: { clientId: string; protocolVersion: number; subscriptions: number }[] };
  expect(body.total).toBe(1);
  expect(body.clients[0]).toMatchObject({ clientId: 'http-test-client', protocolVersion: 4, subscriptions: 2 });
});

it('exposes broker metrics', async () => {
  const got = collect(client);
  await client.subscribeAsync('metrics/t');
  await client.publishAsync('metrics/t', 'hello');
  await got.waitFor(1);
  const text = await (await fetch(`${base}/metrics`)).text();
  expect(text).toMatch(/^mqtt_connections\{[^}]*\} 1$/m);
  expect(text).toMatch(/^mqtt_messages_received_total\{[^}]*\} [1-9]/m);
  expect(text).toMatch(/^mqtt_messages_sent_total\{[^}]*\} [1-9]/m);
  expect(text).toMatch(/^mqtt_bytes_received_total\{[^}]*\} [1-9]/m);
  expect(text).toMatch(/^mqtt_bytes_sent_total\{[^}]*\} [1-9]/m);
});

it('answers unknown routes with { code, message }', async () => {
  const res = await fetch(`${base}/api/v1/nope`);
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' });
});

it("answers a URL with a bad escape with { code, message }, not in fastify's own shape", async () => {
  const res = await fetch(`${base}/api/v1/clients/%E0%A4%A`);
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/URL is not valid/) });
});
