// The admin-token check of all three HTTP admin APIs (placement, journal server, MQTT broker), attacked the way the
// holes in issue 11 were found: request targets spelled so that a check on the URL text misses them while the router
// still matches (percent-encoding, absolute-form, dot segments, ...), sent byte for byte over raw sockets. Each attempt
// is sent twice — without a token, then with one — and the rule is: without a token the answer is 401, or exactly
// what the holder of a token gets when the router itself refuses the target (404, 400, 431). Then every route the
// router registered (listed by fastify's onRoute, so a new route cannot be left out) is called with no token, a
// read-only token and a full token. Last, the placement center's console routes, which read the brokers' admin APIs
// for the web console: they are guarded at placement like every route, and pass on the caller's own token, so a
// broker still refuses a token it does not hold — the console is no way around a broker's token check.
import type { RegisteredRoute } from '@robustmq/common';
import type { JournalServerHandle } from '@robustmq/journal-server';
import type { MqttBrokerHandle } from '@robustmq/mqtt-broker';
import type { PlacementCenterHandle } from '@robustmq/placement-center';
import { testScope } from '@robustmq/testing';
import { connectClient, waitFor } from '@robustmq/testing';
import { startBrokerOnPlacement, startTestBroker } from '@robustmq/testing/broker';
import { startTestJournal } from '@robustmq/testing/journal';
import { startPlacementCluster } from '@robustmq/testing/placement';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawResponse } from './raw-http.js';

const FULL = 'full-token-1';
const ROTATED = 'full-token-2';
const READ = 'read-only-token';
const http = { admin_token: FULL, admin_tokens: [ROTATED], admin_read_tokens: [READ] };
const scope = testScope();

let placement: PlacementCenterHandle;
let journal: JournalServerHandle;
let broker: MqttBrokerHandle;

beforeAll(async () => {
  // a one-member Raft group, so the membership routes (Raft mode only) are registered and walked too
  const cluster = scope.add(
    await startPlacementCluster(1, {
      adminToken: FULL,
      electionTicks: 10,
      overrides: { http: { admin_tokens: [ROTATED], admin_read_tokens: [READ] } },
    }),
  );
  placement = cluster.member(1).handle!;
  journal = scope.add(await startTestJournal({ placement: cluster.addresses, overrides: { http } })).server;
  broker = scope.add(await startTestBroker({}, { storage: 'memory', sections: { http } })).handle;
});

const bearer = (token: string): [string, string][] => [['Authorization', `Bearer ${token}`]];

interface Attempt {
  method: string;
  target: string;
  body?: string;
  headers?: [string, string][];
  /** the target is a public route whatever the headers say: the answer must be that route's, not the API's. */
  publicTarget?: boolean;
}

/** Spellings of `method path` that a URL-text check could miss; `port` for the absolute-form targets. */
function variants(method: string, path: string, port: number, body?: string): Attempt[] {
  const rest = path.slice('/api'.length); // "/v1/..."
  const targets = [
    path,
    `/%61pi${rest}`, // percent-encoded letter (issue 11, first command)
    `/%61%70%69${rest}`,
    `/%2561pi${rest}`, // double encoding
    `/api${rest.replace(/\//g, '%2F')}`, // encoded slashes
    `/api%2F${rest.slice(1)}`,
    `http://127.0.0.1:${port}${path}`, // absolute-form (issue 11, second command)
    `http://evil.example${path}`,
    `HTTP://127.0.0.1:${port}${path}`,
    `//api${rest}`,
    `///api${rest}`,
    `/api/../api${rest}`,
    `/x/../api${rest}`,
    `/health/../api${rest}`,
    `/./api${rest}`,
    `/api/.${rest}`,
    `/%2e/api${rest}`,
    `/API${rest}`,
    `/Api${rest}`,
    `/api.${rest}`,
    `/api${rest}.`,
    `/api${rest}/`,
    `/api${rest}?/health`,
    `/api${rest};/health`,
    `/api${rest}#/metrics`,
    `/api${rest}%00`,
    `/api\\${rest.slice(1)}`,
    `/\tapi${rest}`,
  ];
  const attempts: Attempt[] = targets.map((target) => ({
    method,
    target,
    ...(body !== undefined ? { body } : {}),
  }));
  // what reaches the same handler by another method or with headers a proxy might honour
  attempts.push(
    { method: 'HEAD', target: path },
    { method: 'OPTIONS', target: path },
    { method: 'OPTIONS', target: '*' },
  );
  attempts.push({ method: method.toLowerCase(), target: path });
  attempts.push({
    method: 'GET',
    target: '/health',
    headers: [
      ['X-Original-URL', path],
      ['X-Rewrite-URL', path],
    ],
    publicTarget: true,
  });
  attempts.push({ method: 'GET', target: path, headers: [['X-HTTP-Method-Override', method]] });
  // broken or oversized credentials
  const withHeaders = (headers: [string, string][]): Attempt => ({
    method,
    target: path,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  attempts.push(
    withHeaders([['Authorization', 'Bearer']]),
    withHeaders([['Authorization', 'Bearer ']]),
    withHeaders([['Authorization', `Basic ${Buffer.from(`admin:${FULL}`).toString('base64')}`]]),
    withHeaders([['Authorization', `Bearer ${FULL}x`]]),
    withHeaders([['Authorization', `Bearer ${FULL.slice(0, -1)}`]]),
    withHeaders([['Authorization', `Bearer ${FULL} ${FULL}`]]),
    withHeaders([['Authorization', `Bearer ${FULL}\u0000`]]),
    withHeaders([['Authorization', `Bearer ${'A'.repeat(12_000)}`]]),
    withHeaders([['Authorization', `Bearer ${'A'.repeat(20_000)}`]]), // beyond node's header limit: 431
    withHeaders([['X-Padding', 'p'.repeat(20_000)], ...bearer(FULL)]),
    withHeaders([['Authorization', 'Bearer wrong'], ...bearer(FULL)]), // a second Authorization header is dropped
  );
  if (method !== 'GET' && method !== 'HEAD')
    attempts.push(withHeaders([['Authorization', `Bearer ${READ}`]]));
  return attempts;
}

const codeOf = (r: RawResponse): string => {
  try {
    return String((JSON.parse(r.body) as { code?: unknown }).code);
  } catch {
    return '';
  }
};

/** Sends each attempt without the right token, then (after all of them, so no side effect of a with-token request can
 * hide one of a without-token request) with it, and checks the rule in the header of this file. */
async function attack(port: number, attempts: Attempt[]): Promise<void> {
  const refused: RawResponse[] = [];
  for (const a of attempts) refused.push(await rawRequest(port, a.method, a.target, a.headers ?? [], a.body));
  const failures: string[] = [];
  for (const [i, a] of attempts.entries()) {
    const without = refused[i]!;
    // a read-only token on a write is refused with 403; every other credential here is no credential
    const readOnWrite =
      a.headers?.some(([, v]) => v === `Bearer ${READ}`) && !['GET', 'HEAD'].includes(a.method);
    // the same request as its author meant it, with a full token (replacing whatever credential it carried)
    const headers = (a.headers ?? []).filter(([name]) => name.toLowerCase() !== 'authorization');
    const allowed = await rawRequest(port, a.method, a.target, [...bearer(FULL), ...headers], a.body);
    // node's HTTP parser turning the request away before any route is chosen (bad header bytes, headers too large)
    const parserRefusal = ['MALFORMED_REQUEST', 'HEADERS_TOO_LARGE'].includes(codeOf(without));
    let ok: boolean;
    if (a.publicTarget) ok = without.status === 200 && 'status' in JSON.parse(without.body);
    else if (parserRefusal) ok = true;
    else if (readOnWrite) ok = without.status === 403;
    else {
      // refused by the token check, or refused by the router just as a token holder is (a 404 for everyone)
      const refusedForAll =
        without.status === allowed.status &&
        allowed.status >= 400 &&
        allowed.status < 500 &&
        ![401, 403].includes(allowed.status);
      ok = without.status === 401 || refusedForAll;
    }
    if (!ok)
      failures.push(
        `${a.method} ${a.target.slice(0, 80)} [${(a.headers ?? []).map(([n, v]) => `${n}: ${v.slice(0, 30)}`).join(', ')}] → ${without.status} without token, ${allowed.status} with ${without.body.slice(0, 80)}`,
      );
    if (without.status === 401 && a.method !== 'HEAD') {
      expect(JSON.parse(without.body)).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
      expect(without.headers['www-authenticate']).toMatch(/^Bearer /);
    }
  }
  expect(failures).toEqual([]);
}

/** A concrete path for a route pattern: every parameter and wildcard filled in. */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, 'x').replace(/\*$/, 'x');

const PROBES = ['GET /health', 'GET /metrics', 'HEAD /health', 'HEAD /metrics'];
/** the web console's static files (placement only): no data in them, and every API call they make needs a token */
const CONSOLE_FILES = ['GET /', 'GET /assets/*', 'HEAD /', 'HEAD /assets/*'];

async function walkRoutes(
  port: number,
  routes: readonly RegisteredRoute[],
  publicOnPurpose = PROBES,
): Promise<void> {
  const publicRoutes = routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
  // a route made public on purpose must be added here on purpose
  expect(publicRoutes.sort()).toEqual([...publicOnPurpose].sort());
  const guarded = routes.filter((r) => r.access === 'token');
  expect(guarded.length).toBeGreaterThan(0);
  const notRouted = (r: RawResponse) => r.status === 404 && /no route/.test(r.body);
  for (const route of guarded) {
    const path = concrete(route.url);
    const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? '{}' : undefined;
    const none = await rawRequest(port, route.method, path, [], body);
    expect(none.status, `${route.method} ${route.url} without a token`).toBe(401);
    if (route.method !== 'HEAD') expect(JSON.parse(none.body)).toMatchObject({ code: 'UNAUTHENTICATED' });
    for (const token of [FULL, ROTATED]) {
      const full = await rawRequest(port, route.method, path, bearer(token), body);
      expect(
        [401, 403].includes(full.status) || notRouted(full),
        `${route.method} ${route.url} with a full token → ${full.status} ${full.body}`,
      ).toBe(false);
    }
    const read = await rawRequest(port, route.method, path, bearer(READ), body);
    if (route.method === 'GET' || route.method === 'HEAD') {
      expect(
        [401, 403].includes(read.status) || notRouted(read),
        `${route.method} ${route.url} with a read token → ${read.status}`,
      ).toBe(false);
    } else {
      expect(read.status, `${route.method} ${route.url} with a read token`).toBe(403);
      expect(JSON.parse(read.body), `${route.method} ${route.url} with a read token`).toMatchObject({
        code: 'PERMISSION_DENIED',
      });
    }
  }
  // /health and /metrics stay open to probes and Prometheus
  for (const path of ['/health', '/metrics']) expect((await rawRequest(port, 'GET', path)).status).toBe(200);
}

describe('placement center (1227)', () => {
  it('refuses the two commands of issue 11 and creates nothing', async () => {
    const port = placement.ports.http;
    const user = '{"username":"e","password":"x","superuser":true}';
    expect((await rawRequest(port, 'POST', '/%61pi/v1/mqtt/users', [], user)).status).toBe(401);
    expect(
      (await rawRequest(port, 'PUT', `http://127.0.0.1:${port}/api/v1/kv/y`, [], '{"value":"evil"}')).status,
    ).toBe(401);
    expect((await rawRequest(port, 'GET', '/api/v1/mqtt/users/e', bearer(FULL))).status).toBe(404);
    expect((await rawRequest(port, 'GET', '/api/v1/kv/y', bearer(FULL))).status).toBe(404);
  });

  it('refuses every bypass attempt', async () => {
    const port = placement.ports.http;
    await attack(port, [
      ...variants(
        'POST',
        '/api/v1/mqtt/users',
        port,
        '{"username":"bypass","password":"x","superuser":true}',
      ),
      ...variants('PUT', '/api/v1/kv/bypass', port, '{"value":"evil"}'),
      ...variants('GET', '/api/v1/cluster', port),
      // the console's routes to the brokers and journal servers
      ...variants('DELETE', '/api/v1/console/brokers/1/clients/victim', port),
      ...variants('GET', '/api/v1/console/clients', port),
      ...variants('DELETE', '/api/v1/console/retained?topic=a', port),
      ...variants('GET', '/api/v1/console/journals/1/segments', port),
    ]);
  });

  it('guards every route it registered', async () => {
    expect(placement.httpRoutes.some((r) => r.url === '/api/v1/cluster/members')).toBe(true);
    expect(
      placement.httpRoutes.some((r) => r.url === '/api/v1/console/brokers/:nodeId/clients/:clientId'),
    ).toBe(true);
    await walkRoutes(placement.ports.http, placement.httpRoutes, [...PROBES, ...CONSOLE_FILES]);
  });
});

describe('journal server (2227)', () => {
  it('refuses every bypass attempt', async () => {
    const port = journal.ports.http;
    await attack(port, [
      ...variants('GET', '/api/v1/shards', port),
      ...variants('GET', '/api/v1/segments', port),
    ]);
  });

  it('guards every route it registered', async () => {
    await walkRoutes(journal.ports.http, journal.httpRoutes);
  });
});

describe('MQTT broker (9982)', () => {
  it('refuses every bypass attempt', async () => {
    const port = broker.ports.http;
    await attack(port, [
      ...variants('DELETE', '/api/v1/clients/victim', port),
      ...variants('DELETE', '/api/v1/retained?topic=a', port),
      ...variants('GET', '/api/v1/retained', port),
    ]);
  });

  it('guards every route it registered', async () => {
    await walkRoutes(broker.ports.http, broker.httpRoutes);
  });
});

describe('placement console routes to a broker with its own token', () => {
  const PLACEMENT_ONLY = 'placement-only-token';
  let port: number;
  let brokerId: number;
  let mqttUrl: string;

  beforeAll(async () => {
    // placement accepts FULL, PLACEMENT_ONLY and READ; the broker only FULL and READ
    const started = await startBrokerOnPlacement(
      scope,
      {
        adminToken: FULL,
        overrides: { http: { admin_tokens: [PLACEMENT_ONLY], admin_read_tokens: [READ] } },
      },
      { storage: 'memory', id: 7, sections: { http: { admin_token: FULL, admin_read_tokens: [READ] } } },
    );
    port = started.placement.handle.ports.http;
    brokerId = 7;
    mqttUrl = started.broker.url;
    await waitFor('the broker to register', async () => {
      const answer = await rawRequest(
        port,
        'GET',
        '/api/v1/cluster/nodes?cluster_type=MQTT_BROKER',
        bearer(FULL),
      );
      return (JSON.parse(answer.body) as { nodes: unknown[] }).nodes.length === 1;
    });
  });

  it('kicks only with a token both placement and the broker accept for a write', async () => {
    const victim = await connectClient(mqttUrl, { clientId: 'proxy-victim' }, scope);
    let closed = false;
    victim.on('close', () => (closed = true));
    const kick = `/api/v1/console/brokers/${brokerId}/clients/proxy-victim`;
    const none = await rawRequest(port, 'DELETE', kick);
    expect([none.status, JSON.parse(none.body).code]).toEqual([401, 'UNAUTHENTICATED']);
    const read = await rawRequest(port, 'DELETE', kick, bearer(READ));
    expect([read.status, JSON.parse(read.body).code]).toEqual([403, 'PERMISSION_DENIED']);
    // valid at placement, not at the broker: the broker's refusal comes back, naming the broker
    const placementOnly = await rawRequest(port, 'DELETE', kick, bearer(PLACEMENT_ONLY));
    expect(placementOnly.status).toBe(401);
    expect(JSON.parse(placementOnly.body)).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/^broker 7: /),
    });
    expect((await rawRequest(port, 'GET', '/api/v1/console/clients', bearer(PLACEMENT_ONLY))).status).toBe(
      401,
    );
    expect(closed).toBe(false);
    // a read token both hold may list, a full token both hold may kick
    const listed = await rawRequest(port, 'GET', '/api/v1/console/clients?search=proxy', bearer(READ));
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toMatchObject({
      total: 1,
      rows: [{ clientId: 'proxy-victim', brokerId: 7 }],
      errors: [],
    });
    const kicked = await rawRequest(port, 'DELETE', kick, bearer(FULL));
    expect(kicked.status, kicked.body).toBe(200);
    await waitFor('the client to be disconnected', () => closed);
  });

  it('serves no file outside the console folder, however the path is spelled', async () => {
    for (const target of [
      '/assets/../../../package.json',
      '/assets/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
      '/assets/....//....//package.json',
      '/assets//etc/passwd',
      '/assets/%00',
    ]) {
      const answer = await rawRequest(port, 'GET', target);
      expect(answer.body, target).not.toMatch(/"name"|root:/);
      expect(answer.status, target).toBeGreaterThanOrEqual(400);
    }
  });
});
