// Topic-rewrite and auto-subscribe rules over the HTTP admin API: create/replace, list, get, delete against a real
// placement center, the same records a broker reads over gRPC, bad input as 400 {code,message}, and the admin token.
import { beforeAll, describe, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';

const scope = testScope();
let placement: TestPlacement;
let secured: TestPlacement;

beforeAll(async () => {
  placement = scope.add(await startTestPlacement({ heartbeat: { timeout_ms: 600_000 } }));
  secured = scope.add(await startTestPlacement({ adminToken: 'rules-token' }));
});

async function call(method: string, path: string, body?: unknown, base = placement.http, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(base + path, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
}

describe('/api/v1/mqtt/topic-rewrite-rules', () => {
  it('creates, replaces, lists, gets and deletes a rule that brokers see over gRPC', async () => {
    const rule = { action: 'publish', sourceTopic: 'x/#', destTopic: 'y/$1', regex: '^x/(.+)$' };
    const created = await call('PUT', '/api/v1/mqtt/topic-rewrite-rules/r1', rule);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'r1', ...rule, updatedAtMs: expect.any(Number) });
    const replaced = await call('PUT', '/api/v1/mqtt/topic-rewrite-rules/r1', { ...rule, priority: 5 });
    expect(replaced.status).toBe(200);
    expect(replaced.body.priority).toBe(5);

    const page = await placement.client().mqtt.listResources('TOPIC_REWRITE_RULE');
    expect(page.resources.map((r) => [r.key, r.record.priority])).toEqual([['r1', 5]]);

    expect((await call('GET', '/api/v1/mqtt/topic-rewrite-rules')).body).toEqual({
      rules: [replaced.body],
      more: false,
    });
    expect((await call('GET', '/api/v1/mqtt/topic-rewrite-rules/r1')).body).toEqual(replaced.body);
    expect((await call('DELETE', '/api/v1/mqtt/topic-rewrite-rules/r1')).status).toBe(204);
    expect(await call('GET', '/api/v1/mqtt/topic-rewrite-rules/r1')).toEqual({
      status: 404,
      body: { code: 'NOT_FOUND', message: expect.any(String) },
    });
    expect((await call('DELETE', '/api/v1/mqtt/topic-rewrite-rules/r1')).status).toBe(404);
  });

  const rule = { action: 'publish', sourceTopic: 'x', destTopic: 'y', regex: 'x' };
  it.each([
    ['r2', { ...rule, regex: '(' }, /regex/],
    ['r2', { action: 'publish' }, /sourceTopic/],
    ['r2', { ...rule, action: 'nope' }, /action/],
    ['a%20b', { ...rule, action: 'all' }, /id/],
  ])('answers a bad rule (PUT …/%s %j) with 400 naming the field', async (id, body, field) => {
    expect(await call('PUT', `/api/v1/mqtt/topic-rewrite-rules/${id}`, body)).toEqual({
      status: 400,
      body: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(field) },
    });
  });
});

describe('/api/v1/mqtt/auto-subscribe-rules', () => {
  it('creates, lists and deletes rules; rejects a bad topic filter and qos', async () => {
    expect(
      (await call('PUT', '/api/v1/mqtt/auto-subscribe-rules/a1', { topicFilter: 'news/#', qos: 1 })).status,
    ).toBe(201);
    expect(
      (
        await call('PUT', '/api/v1/mqtt/auto-subscribe-rules/a2', {
          topicFilter: 'alerts',
          qos: 0,
          noLocal: true,
        })
      ).status,
    ).toBe(201);
    const list = await call('GET', '/api/v1/mqtt/auto-subscribe-rules?limit=1');
    expect(list.body).toEqual({
      rules: [{ id: 'a1', topicFilter: 'news/#', qos: 1, updatedAtMs: expect.any(Number) }],
      more: true,
    });
    const next = await call('GET', '/api/v1/mqtt/auto-subscribe-rules?start_after=a1');
    expect(next.body.rules.map((r: { id: string }) => r.id)).toEqual(['a2']);
    expect(
      (await call('PUT', '/api/v1/mqtt/auto-subscribe-rules/a3', { topicFilter: 'a/#/b', qos: 1 })).status,
    ).toBe(400);
    expect(
      (await call('PUT', '/api/v1/mqtt/auto-subscribe-rules/a3', { topicFilter: 'a', qos: 3 })).status,
    ).toBe(400);
    expect((await call('DELETE', '/api/v1/mqtt/auto-subscribe-rules/a1')).status).toBe(204);
  });

  it('needs the admin bearer token when one is configured', async () => {
    expect((await call('GET', '/api/v1/mqtt/auto-subscribe-rules', undefined, secured.http)).status).toBe(
      401,
    );
    expect(
      (await call('GET', '/api/v1/mqtt/auto-subscribe-rules', undefined, secured.http, 'rules-token')).status,
    ).toBe(200);
  });
});
