// The cluster secret across placement and the journal cluster (one placement center, three journal servers, all
// with `[cluster] auth_token`): the journal servers register with it, a storage adapter with it stores and reads
// (acks = quorum, so the servers' replication connections carry it too), the journal inner service and the data
// port refuse requests without it or with a wrong one (UNAUTHENTICATED naming the key), and the placement leader's
// own calls carry it — a leader that shuts down has its segment handed over through the inner
// service (leases are too long for the followers to take over by themselves) and appends go on.
import * as grpc from '@grpc/grpc-js';
import type { PlacementClient } from '@robustmq/placement-client';
import { newJournalInnerClient, type JournalInnerServiceClient } from '@robustmq/protocol';
import { beforeAll, expect, it } from 'vitest';
import { testScope, tokenClient, unary } from '@robustmq/testing';
import {
  expectShardRoundTrip,
  journalAdapter,
  probeJournalData,
  useTestJournals,
} from '@robustmq/testing/journal';
import { startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';

const TOKEN = 'journal-test-secret';
const scope = testScope();
let placement: TestPlacement;
let client: PlacementClient;

beforeAll(async () => {
  placement = scope.add(await startTestPlacement({ heartbeat: { timeout_ms: 600_000 }, authToken: TOKEN }));
  client = placement.client();
});
// a leader change in this test can only be placement's handover over the inner service
const servers = useTestJournals(
  3,
  () => ({
    placement: [placement.grpcAddress],
    authToken: TOKEN,
    handoverOnly: true,
    overrides: () => ({ placement: { heartbeat_interval_ms: 500 } }),
  }),
  scope,
);

const inner = (nodeId: number, token?: string) =>
  tokenClient(newJournalInnerClient, `127.0.0.1:${servers.get(nodeId)!.ports.grpc}`, token, scope);

const getState = (c: JournalInnerServiceClient, ref: object) => unary(c, c.GetSegmentState, ref);

/** A journal adapter in `namespace` that sends the cluster token (3 replicas, quorum acks). */
const tokenAdapter = (namespace: string) =>
  journalAdapter([placement.grpcAddress], namespace, { authToken: TOKEN });

it('journal servers register, and an adapter with the token stores and reads; one without it is refused', async () => {
  expect((await client.cluster.listNodes('JOURNAL_SERVER')).map((n) => n.nodeId)).toEqual([1, 2, 3]);
  const adapter = tokenAdapter('auth');
  const outsider = journalAdapter([placement.grpcAddress], 'auth', { requestTimeoutMs: 5_000 });
  try {
    await expectShardRoundTrip(adapter);
    await expect(outsider.createShard('t')).rejects.toThrow(/auth_token/);
  } finally {
    await outsider.close();
    await adapter.close();
  }
});

it('the inner service refuses calls without the token or with a wrong one, and answers with it', async () => {
  const ref = { namespace: 'auth', shardName: 'none', segmentSeq: 0 };
  const none = await getState(inner(1), ref);
  expect(none.code).toBe(grpc.status.UNAUTHENTICATED);
  expect(none.details).toContain('[cluster] auth_token');
  const wrong = await getState(inner(2, 'not-the-secret'), ref);
  expect(wrong.code).toBe(grpc.status.UNAUTHENTICATED);
  // past the check: the handler itself answers (no such segment)
  expect((await getState(inner(3, TOKEN), ref)).code).toBe(grpc.status.NOT_FOUND);
});

it('the data port answers UNAUTHENTICATED until a connection has sent the right token', async () => {
  const address = `127.0.0.1:${servers.get(1)!.ports.data}`;
  const attempt = (authToken?: string) => probeJournalData(address, { authToken, namespace: 'auth' });
  expect(await attempt()).toMatch(/^UNAUTHENTICATED: .*\[cluster\] auth_token/);
  expect(await attempt('not-the-secret')).toMatch(/^UNAUTHENTICATED: .*\[cluster\] auth_token/);
  // past the check: the handler itself answers (no such shard, as placement says)
  expect(await attempt(TOKEN)).toMatch(/^SHARD_NOT_FOUND/);
});

it("placement's handover reaches the journal servers with the token when a segment leader shuts down", async () => {
  const adapter = tokenAdapter('handover');
  await servers.expectHandoverOnLeaderStop(adapter, client, 'handover', 20);
});
