// JournalService over a real gRPC connection: shards and segments with replicas chosen from journal servers
// registered through the real ClusterService, sealing and leader changes, consumer offsets, errors and restart.
import * as grpc from '@grpc/grpc-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlacementClient } from '@robustmq/placement-client';
import { newJournalClient } from '@robustmq/protocol';
import { expectCode, testScope, unary } from '@robustmq/testing';
import { startTestPlacement, type TestPlacement, testNode } from '@robustmq/testing/placement';

const scope = testScope();
let placement: TestPlacement;
let client: PlacementClient;

beforeAll(async () => {
  placement = scope.add(await startTestPlacement({ heartbeat: { timeout_ms: 600_000 } }));
  client = placement.client({ callTimeoutMs: 5000 });
});

const registerJournal = (nodeId: number) =>
  client.cluster.registerNode(
    testNode('JOURNAL_SERVER', nodeId, { data: 1778 + nodeId }, { clusterName: 'jc' }),
  );

const config = { replicaCount: 2, acks: 'ACKS_QUORUM' as const };

describe('JournalService', () => {
  it('refuses a shard when fewer journal servers are registered than it needs replicas', async () => {
    await expectCode(
      client.journal.createShard('ns', 'early', config),
      grpc.status.FAILED_PRECONDITION,
      /needs 2 distinct journal servers .* only 0 are registered/,
    );
    await registerJournal(1);
    await expectCode(
      client.journal.createShard('ns', 'early', config),
      grpc.status.FAILED_PRECONDITION,
      /needs 2 .* only 1 is registered/,
    );
    // brokers are not journal servers
    await client.cluster.registerNode(testNode('MQTT_BROKER', 50, {}, { clusterName: 'jc', host: 'h' }));
    await expectCode(
      client.journal.createShard('ns', 'early', config),
      grpc.status.FAILED_PRECONDITION,
      /only 1 is registered/,
    );
  });

  it('creates a shard with segment 0 on distinct, least-loaded journal servers', async () => {
    await registerJournal(2);
    await registerJournal(3);
    const first = await client.journal.createShard('ns', 'orders', {
      ...config,
      maxSegmentBytes: 1024,
      retentionMs: 86_400_000,
    });
    expect(first.shard).toMatchObject({
      namespace: 'ns',
      name: 'orders',
      status: 'SHARD_ACTIVE',
      activeSegmentSeq: 0,
    });
    expect(first.shard.config).toMatchObject({
      replicaCount: 2,
      acks: 'ACKS_QUORUM',
      maxSegmentBytes: 1024,
      maxSegmentAgeMs: 3_600_000,
      retentionMs: 86_400_000,
    });
    expect(first.segment).toMatchObject({
      seq: 0,
      status: 'SEGMENT_WRITE',
      startOffset: 0,
      endOffset: -1,
      epoch: 1,
      replicas: [1, 2],
    });
    expect(first.segment.leader).toBe(1);
    // nodes 1 and 2 now hold a writable segment each: node 3 is the least loaded
    const second = await client.journal.createShard('ns', 'payments', config);
    expect(second.segment.replicas[0]).toBe(3);
    expect(new Set(second.segment.replicas).size).toBe(2);

    expect(await client.journal.getShard('ns', 'orders')).toMatchObject({
      name: 'orders',
      activeSegmentSeq: 0,
    });
    expect(await client.journal.getShard('ns', 'missing')).toBeUndefined();
    expect((await client.journal.listShards()).shards.map((s) => `${s.namespace}/${s.name}`)).toEqual([
      'ns/orders',
      'ns/payments',
    ]);
    const page = await client.journal.listShards({ namespace: 'ns', limit: 1 });
    expect(page.shards.map((s) => s.name)).toEqual(['orders']);
    expect(page.more).toBe(true);
    expect((await client.journal.listShards({ startAfter: 'ns/orders' })).shards.map((s) => s.name)).toEqual([
      'payments',
    ]);
    expect((await client.journal.listShards({ namespace: 'other' })).shards).toEqual([]);
  });

  it('seals the active segment and opens the next with a new sequence, start offset and replicas', async () => {
    // a fresh, empty node: the next segment goes to the least-loaded servers, not to the sealed one's
    await registerJournal(4);
    const { sealed, next } = await client.journal.sealAndOpenNext({
      namespace: 'ns',
      shardName: 'orders',
      segmentSeq: 0,
      endOffset: 99,
      startTimestampMs: 1000,
      endTimestampMs: 2000,
    });
    expect(sealed).toMatchObject({
      seq: 0,
      status: 'SEGMENT_SEALED',
      startOffset: 0,
      endOffset: 99,
      startTimestampMs: 1000,
      endTimestampMs: 2000,
    });
    expect(next).toMatchObject({
      seq: 1,
      status: 'SEGMENT_WRITE',
      startOffset: 100,
      endOffset: -1,
      epoch: 1,
    });
    expect(next.replicas).toEqual([2, 4]);
    expect(next.leader).toBe(2);
    const segments = await client.journal.listSegments('ns', 'orders');
    expect(segments.map((s) => [s.seq, s.status])).toEqual([
      [0, 'SEGMENT_SEALED'],
      [1, 'SEGMENT_WRITE'],
    ]);
    expect((await client.journal.getShard('ns', 'orders'))?.activeSegmentSeq).toBe(1);

    // an empty segment seals at start - 1
    const empty = await client.journal.sealAndOpenNext({
      namespace: 'ns',
      shardName: 'orders',
      segmentSeq: 1,
      endOffset: 99,
    });
    expect(empty.next).toMatchObject({ seq: 2, startOffset: 100 });

    await expectCode(
      client.journal.sealAndOpenNext({ namespace: 'ns', shardName: 'orders', segmentSeq: 0, endOffset: 200 }),
      grpc.status.FAILED_PRECONDITION,
      /not the active segment \(active: 2\)/,
    );
    await expectCode(
      client.journal.sealAndOpenNext({ namespace: 'ns', shardName: 'orders', segmentSeq: 2, endOffset: 50 }),
      grpc.status.FAILED_PRECONDITION,
      /before segment 2's start offset 100/,
    );
    await expectCode(
      client.journal.sealAndOpenNext({ namespace: 'ns', shardName: 'nope', segmentSeq: 0, endOffset: 1 }),
      grpc.status.NOT_FOUND,
      /shard ns\/nope not found/,
    );
    await expectCode(
      client.journal.sealAndOpenNext({ namespace: 'ns', shardName: 'orders', segmentSeq: 2, endOffset: -2 }),
      grpc.status.INVALID_ARGUMENT,
      /end_offset/,
    );
  });

  it('moves a segment leader to another replica and bumps the epoch, fenced by the expected epoch', async () => {
    const [active] = (await client.journal.listSegments('ns', 'orders')).filter(
      (s) => s.status === 'SEGMENT_WRITE',
    );
    const other = active!.replicas.find((r) => r !== active!.leader)!;
    const moved = await client.journal.updateSegmentLeader({
      namespace: 'ns',
      shardName: 'orders',
      segmentSeq: active!.seq,
      leader: other,
      expectedEpoch: 1,
    });
    expect(moved).toMatchObject({ leader: other, epoch: 2 });
    await expectCode(
      client.journal.updateSegmentLeader({
        namespace: 'ns',
        shardName: 'orders',
        segmentSeq: active!.seq,
        leader: active!.leader,
        expectedEpoch: 1,
      }),
      grpc.status.FAILED_PRECONDITION,
      /at epoch 2, not 1/,
    );
    await expectCode(
      client.journal.updateSegmentLeader({
        namespace: 'ns',
        shardName: 'orders',
        segmentSeq: active!.seq,
        leader: 77,
      }),
      grpc.status.FAILED_PRECONDITION,
      /node 77 is not a replica/,
    );
    await expectCode(
      client.journal.updateSegmentLeader({
        namespace: 'ns',
        shardName: 'orders',
        segmentSeq: 99,
        leader: other,
      }),
      grpc.status.NOT_FOUND,
      /segment 99/,
    );
  });

  it('answers bad shard requests with INVALID_ARGUMENT naming the field, and duplicates with ALREADY_EXISTS', async () => {
    await expectCode(
      client.journal.createShard('ns', 'orders', config),
      grpc.status.ALREADY_EXISTS,
      /shard ns\/orders already exists/,
    );
    await expectCode(
      client.journal.createShard('', 'x', config),
      grpc.status.INVALID_ARGUMENT,
      /namespace must not be empty/,
    );
    await expectCode(
      client.journal.createShard('ns', 'a/b', config),
      grpc.status.INVALID_ARGUMENT,
      /name must not contain '\/'/,
    );
    await expectCode(
      client.journal.createShard('ns', 'x', { ...config, replicaCount: 0 }),
      grpc.status.INVALID_ARGUMENT,
      /config\.replica_count must be 1-7/,
    );
    await expectCode(
      client.journal.createShard('ns', 'x', { replicaCount: 1 }),
      grpc.status.INVALID_ARGUMENT,
      /config\.acks must be one of ACKS_ONE/,
    );
    await expectCode(client.journal.listSegments('ns', 'missing'), grpc.status.NOT_FOUND);
    await expectCode(client.journal.deleteShard('ns', 'missing'), grpc.status.NOT_FOUND);
  });

  it('deletes a shard by marking it and all its segments DELETING', async () => {
    await client.journal.deleteShard('ns', 'payments');
    expect(await client.journal.getShard('ns', 'payments')).toMatchObject({ status: 'SHARD_DELETING' });
    expect(
      (await client.journal.listSegments('ns', 'payments')).every((s) => s.status === 'SEGMENT_DELETING'),
    ).toBe(true);
    await expectCode(
      client.journal.createShard('ns', 'payments', config),
      grpc.status.ALREADY_EXISTS,
      /being deleted/,
    );
    await expectCode(
      client.journal.sealAndOpenNext({ namespace: 'ns', shardName: 'payments', segmentSeq: 0, endOffset: 0 }),
      grpc.status.FAILED_PRECONDITION,
      /being deleted/,
    );
  });
});

describe('consumer offsets', () => {
  it('commits, fetches and lists a group’s offsets', async () => {
    expect(await client.journal.fetchOffset('g1', 'ns', 'orders')).toBeUndefined();
    await client.journal.commitOffset('g1', 'ns', 'orders', 42);
    await client.journal.commitOffset('g1', 'ns', 'orders', 43);
    await client.journal.commitOffset('g1', 'ns', 'payments', 7);
    await client.journal.commitOffset('g2', 'ns', 'orders', 1);
    expect(await client.journal.fetchOffset('g1', 'ns', 'orders')).toBe(43);
    const list = await client.journal.listOffsets('g1');
    expect(list.map((o) => [o.shardName, o.offset])).toEqual([
      ['orders', 43],
      ['payments', 7],
    ]);
    expect(list[0]!.committedAtMs).toBeGreaterThan(0);
    expect(await client.journal.listOffsets('nobody')).toEqual([]);
  });

  it('coalesces the commits made while one is out into one CommitOffsets call, each with its own result', async () => {
    const before = { ...client.journal.commits.stats };
    const groups = Array.from({ length: 300 }, (_, i) => `batch-${i}`);
    const results = await Promise.allSettled([
      ...groups.map((g, i) => client.journal.commitOffset(g, 'ns', 'orders', i)),
      // the same group twice in one turn: one commit, the later offset, both callers answered
      client.journal.commitOffset('batch-0', 'ns', 'orders', 1000),
      client.journal.commitOffset('batch-x', 'ns', 'ghost', 1),
    ]);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(String((failed[0] as PromiseRejectedResult).reason)).toMatch(/shard ns\/ghost not found/);
    expect((failed[0] as PromiseRejectedResult).reason.code).toBe(grpc.status.NOT_FOUND);
    const stats = client.journal.commits.stats;
    // the first goes alone at once; the rest queued behind it and went together
    expect(stats.singles - before.singles).toBeLessThanOrEqual(2);
    expect(stats.batches - before.batches).toBeGreaterThanOrEqual(1);
    expect(stats.batchedCommits - before.batchedCommits).toBeGreaterThanOrEqual(290);
    expect(await client.journal.fetchOffset('batch-0', 'ns', 'orders')).toBe(1000);
    expect(await client.journal.fetchOffset('batch-299', 'ns', 'orders')).toBe(299);
  });

  it('refuses a CommitOffsets call over its size limit', async () => {
    const raw = scope.add(newJournalClient(placement.grpcAddress, grpc.credentials.createInsecure()));
    const commits = Array.from({ length: 10_001 }, () => ({
      group: 'g',
      namespace: 'ns',
      shardName: 'orders',
      offset: 1,
    }));
    const reply = await unary(raw, raw.CommitOffsets, { commits });
    expect(reply.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(reply.details).toMatch(/at most 10000 commits, got 10001/);
  });

  it('refuses offsets for unknown shards and bad names', async () => {
    await expectCode(
      client.journal.commitOffset('g1', 'ns', 'ghost', 1),
      grpc.status.NOT_FOUND,
      /shard ns\/ghost not found/,
    );
    await expectCode(
      client.journal.commitOffset('', 'ns', 'orders', 1),
      grpc.status.INVALID_ARGUMENT,
      /group must not be empty/,
    );
    await expectCode(
      client.journal.commitOffset('a/b', 'ns', 'orders', 1),
      grpc.status.INVALID_ARGUMENT,
      /group must not contain/,
    );
    await expectCode(client.journal.listOffsets(''), grpc.status.INVALID_ARGUMENT, /group/);
  });
});

describe('restart', () => {
  it('keeps shards, segments and offsets', async () => {
    const before = await client.journal.listSegments('ns', 'orders');
    await placement.restart();
    client.close();
    client = placement.client({ callTimeoutMs: 5000 });
    expect(await client.journal.listSegments('ns', 'orders')).toEqual(before);
    expect((await client.journal.getShard('ns', 'payments'))?.status).toBe('SHARD_DELETING');
    expect(await client.journal.fetchOffset('g1', 'ns', 'orders')).toBe(43);
    // the registry survived too, so new segments can still be placed
    const { next } = await client.journal.sealAndOpenNext({
      namespace: 'ns',
      shardName: 'orders',
      segmentSeq: before.at(-1)!.seq,
      endOffset: 150,
    });
    expect(next.startOffset).toBe(151);
  });
});
