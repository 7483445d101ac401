// The cluster secret on placement's gRPC port: a 3-member Raft group configured with `[cluster] auth_token` elects a
// leader (its Raft streams carry the token) and serves a PlacementClient that has it, while calls without it or with
// a wrong one — unary, the KV watch stream, and the Raft transport's client stream — get UNAUTHENTICATED naming the
// key to set, and change nothing.
import * as grpc from '@grpc/grpc-js';
import { beforeAll, expect, it } from 'vitest';
import { PlacementError } from '@robustmq/placement-client';
import { newJournalClient, newKvClient, type KvServiceClient } from '@robustmq/protocol';
import { testScope, tokenClient, unary } from '@robustmq/testing';
import { startPlacementCluster, type TestPlacementCluster } from '@robustmq/testing/placement';

const TOKEN = 'placement-test-secret';
const scope = testScope();
let cluster: TestPlacementCluster;
let addresses: string[] = [];

beforeAll(async () => {
  // resolves once the members elected a leader: their Raft streams carry the token
  cluster = scope.add(await startPlacementCluster(3, { authToken: TOKEN }));
  addresses = cluster.addresses;
});

const kv = (address: string, token?: string) => tokenClient(newKvClient, address, token, scope);

const kvSet = (c: KvServiceClient, key: string, value: string) =>
  unary(c, c.Set, { key, value: Buffer.from(value) });

it('a group with a token elects a leader and serves clients that send it', async () => {
  expect(await cluster.leader()).toBeGreaterThan(0);
  const client = cluster.client({ callTimeoutMs: 10_000 });
  try {
    const seen: string[] = [];
    // from the revision before the write: a watch left to find "now" itself may learn it after the write lands
    const { revision } = await client.kv.listPrefix('auth/', '', 1);
    const watch = client.kv.watch('auth/', {
      startRevision: revision + 1,
      onEvent: (e) => seen.push(e.kv.key),
    });
    await client.kv.set('auth/a', 'one');
    expect((await client.kv.get('auth/a'))?.toString()).toBe('one');
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
  await cluster.leader();
  for (const address of addresses) {
    const none = await kvSet(kv(address), 'auth/intruder', 'x');
    expect(none.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(none.details).toContain('[cluster] auth_token');
    const wrong = await kvSet(kv(address, 'not-the-secret'), 'auth/intruder', 'x');
    expect(wrong.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(wrong.details).toContain('does not match');
  }
  // the batched offset commits too
  const journal = tokenClient(newJournalClient, addresses[0]!, undefined, scope);
  const commits = await unary(journal, journal.CommitOffsets, {
    commits: [{ group: 'g', namespace: 'ns', shardName: 's', offset: 1 }],
  });
  expect(commits.code).toBe(grpc.status.UNAUTHENTICATED);
  const client = cluster.client();
  try {
    expect(await client.kv.exists('auth/intruder')).toBe(false);
  } finally {
    client.close();
  }
  // each member counted its two rejections by reason
  for (const member of cluster.members) {
    const text = await (await fetch(`http://127.0.0.1:${member.handle!.ports.http}/metrics`)).text();
    expect(text).toMatch(/placement_grpc_auth_rejected_total\{[^}]*reason="missing"[^}]*\} [1-9]/);
    expect(text).toMatch(/placement_grpc_auth_rejected_total\{[^}]*reason="wrong"[^}]*\} [1-9]/);
  }
});

it('a PlacementClient without the token fails at once with UNAUTHENTICATED instead of retrying', async () => {
  const client = cluster.client({ authToken: undefined, callTimeoutMs: 30_000 });
  try {
    const started = Date.now();
    const err = await client.kv.get('auth/a').catch((e: unknown) => e);
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
  const raw = scope.add(new grpc.Client(addresses[0]!, grpc.credentials.createInsecure()));
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
