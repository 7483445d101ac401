// The cluster secret on placement's gRPC port: a 3-member Raft group configured with `[cluster] auth_token` elects a
// leader (its Raft streams carry the token) and serves a PlacementClient that has it, while calls without it or with
// a wrong one — unary, the KV watch stream, and the Raft transport's client stream — get UNAUTHENTICATED naming the
// key to set, and change nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PlacementClient, PlacementError, freePort } from '@robustmq/common';
import { clusterClientOptions, newKvClient, type KvServiceClient } from '@robustmq/protocol';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';
import { quietLogger } from './helpers.js';

const TOKEN = 'placement-test-secret';
const dir = mkdtempSync(join(tmpdir(), 'robustmq-pc-auth-'));
const members: PlacementCenterHandle[] = [];
let addresses: string[] = [];
const clients: grpc.Client[] = [];

beforeAll(async () => {
  const ports = await Promise.all([1, 2, 3].map(() => freePort()));
  addresses = ports.map((p) => `127.0.0.1:${p}`);
  const spec = ports.map((p, i) => `${i + 1}@127.0.0.1:${p}`);
  members.push(
    ...(await Promise.all(
      [1, 2, 3].map((id) =>
        startPlacementCenter(
          loadPlacementCenterConfig({
            env: {},
            overrides: {
              node: { id, data_dir: join(dir, `pc-${id}`) },
              network: { host: '127.0.0.1', grpc_port: ports[id - 1], http_port: 0 },
              cluster: { members: spec, tick_ms: 20, election_ticks: 5, auth_token: TOKEN },
            },
          }),
          { logger: quietLogger },
        ),
      ),
    )),
  );
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(members.map((m) => m.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function leader(): Promise<number> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const r = await fetch(`http://127.0.0.1:${members[0]!.ports.http}/api/v1/cluster`);
    const { leader } = (await r.json()) as { leader: number };
    if (leader > 0) return leader;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no leader within 20 s: the members could not reach each other');
}

function kv(address: string, token?: string): KvServiceClient {
  const c = newKvClient(address, grpc.credentials.createInsecure(), clusterClientOptions(token));
  clients.push(c as unknown as grpc.Client);
  return c;
}

function kvSet(c: KvServiceClient, key: string, value: string): Promise<{ code?: grpc.status; details?: string }> {
  return new Promise((resolve) =>
    c.Set({ key, value: Buffer.from(value) }, (err) => resolve(err ? { code: err.code, details: err.details } : {})),
  );
}

it('a group with a token elects a leader and serves clients that send it', async () => {
  expect(await leader()).toBeGreaterThan(0);
  const client = new PlacementClient({ addresses, authToken: TOKEN, callTimeoutMs: 10_000 });
  try {
    const seen: string[] = [];
    const watch = client.watch('auth/', { onEvent: (e) => seen.push(e.kv.key) });
    await client.kvSet('auth/a', 'one');
    expect((await client.kvGet('auth/a'))?.toString()).toBe('one');
    // the server stream carries the token too: it delivers the write
    const deadline = Date.now() + 5_000;
    while (!seen.includes('auth/a') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    watch.cancel();
    expect(seen).toContain('auth/a');
  } finally {
    client.close();
  }
});

it('rejects unary calls without the token or with a wrong one, on every member, and applies nothing', async () => {
  await leader();
  for (const address of addresses) {
    const none = await kvSet(kv(address), 'auth/intruder', 'x');
    expect(none.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(none.details).toContain('[cluster] auth_token');
    const wrong = await kvSet(kv(address, 'not-the-secret'), 'auth/intruder', 'x');
    expect(wrong.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(wrong.details).toContain('does not match');
  }
  const client = new PlacementClient({ addresses, authToken: TOKEN });
  try {
    expect(await client.kvExists('auth/intruder')).toBe(false);
  } finally {
    client.close();
  }
  // each member counted its two rejections by reason
  for (const member of members) {
    const text = await (await fetch(`http://127.0.0.1:${member.ports.http}/metrics`)).text();
    expect(text).toMatch(/placement_grpc_auth_rejected_total\{[^}]*reason="missing"[^}]*\} [1-9]/);
    expect(text).toMatch(/placement_grpc_auth_rejected_total\{[^}]*reason="wrong"[^}]*\} [1-9]/);
  }
});

it('a PlacementClient without the token fails at once with UNAUTHENTICATED instead of retrying', async () => {
  const client = new PlacementClient({ addresses, callTimeoutMs: 30_000 });
  try {
    const started = Date.now();
    const err = await client.kvGet('auth/a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlacementError);
    expect((err as PlacementError).code).toBe(grpc.status.UNAUTHENTICATED);
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    client.close();
  }
});

it('rejects the KV watch stream without the token', async () => {
  const c = kv(addresses[0]!);
  const code = await new Promise<grpc.status>((resolve) => {
    const stream = c.Watch({ prefix: 'auth/', startRevision: 0 });
    stream.on('data', () => resolve(grpc.status.OK));
    stream.on('error', (err: grpc.ServiceError) => resolve(err.code));
  });
  expect(code).toBe(grpc.status.UNAUTHENTICATED);
});

it('rejects a Raft transport stream without the token', async () => {
  const raw = new grpc.Client(addresses[0]!, grpc.credentials.createInsecure());
  clients.push(raw);
  const code = await new Promise<grpc.status>((resolve) => {
    const stream = raw.makeClientStreamRequest<Buffer, Buffer>(
      '/robustmq.raft.RaftTransport/Send',
      (b) => b,
      (b) => b,
      (err) => resolve(err ? err.code : grpc.status.OK),
    );
    stream.on('error', () => undefined);
    stream.write(Buffer.from([0x0a, 0x01, 0x78]));
    stream.end();
  });
  expect(code).toBe(grpc.status.UNAUTHENTICATED);
});
