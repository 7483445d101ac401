// Idempotency-Key on the HTTP admin API: a write sent again with the same key takes effect once and answers like the
// first time (a client whose request timed out can simply retry); without a key the retry meets the first write.
import { beforeAll, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';

const scope = testScope();
let placement: TestPlacement;
beforeAll(async () => {
  placement = scope.add(await startTestPlacement({ heartbeat: { timeout_ms: 600_000 } }));
});

async function call(method: string, path: string, body?: unknown, key?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (key !== undefined) headers['idempotency-key'] = key;
  const response = await fetch(placement.http + path, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
}

it('creates a user once and answers the retry with the first result', async () => {
  const first = await call('POST', '/api/v1/mqtt/users', { username: 'ida', password: 'pw' }, 'create-ida');
  const again = await call('POST', '/api/v1/mqtt/users', { username: 'ida', password: 'pw' }, 'create-ida');
  expect(first.status).toBe(201);
  expect(again).toEqual(first);
  // a new key is a new write: the user exists
  const other = await call('POST', '/api/v1/mqtt/users', { username: 'ida', password: 'pw' }, 'create-ida-2');
  expect(other.status).toBe(409);
  expect(other.body.code).toBe('ALREADY_EXISTS');
});

it('gives a retried ACL create the same generated id, and adds one rule', async () => {
  const rule = { permission: 'DENY', action: 'PUBLISH', subjectType: 'SUBJECT_ALL', topicFilter: 'secret/#' };
  const first = await call('POST', '/api/v1/mqtt/acl', rule, 'acl-1');
  const again = await call('POST', '/api/v1/mqtt/acl', rule, 'acl-1');
  expect(first.status).toBe(201);
  expect(again.body.id).toBe(first.body.id);
  const list = await call('GET', '/api/v1/mqtt/acl');
  expect(list.body.rules.filter((r: { topicFilter: string }) => r.topicFilter === 'secret/#')).toHaveLength(
    1,
  );
});

it('deletes once: the retry with the key succeeds, one without it finds nothing', async () => {
  await call('POST', '/api/v1/mqtt/users', { username: 'gone', password: 'pw' });
  expect((await call('DELETE', '/api/v1/mqtt/users/gone', undefined, 'del-gone')).status).toBe(204);
  expect((await call('DELETE', '/api/v1/mqtt/users/gone', undefined, 'del-gone')).status).toBe(204);
  expect((await call('DELETE', '/api/v1/mqtt/users/gone')).status).toBe(404);
});

it('answers a retried KV put with the revision of the first, without a new revision', async () => {
  const first = await call('PUT', '/api/v1/kv/idem/a', { value: 'v1' }, 'put-a');
  const again = await call('PUT', '/api/v1/kv/idem/a', { value: 'v1' }, 'put-a');
  expect(again.body.revision).toBe(first.body.revision);
  const read = await call('GET', '/api/v1/kv/idem/a');
  expect(read.body).toMatchObject({ value: 'v1', modRevision: first.body.revision, version: 1 });
});

it('refuses a key that is too long or has control characters', async () => {
  const long = await call('POST', '/api/v1/mqtt/users', { username: 'x', password: 'pw' }, 'k'.repeat(200));
  expect(long.status).toBe(400);
  expect(long.body).toEqual({
    code: 'INVALID_ARGUMENT',
    message: expect.stringMatching(/request_id is longer/),
  });
  expect((await call('GET', '/api/v1/mqtt/users/x')).status).toBe(404);
});
