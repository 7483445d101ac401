// The HTTP admin API over real HTTP (fetch): routes, JSON schemas and the {code,message} error shape.
import { beforeAll, describe, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { startTestPlacement, type TestPlacement, testNode } from '@robustmq/testing/placement';

const scope = testScope();
let placement: TestPlacement;
beforeAll(async () => {
  placement = scope.add(await startTestPlacement());
});

async function call(method: string, path: string, body?: string, contentType = 'application/json') {
  const response = await fetch(placement.http + path, {
    method,
    ...(body !== undefined ? { body, headers: { 'content-type': contentType } } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    headers: response.headers,
    text,
  };
}

describe('HTTP admin', () => {
  it('serves /health and Prometheus /metrics', async () => {
    expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const metrics = await fetch(`${placement.http}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await metrics.text()).toMatch(/placement_registered_nodes/);
  });

  it('puts, gets, lists and deletes KV entries, keys with slashes included', async () => {
    expect(await call('PUT', '/api/v1/kv/app/x', JSON.stringify({ value: 'hello' }))).toMatchObject({
      status: 200,
    });
    expect(
      await call(
        'PUT',
        '/api/v1/kv/app/bin',
        JSON.stringify({ value: Buffer.from([0xff, 0]).toString('base64'), encoding: 'base64' }),
      ),
    ).toMatchObject({ status: 200 });
    expect((await call('GET', '/api/v1/kv/app/x')).body).toMatchObject({
      key: 'app/x',
      value: 'hello',
      encoding: 'utf8',
      version: 1,
    });
    expect((await call('GET', '/api/v1/kv/app/bin')).body).toMatchObject({
      key: 'app/bin',
      value: '/wA=',
      encoding: 'base64',
    });
    expect(
      (await call('GET', '/api/v1/kv?prefix=app/')).body.items.map((i: { key: string }) => i.key),
    ).toEqual(['app/bin', 'app/x']);
    expect((await call('DELETE', '/api/v1/kv/app/x')).body).toMatchObject({ deleted: true });
    expect(await call('GET', '/api/v1/kv/app/x')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('decodes a key exactly once, and answers a bad escape with {code,message}', async () => {
    expect(await call('PUT', '/api/v1/kv/100%25', JSON.stringify({ value: 'percent' }))).toMatchObject({
      status: 200,
      body: { key: '100%' },
    });
    expect(await call('PUT', '/api/v1/kv/a%2541', JSON.stringify({ value: 'literal' }))).toMatchObject({
      status: 200,
      body: { key: 'a%41' },
    });
    expect((await call('GET', '/api/v1/kv/100%25')).body).toMatchObject({ key: '100%', value: 'percent' });
    expect((await call('GET', '/api/v1/kv/a%2541')).body).toMatchObject({ key: 'a%41', value: 'literal' });
    expect(await call('GET', '/api/v1/kv/aA')).toMatchObject({ status: 404 });
    const bad = await call('PUT', '/api/v1/kv/%E0%A4%A', JSON.stringify({ value: 'x' }));
    expect(bad).toMatchObject({
      status: 400,
      body: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/URL is not valid/) },
    });
    expect(Object.keys(bad.body).sort()).toEqual(['code', 'message']);
  });

  it('sees what gRPC clients write', async () => {
    const client = placement.client();
    await client.kv.set('from-grpc', 'v');
    await client.cluster.registerNode(testNode('JOURNAL_SERVER', 3, { http: 2227 }, { host: 'h' }));
    client.close();
    expect((await call('GET', '/api/v1/kv/from-grpc')).body.value).toBe('v');
    const nodes = (await call('GET', '/api/v1/cluster/nodes?cluster_type=JOURNAL_SERVER')).body.nodes;
    expect(nodes).toEqual([
      expect.objectContaining({ clusterType: 'JOURNAL_SERVER', nodeId: 3, ports: { http: 2227 } }),
    ]);
  });

  it('answers bad input with 4xx and {code,message}', async () => {
    const bad = [
      await call('PUT', '/api/v1/kv/k', '{not json'),
      await call('PUT', '/api/v1/kv/k', JSON.stringify({ nope: 1 })),
      await call('PUT', '/api/v1/kv/k', JSON.stringify({ value: 'x', encoding: 'rot13' })),
      await call('GET', '/api/v1/cluster/nodes?cluster_type=BOGUS'),
      await call('GET', '/api/v1/kv?limit=0'),
    ];
    for (const response of bad) {
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ code: 'INVALID_ARGUMENT', message: expect.any(String) });
    }
    expect(await call('GET', '/api/v1/nothing-here')).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    });
    expect(await call('PUT', '/api/v1/kv/k', 'value', 'text/plain')).toMatchObject({
      status: 400,
      body: { code: 'INVALID_ARGUMENT' },
    });
    expect(await call('PUT', '/api/v1/kv/k', 'value', 'application/xml')).toMatchObject({
      status: 415,
      body: { code: 'UNSUPPORTED_MEDIA_TYPE' },
    });
  });
});
