// The HTTP admin API for cluster status, MQTT users / ACL / blacklist and journal shards over real HTTP (fetch),
// including the optional bearer token, the {code,message} errors and that no password hash is ever served.
import { beforeAll, describe, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { startTestPlacement, type TestPlacement, testNode } from '@robustmq/testing/placement';

const scope = testScope();
let placement: TestPlacement;
let secured: TestPlacement;
const TOKEN = 'let-me-in';

beforeAll(async () => {
  placement = scope.add(await startTestPlacement({ heartbeat: { timeout_ms: 600_000 } }));
  secured = scope.add(await startTestPlacement({ adminToken: TOKEN }));
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  options: { base?: string; token?: string; raw?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = options.token;
  const response = await fetch((options.base ?? placement.http) + path, {
    method,
    headers,
    ...(options.raw !== undefined
      ? { body: options.raw }
      : body !== undefined
        ? { body: JSON.stringify(body) }
        : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    body: (text ? JSON.parse(text) : undefined) as any,
    text,
    headers: response.headers,
  };
}

function expectError(
  response: { status: number; body: unknown },
  status: number,
  code: string,
  message?: RegExp,
) {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ code, message: expect.any(String) });
  if (message) expect((response.body as { message: string }).message).toMatch(message);
}

describe('cluster status', () => {
  it('reports this single member as leader with the applied index', async () => {
    await call('POST', '/api/v1/mqtt/users', { username: 'status-probe', password: 'x' });
    const { status, body } = await call('GET', '/api/v1/cluster');
    expect(status).toBe(200);
    expect(body).toMatchObject({ clusterName: 'robustmq', leader: 1, term: 0 });
    expect(body.appliedIndex).toBeGreaterThan(0);
    expect(body.commitIndex).toBe(body.appliedIndex);
    expect(body.members).toEqual([
      {
        nodeId: 1,
        grpcAddress: `127.0.0.1:${placement.handle.ports.grpc}`,
        role: 'leader',
        matchIndex: body.appliedIndex,
        lag: 0,
        self: true,
        lastContactMs: 0,
        reachable: true,
      },
    ]);
  });
});

describe('/api/v1/mqtt/users', () => {
  it('creates, lists, gets, updates and deletes users, never showing a hash', async () => {
    const created = await call('POST', '/api/v1/mqtt/users', {
      username: 'web-alice',
      password: 'pw1',
      superuser: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      username: 'web-alice',
      superuser: true,
      createdAtMs: expect.any(Number),
      updatedAtMs: expect.any(Number),
    });
    await call('POST', '/api/v1/mqtt/users', { username: 'web-bob', password: 'pw2' });

    const list = await call('GET', '/api/v1/mqtt/users?limit=2');
    expect(list.body.users.map((u: { username: string }) => u.username)).toEqual([
      'status-probe',
      'web-alice',
    ]);
    expect(list.body.more).toBe(true);
    expect(
      (await call('GET', '/api/v1/mqtt/users?start_after=web-alice')).body.users.map(
        (u: { username: string }) => u.username,
      ),
    ).toEqual(['web-bob']);

    expect((await call('GET', '/api/v1/mqtt/users/web-alice')).body).toMatchObject({
      username: 'web-alice',
      superuser: true,
    });
    const updated = await call('PUT', '/api/v1/mqtt/users/web-alice', {
      password: 'pw1-new',
      superuser: false,
    });
    expect(updated).toMatchObject({ status: 200, body: { username: 'web-alice', superuser: false } });

    const client = placement.client();
    expect((await client.mqtt.authenticateUser('web-alice', 'pw1-new')).authenticated).toBe(true);
    client.close();

    for (const text of [
      created.text,
      list.text,
      updated.text,
      (await call('GET', '/api/v1/mqtt/users/web-bob')).text,
    ]) {
      expect(text).not.toMatch(/scrypt|salt|hash|password/i);
    }

    expect((await call('DELETE', '/api/v1/mqtt/users/web-bob')).status).toBe(204);
    expectError(
      await call('GET', '/api/v1/mqtt/users/web-bob'),
      404,
      'NOT_FOUND',
      /user "web-bob" not found/,
    );
  });

  it('answers bad input, duplicates and unknown users with {code,message}', async () => {
    await call('POST', '/api/v1/mqtt/users', { username: 'dup', password: 'x' });
    expectError(
      await call('POST', '/api/v1/mqtt/users', { username: 'dup', password: 'y' }),
      409,
      'ALREADY_EXISTS',
      /already exists/,
    );
    expectError(
      await call('POST', '/api/v1/mqtt/users', { username: 'nopass' }),
      400,
      'INVALID_ARGUMENT',
      /password/,
    );
    expectError(
      await call('POST', '/api/v1/mqtt/users', { username: '', password: 'x' }),
      400,
      'INVALID_ARGUMENT',
      /username/,
    );
    expectError(
      await call('POST', '/api/v1/mqtt/users', undefined, { raw: '{"username": "x",' }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(
      await call('POST', '/api/v1/mqtt/users', { username: 'x', password: {} }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(await call('PUT', '/api/v1/mqtt/users/dup', {}), 400, 'INVALID_ARGUMENT');
    expectError(await call('PUT', '/api/v1/mqtt/users/ghost', { password: 'x' }), 404, 'NOT_FOUND');
    expectError(await call('DELETE', '/api/v1/mqtt/users/ghost'), 404, 'NOT_FOUND');
    expectError(await call('GET', '/api/v1/mqtt/users?limit=0'), 400, 'INVALID_ARGUMENT');
  });
});

describe('/api/v1/mqtt/acl', () => {
  it('creates, lists, gets and deletes rules', async () => {
    const rule = {
      id: 'web-r1',
      permission: 'DENY',
      action: 'ALL',
      subjectType: 'SUBJECT_IP',
      subjectValue: '10.1.0.0/16',
      topicFilter: 'secret/#',
      priority: 5,
    };
    const created = await call('POST', '/api/v1/mqtt/acl', rule);
    expect(created).toMatchObject({ status: 201, body: { ...rule, createdAtMs: expect.any(Number) } });
    const generated = await call('POST', '/api/v1/mqtt/acl', {
      permission: 'ALLOW',
      action: 'PUBLISH',
      subjectType: 'SUBJECT_ALL',
      topicFilter: 'public/%c',
    });
    expect(generated.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call('GET', '/api/v1/mqtt/acl')).body.rules.map((r: { id: string }) => r.id)).toEqual([
      generated.body.id,
      'web-r1',
    ]);
    expect((await call('GET', '/api/v1/mqtt/acl/web-r1')).body).toMatchObject(rule);
    expect((await call('DELETE', '/api/v1/mqtt/acl/web-r1')).status).toBe(204);
    expectError(await call('GET', '/api/v1/mqtt/acl/web-r1'), 404, 'NOT_FOUND');
    expectError(await call('DELETE', '/api/v1/mqtt/acl/web-r1'), 404, 'NOT_FOUND');
  });

  it('refuses bad rules', async () => {
    const ok = {
      permission: 'ALLOW',
      action: 'PUBLISH',
      subjectType: 'SUBJECT_USER',
      subjectValue: 'u',
      topicFilter: 't',
    };
    expectError(
      await call('POST', '/api/v1/mqtt/acl', { ...ok, permission: 'MAYBE' }),
      400,
      'INVALID_ARGUMENT',
      /permission/,
    );
    expectError(
      await call('POST', '/api/v1/mqtt/acl', {
        ...ok,
        subjectType: 'SUBJECT_IP',
        subjectValue: '1.2.3.4/40',
      }),
      400,
      'INVALID_ARGUMENT',
      /subject_value must be a CIDR/,
    );
    expectError(
      await call('POST', '/api/v1/mqtt/acl', { ...ok, topicFilter: '#/a' }),
      400,
      'INVALID_ARGUMENT',
      /topic_filter/,
    );
    const { topicFilter: _omit, ...missing } = ok;
    expectError(await call('POST', '/api/v1/mqtt/acl', missing), 400, 'INVALID_ARGUMENT', /topicFilter/);
    await call('POST', '/api/v1/mqtt/acl', { ...ok, id: 'same' });
    expectError(await call('POST', '/api/v1/mqtt/acl', { ...ok, id: 'same' }), 409, 'ALREADY_EXISTS');
  });
});

describe('/api/v1/mqtt/blacklist', () => {
  it('adds, replaces, lists and deletes entries, CIDR values included', async () => {
    const added = await call('POST', '/api/v1/mqtt/blacklist', {
      type: 'BLACKLIST_CIDR',
      value: '203.0.113.0/24',
      reason: 'scanner',
    });
    expect(added).toMatchObject({
      status: 201,
      body: {
        created: true,
        entry: { type: 'BLACKLIST_CIDR', value: '203.0.113.0/24', expiresAtMs: 0, reason: 'scanner' },
      },
    });
    expect(
      (
        await call('POST', '/api/v1/mqtt/blacklist', {
          type: 'BLACKLIST_CIDR',
          value: '203.0.113.0/24',
          expiresAtMs: 5,
        })
      ).body,
    ).toMatchObject({ created: false, entry: { expiresAtMs: 5 } });
    await call('POST', '/api/v1/mqtt/blacklist', { type: 'BLACKLIST_CLIENT_ID', value: 'evil/bot' });
    expect((await call('GET', '/api/v1/mqtt/blacklist')).body.entries).toHaveLength(2);
    expect((await call('DELETE', '/api/v1/mqtt/blacklist/BLACKLIST_CIDR/203.0.113.0/24')).status).toBe(204);
    expect(
      (await call('DELETE', `/api/v1/mqtt/blacklist/BLACKLIST_CLIENT_ID/${encodeURIComponent('evil/bot')}`))
        .status,
    ).toBe(204);
    expect((await call('GET', '/api/v1/mqtt/blacklist')).body.entries).toEqual([]);
  });

  it('refuses bad entries and unknown deletions', async () => {
    expectError(
      await call('POST', '/api/v1/mqtt/blacklist', { type: 'BLACKLIST_CIDR', value: '10.0.0.0/99' }),
      400,
      'INVALID_ARGUMENT',
      /CIDR/,
    );
    expectError(
      await call('POST', '/api/v1/mqtt/blacklist', { type: 'BLACKLIST_IP', value: 'not-an-ip' }),
      400,
      'INVALID_ARGUMENT',
      /IPv4 or IPv6/,
    );
    expectError(
      await call('POST', '/api/v1/mqtt/blacklist', { type: 'HOST', value: 'x' }),
      400,
      'INVALID_ARGUMENT',
      /type/,
    );
    expectError(
      await call('POST', '/api/v1/mqtt/blacklist', { value: 'x' }),
      400,
      'INVALID_ARGUMENT',
      /type/,
    );
    expectError(await call('DELETE', '/api/v1/mqtt/blacklist/BLACKLIST_USER/nobody'), 404, 'NOT_FOUND');
    expectError(await call('DELETE', '/api/v1/mqtt/blacklist/BOGUS/x'), 400, 'INVALID_ARGUMENT');
  });
});

describe('/api/v1/journal/shards', () => {
  const shard = { namespace: 'web', name: 's1', config: { replicaCount: 1, acks: 'ACKS_ALL' } };

  it('refuses a shard while no journal server is registered, then creates, lists, shows and deletes it', async () => {
    expectError(
      await call('POST', '/api/v1/journal/shards', shard),
      400,
      'FAILED_PRECONDITION',
      /needs 1 distinct journal servers for its replicas but only 0 are registered/,
    );
    const client = placement.client();
    await client.cluster.registerNode(testNode('JOURNAL_SERVER', 11, { data: 1778 }));
    client.close();

    const created = await call('POST', '/api/v1/journal/shards', shard);
    expect(created.status).toBe(201);
    expect(created.body.shard).toMatchObject({
      namespace: 'web',
      name: 's1',
      status: 'SHARD_ACTIVE',
      config: { replicaCount: 1, acks: 'ACKS_ALL', maxSegmentBytes: 1024 ** 3 },
    });
    expect(created.body.segment).toMatchObject({
      seq: 0,
      replicas: [11],
      leader: 11,
      status: 'SEGMENT_WRITE',
    });
    expect((await call('GET', '/api/v1/journal/shards')).body).toMatchObject({
      shards: [{ name: 's1' }],
      more: false,
    });
    expect((await call('GET', '/api/v1/journal/shards?namespace=none')).body.shards).toEqual([]);

    const one = await call('GET', '/api/v1/journal/shards/web/s1');
    expect(one.body.shard).toMatchObject({ name: 's1' });
    expect(one.body.segments).toEqual([expect.objectContaining({ seq: 0, replicas: [11] })]);

    expect((await call('DELETE', '/api/v1/journal/shards/web/s1')).status).toBe(204);
    const deleted = await call('GET', '/api/v1/journal/shards/web/s1');
    expect(deleted.body.shard.status).toBe('SHARD_DELETING');
    expect(deleted.body.segments[0].status).toBe('SEGMENT_DELETING');
  });

  it.each([
    [{ ...shard, name: 's2', config: { replicaCount: 0, acks: 'ACKS_ALL' } }, /replicaCount/],
    [{ ...shard, name: 's2', config: { replicaCount: 1, acks: 'SOME' } }, /acks/],
    [{ namespace: 'web', name: 's2' }, /config/],
    [{ ...shard, name: 'has space' }, /name must not contain/],
    [{ ...shard, name: 's3', config: { replicaCount: 9, acks: 'ACKS_ALL' } }, /replica_count must be 1-7/],
  ])('answers a bad shard %j with 400 naming what is wrong', async (body, message) => {
    expectError(await call('POST', '/api/v1/journal/shards', body), 400, 'INVALID_ARGUMENT', message);
  });

  it('answers a shard that exists, or does not, with {code,message}', async () => {
    expectError(await call('POST', '/api/v1/journal/shards', shard), 409, 'ALREADY_EXISTS');
    expectError(await call('GET', '/api/v1/journal/shards/web/none'), 404, 'NOT_FOUND');
    expectError(await call('DELETE', '/api/v1/journal/shards/web/none'), 404, 'NOT_FOUND');
  });
});

describe('admin token', () => {
  const base = () => ({ base: secured.http });

  it('requires the bearer token on every /api route; a path no route matches is a 404 for everyone', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/cluster'],
      ['GET', '/api/v1/mqtt/users'],
      ['GET', '/api/v1/mqtt/acl'],
      ['GET', '/api/v1/mqtt/blacklist'],
      ['GET', '/api/v1/journal/shards'],
      ['GET', '/api/v1/cluster/nodes'],
      ['GET', '/api/v1/kv'],
    ] as const) {
      const response = await call(method, path, undefined, base());
      expectError(response, 401, 'UNAUTHENTICATED', /Authorization: Bearer/);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expectError(
      await call('POST', '/api/v1/mqtt/users', { username: 'x', password: 'y' }, base()),
      401,
      'UNAUTHENTICATED',
    );
    expectError(await call('GET', '/api/v1/unknown', undefined, base()), 404, 'NOT_FOUND');
  });

  it('rejects a wrong token and a non-bearer scheme', async () => {
    expectError(
      await call('GET', '/api/v1/cluster', undefined, { ...base(), token: 'Bearer nope' }),
      401,
      'UNAUTHENTICATED',
      /not valid/,
    );
    expectError(
      await call('GET', '/api/v1/cluster', undefined, { ...base(), token: `Basic ${TOKEN}` }),
      401,
      'UNAUTHENTICATED',
    );
    expectError(
      await call('GET', '/api/v1/cluster', undefined, { ...base(), token: `Bearer ${TOKEN}x` }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it('accepts the right token and leaves /health and /metrics open', async () => {
    const ok = { ...base(), token: `Bearer ${TOKEN}` };
    expect((await call('GET', '/api/v1/cluster', undefined, ok)).status).toBe(200);
    expect((await call('POST', '/api/v1/mqtt/users', { username: 'tok', password: 'pw' }, ok)).status).toBe(
      201,
    );
    expect((await call('GET', '/api/v1/mqtt/users/tok', undefined, ok)).body).toMatchObject({
      username: 'tok',
    });
    expectError(await call('GET', '/api/v1/unknown', undefined, ok), 404, 'NOT_FOUND');
    expect((await call('GET', '/health', undefined, base())).status).toBe(200);
    expect((await fetch(`${secured.http}/metrics`)).status).toBe(200);
  });

  it('is not needed when no token is configured', async () => {
    expect((await call('GET', '/api/v1/cluster')).status).toBe(200);
  });
});

describe('restart', () => {
  it('serves the same users, rules, entries and shards after a restart', async () => {
    await call('POST', '/api/v1/mqtt/acl', {
      id: 'persist',
      permission: 'ALLOW',
      action: 'ALL',
      subjectType: 'SUBJECT_ALL',
      topicFilter: '#',
    });
    await call('POST', '/api/v1/mqtt/blacklist', { type: 'BLACKLIST_USER', value: 'persisted' });
    const paths = [
      '/api/v1/mqtt/users',
      '/api/v1/mqtt/acl',
      '/api/v1/mqtt/blacklist',
      '/api/v1/journal/shards/web/s1',
    ];
    const before = await Promise.all(paths.map((p) => call('GET', p)));
    const appliedBefore = (await call('GET', '/api/v1/cluster')).body.appliedIndex;
    await placement.restart();
    const after = await Promise.all(paths.map((p) => call('GET', p)));
    expect(after.map((r) => r.body)).toEqual(before.map((r) => r.body));
    expect((await call('GET', '/api/v1/cluster')).body.appliedIndex).toBe(appliedBefore);
  });
});
