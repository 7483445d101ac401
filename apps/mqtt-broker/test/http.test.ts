// The HTTP admin server: /health, /metrics with the broker's metrics, /api/v1/clients (with search and paging), the
// other lists (sessions, subscriptions, topics, retained), and the error shape.
import { beforeAll, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { collect } from '@robustmq/testing';
import { useTestBroker } from '@robustmq/testing/broker';

const broker = useTestBroker();
let client: MqttClient;
let base: string;

beforeAll(async () => {
  base = broker.http;
  client = await broker.client({ clientId: 'http-test-client' });
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
  const body = (await res.json()) as {
    total: number;
    clients: { clientId: string; protocolVersion: number; subscriptions: number }[];
  };
  expect(body.total).toBe(1);
  expect(body.clients[0]).toMatchObject({
    clientId: 'http-test-client',
    protocolVersion: 4,
    subscriptions: 2,
  });
});

it('lists sessions, subscriptions, topics and retained messages in the same page shape', async () => {
  await client.subscribeAsync('lists/+', { qos: 1 });
  await client.publishAsync('lists/kept', Buffer.from([0, 1, 2]), { qos: 1, retain: true });
  const list = async (path: string) => {
    const res = await fetch(`${base}/api/v1/${path}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown> & { total: number; more: boolean };
  };
  expect(await list('sessions?search=http-test')).toMatchObject({
    total: 1,
    more: false,
    sessions: [{ clientId: 'http-test-client', connected: true }],
  });
  expect(await list('subscriptions?search=lists')).toMatchObject({
    total: 1,
    subscriptions: [{ clientId: 'http-test-client', topic: 'lists/+', qos: 1 }],
  });
  expect(await list('topics?search=lists/kept')).toMatchObject({
    total: 1,
    untrackedMessages: 0,
    topics: [{ topic: 'lists/kept', messages: 1 }],
  });
  expect(await list('retained?search=lists')).toMatchObject({
    total: 1,
    retained: [{ topic: 'lists/kept', qos: 1, payloadBytes: 3, payload: 'AAEC' }],
  });
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

it('searches and pages the client list in client-id order', async () => {
  const others = [];
  for (const id of ['page-c', 'page-a', 'page-b', 'other-1'])
    others.push(await broker.client({ clientId: id }));
  const page = async (q: string) =>
    (await (await fetch(`${base}/api/v1/clients?${q}`)).json()) as {
      total: number;
      more: boolean;
      clients: { clientId: string }[];
    };
  const first = await page('search=PAGE-&limit=2');
  expect(first).toMatchObject({ total: 3, more: true });
  expect(first.clients.map((c) => c.clientId)).toEqual(['page-a', 'page-b']);
  const second = await page('search=page-&limit=2&start_after=page-b');
  expect(second).toMatchObject({ total: 3, more: false });
  expect(second.clients.map((c) => c.clientId)).toEqual(['page-c']);
  // the address is searched too; a limit out of range is a 400 naming it
  expect((await page('search=127.0.0.1')).total).toBe(5);
  const bad = await fetch(`${base}/api/v1/clients?limit=0`);
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({
    code: 'INVALID_ARGUMENT',
    message: expect.stringMatching(/limit/),
  });
  for (const c of others) await c.endAsync();
});

it('answers unknown routes with { code, message }', async () => {
  const res = await fetch(`${base}/api/v1/nope`);
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' });
});

it("answers a URL with a bad escape with { code, message }, not in fastify's own shape", async () => {
  const res = await fetch(`${base}/api/v1/clients/%E0%A4%A`);
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({
    code: 'INVALID_ARGUMENT',
    message: expect.stringMatching(/URL is not valid/),
  });
});
