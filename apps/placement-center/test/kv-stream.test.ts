// PlacementClient's KV calls as requests on one KvService.BatchStream per member, against a real 3-member Raft group:
// a follower answers a request with UNAVAILABLE and the leader's address (the client moves there), a leader stopped
// under a closed loop of writes breaks its stream (the requests in flight on it are retried elsewhere, each write
// applied once), and a member from before BatchStream (Batch only) is sent unary Batches.
import { beforeAll, describe, expect, it } from 'vitest';
import type { BatchOpResult, KvServiceHandlers } from '@robustmq/protocol';
import { testScope } from '@robustmq/testing';
import { olderKvMember, startPlacementCluster, type TestPlacementCluster } from '@robustmq/testing/placement';

const scope = testScope();
let cluster: TestPlacementCluster;

beforeAll(async () => {
  cluster = scope.add(await startPlacementCluster(3, { tickMs: 20, electionTicks: 5 }));
}, 30_000);

/** BatchStream requests member `id` answered with `code`, from its /metrics. */
async function streamRequests(id: number, code: string): Promise<number> {
  const text = await (
    await fetch(`http://127.0.0.1:${cluster.member(id).handle!.ports.http}/metrics`)
  ).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('placement_grpc_server_handled_total{') &&
        l.includes('grpc_method="BatchStream"') &&
        l.includes('grpc_type="bidi_stream"') &&
        l.includes(`grpc_code="${code}"`),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('KV calls over BatchStream', () => {
  it('moves to the leader a follower names in its answer to a stream request', async () => {
    const leader = await cluster.leader();
    const follower = cluster.members.find((m) => m.id !== leader)!;
    // the follower first: the client's first request goes to its stream
    const client = cluster.client({ addresses: [`127.0.0.1:${follower.grpcPort}`, ...cluster.addresses] });
    const refusedBefore = await streamRequests(follower.id, 'UNAVAILABLE');
    const servedBefore = await streamRequests(leader, 'OK');
    await client.kv.set('stream/redirect', 'v1');
    for (let i = 0; i < 9; i++) await client.kv.set(`stream/after-${i}`, 'v');
    expect(await client.kv.get('stream/redirect')).toEqual(Buffer.from('v1'));
    expect(await streamRequests(follower.id, 'UNAVAILABLE')).toBe(refusedBefore + 1);
    // every later call went straight to the leader's stream
    expect(await streamRequests(leader, 'OK')).toBe(servedBefore + 11);
  });

  it('retries the requests of a stream broken by its leader stopping elsewhere, each write applied once', async () => {
    const client = cluster.client({ callTimeoutMs: 20_000 });
    const leader = await cluster.leader();
    await client.kv.set('stream/warm', 'x'); // the client's stream to the leader is open
    let stopped: Promise<void> | undefined;
    for (let i = 0; i < 120; i++) {
      // a closed loop; the leader goes away under it, with a request in flight on its stream
      const write = client.kv.set(`stream/kill-${i}`, `v${i}`);
      if (i === 40) stopped = cluster.stopMember(leader);
      await write;
    }
    await stopped;
    const entries = await Promise.all(
      Array.from({ length: 120 }, (_, i) => client.kv.getEntry(`stream/kill-${i}`)),
    );
    entries.forEach((e, i) => {
      expect(e?.value).toEqual(Buffer.from(`v${i}`));
      // a write applied twice (its retry not recognised by its request id) would be at version 2
      expect(e?.version).toBe(1);
    });
    await cluster.startMember(leader);
  }, 60_000);

  it('sends unary Batches to a member that has Batch but no BatchStream (older code)', async () => {
    const store = new Map<string, Buffer>();
    const calls = { Set: 0, Batch: 0 };
    const handlers: Partial<KvServiceHandlers> = {
      Set: (call, cb) => {
        calls.Set++;
        store.set(call.request.key, call.request.value);
        cb(null, { revision: store.size });
      },
      Batch: (call, cb) => {
        calls.Batch++;
        const results: BatchOpResult[] = call.request.ops.map((op) => {
          store.set(op.set!.key, op.set!.value);
          return { code: 0, message: '', set: { revision: store.size } };
        });
        cb(null, { results });
      },
    };
    const client = await olderKvMember(handlers, scope);
    // the first call tries the stream (UNIMPLEMENTED) and goes as a unary Set; the 99 made meanwhile as one Batch
    await Promise.all(Array.from({ length: 100 }, (_, i) => client.kv.set(`old/${i}`, `v${i}`)));
    expect(store.size).toBe(100);
    expect(calls).toEqual({ Set: 1, Batch: 1 });
    await client.kv.set('old/lone', 'x');
    expect(calls).toEqual({ Set: 2, Batch: 1 });
  });
});
