// The journal server's inner gRPC service (port 2228) over a real in-process cluster (one placement center, three
// journal servers): each node registers its gRPC port; GetSegmentState reports each replica's durable end, epochs
// and role; a leader moved in placement and activated over gRPC leads at once (appends keep working, nothing
// acknowledged is lost) and the deposed leader steps down on UpdateCache; bad input gets INVALID_ARGUMENT, unknown
// segments NOT_FOUND, an activation placement does not back FAILED_PRECONDITION.
import * as grpc from '@grpc/grpc-js';
import type { PlacementClient } from '@robustmq/placement-client';
import { newJournalInnerClient, type JournalInnerServiceClient } from '@robustmq/protocol';
import { beforeAll, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { journalAdapter, startTestJournal, type TestJournal } from '@robustmq/testing/journal';
import { startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';

const scope = testScope();
let placement: TestPlacement;
let client: PlacementClient;
const servers = new Map<number, TestJournal>();
const inner = new Map<number, JournalInnerServiceClient>();

beforeAll(async () => {
  placement = scope.add(await startTestPlacement({ heartbeat: { timeout_ms: 600_000 } }));
  client = placement.client();
  for (const id of [1, 2, 3]) {
    const server = scope.add(
      await startTestJournal({
        id,
        placement: [placement.grpcAddress],
        // long leases: every leader change in this test is placement's doing
        overrides: { placement: { heartbeat_interval_ms: 500 }, replication: { leader_lease_ms: 600_000 } },
      }),
    );
    servers.set(id, server);
    inner.set(
      id,
      scope.add(newJournalInnerClient(`127.0.0.1:${server.ports.grpc}`, grpc.credentials.createInsecure())),
    );
  }
});

function call<T = Record<string, unknown>>(
  nodeId: number,
  method: string,
  request: object,
): Promise<{ reply?: T; code?: grpc.status; details?: string }> {
  const c = inner.get(nodeId)! as unknown as Record<
    string,
    (req: object, cb: (err: grpc.ServiceError | null, res?: T) => void) => void
  >;
  return new Promise((resolve) =>
    c[method]!.call(inner.get(nodeId), request, (err, res) =>
      resolve(err ? { code: err.code, details: err.details } : { reply: res! }),
    ),
  );
}

it('registers each journal server with its gRPC port', async () => {
  const nodes = await client.cluster.listNodes('JOURNAL_SERVER');
  expect(nodes.map((n) => [n.nodeId, n.ports['grpc']])).toEqual(
    [...servers].map(([id, s]) => [id, s.ports.grpc]),
  );
});

it('reports replica state, and moves leadership when placement activates a replica and updates the others', async () => {
  const adapter = journalAdapter([placement.grpcAddress], 'inner');
  try {
    await adapter.createShard('s');
    const { name } = await adapter.placementShard('s');
    const acked: string[] = [];
    const append = async (from: number, count: number) => {
      const texts = Array.from({ length: count }, (_, i) => `r${from + i}`);
      const offsets = await adapter.append(
        's',
        texts.map((t) => ({ payload: Buffer.from(t) })),
      );
      offsets.forEach((o, i) => (acked[o] = texts[i]!));
    };
    await append(0, 100);
    const [segment] = await client.journal.listSegments('inner', name);
    const ref = { namespace: 'inner', shardName: name, segmentSeq: segment!.seq };

    // followers catch up right after the ack; every replica then reports the same durable end
    await expect
      .poll(
        async () =>
          Promise.all(
            [1, 2, 3].map(async (id) => (await call(id, 'GetSegmentState', ref)).reply?.['durableEndOffset']),
          ),
        { timeout: 5_000 },
      )
      .toEqual([100, 100, 100]);
    const states = new Map(
      await Promise.all(
        [1, 2, 3].map(async (id) => [id, (await call(id, 'GetSegmentState', ref)).reply!] as const),
      ),
    );
    expect(states.get(segment!.leader)).toMatchObject({
      role: 'ROLE_LEADER',
      startOffset: 0,
      epoch: segment!.epoch,
      lastEpoch: segment!.epoch,
      sealedEndOffset: -1,
      highWatermark: 100,
    });
    const follower = segment!.replicas.find((r) => r !== segment!.leader)!;
    expect(states.get(follower)).toMatchObject({
      role: 'ROLE_FOLLOWER',
      durableEndOffset: 100,
      highWatermark: -1,
    });

    // an activation placement does not back is refused
    const refused = await call(follower, 'ActivateSegmentLeader', { ...ref, epoch: segment!.epoch });
    expect(refused).toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
      details: expect.stringMatching(/NOT_LEADER: placement has node \d+ leading/),
    });

    // placement moves the segment, then tells the new leader and the deposed one
    const moved = await client.journal.updateSegmentLeader({
      ...ref,
      leader: follower,
      expectedEpoch: segment!.epoch,
    });
    const activated = await call(follower, 'ActivateSegmentLeader', { ...ref, epoch: moved.epoch });
    expect(activated.reply).toMatchObject({ durableEndOffset: 100 });
    expect((await call(follower, 'GetSegmentState', ref)).reply).toMatchObject({
      role: 'ROLE_LEADER',
      epoch: moved.epoch,
    });
    // the new leader commits what a majority holds once its followers confirm it
    await expect
      .poll(async () => (await call(follower, 'GetSegmentState', ref)).reply?.['highWatermark'], {
        timeout: 5_000,
      })
      .toBe(100);
    const updated = await call(segment!.leader, 'UpdateCache', ref);
    expect(updated.reply).toEqual({ leader: follower, epoch: moved.epoch, status: 'SEGMENT_WRITE' });
    expect((await call(segment!.leader, 'GetSegmentState', ref)).reply).toMatchObject({
      role: 'ROLE_FOLLOWER',
      epoch: moved.epoch,
    });

    // appends go on under the new leader, and everything acknowledged reads back in order
    await append(100, 100);
    const read = await adapter.read('s', 0, { maxRecords: 1_000 });
    expect(read.map((r) => r.payload.toString())).toEqual(acked);
    expect((await call(follower, 'GetSegmentState', ref)).reply).toMatchObject({
      role: 'ROLE_LEADER',
      highWatermark: 200,
      lastEpoch: moved.epoch,
    });
  } finally {
    await adapter.close();
  }
});

it('answers bad input with INVALID_ARGUMENT and unknown segments with NOT_FOUND', async () => {
  expect(await call(1, 'GetSegmentState', { namespace: '', shardName: 's', segmentSeq: 0 })).toMatchObject({
    code: grpc.status.INVALID_ARGUMENT,
    details: 'namespace must not be empty',
  });
  expect(
    await call(1, 'GetSegmentState', { namespace: '../etc', shardName: 's', segmentSeq: 0 }),
  ).toMatchObject({
    code: grpc.status.INVALID_ARGUMENT,
    details: expect.stringMatching(/namespace must not contain '\/'/),
  });
  expect(await call(1, 'UpdateCache', { namespace: 'a', shardName: 'b c', segmentSeq: 0 })).toMatchObject({
    code: grpc.status.INVALID_ARGUMENT,
    details: expect.stringMatching(/shard_name/),
  });
  expect(
    await call(1, 'ActivateSegmentLeader', { namespace: 'a', shardName: 'b', segmentSeq: 0, epoch: 0 }),
  ).toMatchObject({
    code: grpc.status.INVALID_ARGUMENT,
    details: expect.stringMatching(/epoch must be a positive integer/),
  });
  expect(
    await call(1, 'GetSegmentState', { namespace: 'nope', shardName: 'nope', segmentSeq: 3 }),
  ).toMatchObject({ code: grpc.status.NOT_FOUND, details: expect.stringMatching(/SEGMENT_NOT_FOUND/) });
  expect(await call(1, 'UpdateCache', { namespace: 'nope', shardName: 'nope', segmentSeq: 0 })).toMatchObject(
    { code: grpc.status.NOT_FOUND },
  );
  expect(
    await call(1, 'ActivateSegmentLeader', { namespace: 'nope', shardName: 'nope', segmentSeq: 0, epoch: 1 }),
  ).toMatchObject({ code: grpc.status.NOT_FOUND });
  // the server is still up
  expect(
    (await call(1, 'GetSegmentState', { namespace: 'nope', shardName: 'nope', segmentSeq: 0 })).code,
  ).toBe(grpc.status.NOT_FOUND);
});
