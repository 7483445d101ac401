// Exactly-once metadata writes: a write sent twice with the same request_id (over real gRPC, to a placement center
// that runs Raft, so commands go through the log encoding) answers the same both times and applies once — for
// creates, a seal, a compare-and-set-like leader change, deletes and unregistration; and a PlacementClient whose
// first attempt's reply is lost (a proxy cuts the connection as the reply comes back) sees success, not
// ALREADY_EXISTS / NOT_FOUND / FAILED_PRECONDITION.
import * as grpc from '@grpc/grpc-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlacementClient } from '@robustmq/placement-client';
import { newClusterClient, newJournalClient, newMqttClient } from '@robustmq/protocol';
import { testScope } from '@robustmq/testing';
import { startPlacementCluster, type TestPlacementCluster, testNode } from '@robustmq/testing/placement';
import { ReplyDroppingProxy } from './reply-dropping-proxy.js';

const scope = testScope();
let cluster: TestPlacementCluster;
let client: PlacementClient;
const credentials = grpc.credentials.createInsecure();
let raw: { journal: grpc.Client; mqtt: grpc.Client; cluster: grpc.Client };

beforeAll(async () => {
  // a one-member Raft group: every write is encoded into the log and decoded to apply, request id included
  cluster = scope.add(await startPlacementCluster(1, { heartbeat: { timeout_ms: 600_000 } }));
  const address = cluster.addresses[0]!;
  client = cluster.client({ callTimeoutMs: 10_000 });
  raw = {
    journal: scope.add(newJournalClient(address, credentials) as unknown as grpc.Client),
    mqtt: scope.add(newMqttClient(address, credentials) as unknown as grpc.Client),
    cluster: scope.add(newClusterClient(address, credentials) as unknown as grpc.Client),
  };
  for (const nodeId of [1, 2, 3]) {
    await client.cluster.registerNode(
      testNode('JOURNAL_SERVER', nodeId, { data: 1778 + nodeId }, { clusterName: 'jc' }),
    );
  }
});

/** One raw unary call; resolves with the reply or the gRPC error (code + details). */
function send(
  service: keyof typeof raw,
  method: string,
  request: object,
): Promise<{ reply?: unknown; code?: grpc.status; details?: string }> {
  const c = raw[service] as unknown as Record<
    string,
    (req: object, cb: (err: grpc.ServiceError | null, res?: unknown) => void) => void
  >;
  return new Promise((resolve) => {
    c[method]!.call(raw[service], request, (err, res) =>
      resolve(err ? { code: err.code, details: err.details } : { reply: res }),
    );
  });
}

const config = { replicaCount: 3, acks: 'ACKS_QUORUM' };

describe('the same request_id sent twice over gRPC', () => {
  it('creates a shard once and answers the retry with the first attempt’s shard and replicas', async () => {
    const request = { namespace: 'ns', name: 'twice', config, requestId: 'create-1' };
    const first = await send('journal', 'CreateShard', request);
    expect(first.code).toBeUndefined();
    const second = await send('journal', 'CreateShard', request);
    expect(second).toEqual(first);
    // a different logical call for the same shard is a real duplicate
    const other = await send('journal', 'CreateShard', { ...request, requestId: 'create-2' });
    expect(other.code).toBe(grpc.status.ALREADY_EXISTS);
    expect((await client.journal.listShards({ namespace: 'ns' })).shards.map((s) => s.name)).toEqual([
      'twice',
    ]);
    expect(await client.journal.listSegments('ns', 'twice')).toHaveLength(1);
  });

  it('creates a user and an ACL rule with a generated id once', async () => {
    const user = { username: 'alice', password: 'secret', superuser: false, requestId: 'user-1' };
    const first = await send('mqtt', 'CreateUser', user);
    expect(first.code).toBeUndefined();
    expect(await send('mqtt', 'CreateUser', user)).toEqual(first);
    expect((await send('mqtt', 'CreateUser', { ...user, requestId: 'user-2' })).code).toBe(
      grpc.status.ALREADY_EXISTS,
    );

    const rule = {
      rule: {
        permission: 'ALLOW',
        action: 'PUBLISH',
        subjectType: 'SUBJECT_USER',
        subjectValue: 'alice',
        topicFilter: 'a/#',
      },
      requestId: 'acl-1',
    };
    const created = await send('mqtt', 'CreateAclRule', rule);
    const again = await send('mqtt', 'CreateAclRule', rule);
    // the retry gets the id placement generated the first time, and no second rule exists
    expect(again).toEqual(created);
    const rules = await client.mqtt.listAclRules();
    expect(rules.map((r) => r.id)).toEqual([(created.reply as { rule: { id: string } }).rule.id]);
  });

  it('seals a segment once: the retry answers with the same sealed and next segments', async () => {
    const seal = {
      namespace: 'ns',
      shardName: 'twice',
      segmentSeq: 0,
      endOffset: 41,
      startTimestampMs: 1,
      endTimestampMs: 2,
      requestId: 'seal-1',
    };
    const first = await send('journal', 'SealAndOpenNext', seal);
    expect(first.code).toBeUndefined();
    expect(first.reply).toMatchObject({
      sealed: { seq: 0, status: 'SEGMENT_SEALED', endOffset: 41 },
      next: { seq: 1, startOffset: 42 },
    });
    expect(await send('journal', 'SealAndOpenNext', seal)).toEqual(first);
    const segments = await client.journal.listSegments('ns', 'twice');
    expect(segments.map((s) => [s.seq, s.status])).toEqual([
      [0, 'SEGMENT_SEALED'],
      [1, 'SEGMENT_WRITE'],
    ]);
    // without the request id the same seal is refused: segment 0 is no longer the active one
    expect((await send('journal', 'SealAndOpenNext', { ...seal, requestId: 'seal-2' })).code).toBe(
      grpc.status.FAILED_PRECONDITION,
    );
  });

  it('moves a segment leader from an expected epoch once (the retry is not refused as a stale epoch)', async () => {
    const [segment] = (await client.journal.listSegments('ns', 'twice')).filter((s) => s.seq === 1);
    const to = segment!.replicas.find((r) => r !== segment!.leader)!;
    const move = {
      namespace: 'ns',
      shardName: 'twice',
      segmentSeq: 1,
      leader: to,
      expectedEpoch: segment!.epoch,
      requestId: 'leader-1',
    };
    const first = await send('journal', 'UpdateSegmentLeader', move);
    expect(first.reply).toMatchObject({ segment: { leader: to, epoch: segment!.epoch + 1 } });
    expect(await send('journal', 'UpdateSegmentLeader', move)).toEqual(first);
    expect((await client.journal.listSegments('ns', 'twice'))[1]).toMatchObject({
      leader: to,
      epoch: segment!.epoch + 1,
    });
    expect((await send('journal', 'UpdateSegmentLeader', { ...move, requestId: 'leader-2' })).code).toBe(
      grpc.status.FAILED_PRECONDITION,
    );
  });

  it('deletes and unregisters once: the retry succeeds instead of NOT_FOUND', async () => {
    const del = { username: 'alice', requestId: 'del-1' };
    expect((await send('mqtt', 'DeleteUser', del)).code).toBeUndefined();
    expect((await send('mqtt', 'DeleteUser', del)).code).toBeUndefined();
    expect((await send('mqtt', 'DeleteUser', { ...del, requestId: 'del-2' })).code).toBe(
      grpc.status.NOT_FOUND,
    );

    await client.cluster.registerNode(testNode('MQTT_BROKER', 9, {}, { clusterName: 'jc', host: 'h' }));
    const unregister = { clusterType: 'MQTT_BROKER', clusterName: 'jc', nodeId: 9, requestId: 'unreg-1' };
    expect((await send('cluster', 'UnregisterNode', unregister)).code).toBeUndefined();
    expect((await send('cluster', 'UnregisterNode', unregister)).code).toBeUndefined();
    expect((await send('cluster', 'UnregisterNode', { ...unregister, requestId: 'unreg-2' })).code).toBe(
      grpc.status.NOT_FOUND,
    );
  });

  it('refuses a malformed request_id and one reused for a different write', async () => {
    const tooLong = await send('journal', 'CommitOffset', {
      group: 'g',
      namespace: 'ns',
      shardName: 'twice',
      offset: 1,
      requestId: 'x'.repeat(129),
    });
    expect(tooLong).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: expect.stringMatching(/request_id is longer than 128/),
    });
    const reused = await send('journal', 'SealAndOpenNext', {
      namespace: 'ns',
      shardName: 'twice',
      segmentSeq: 1,
      endOffset: 50,
      requestId: 'create-1',
    });
    expect(reused).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: expect.stringMatching(/already used by a different write/),
    });
  });
});

describe('a PlacementClient whose first reply is lost', () => {
  let proxy: ReplyDroppingProxy;
  let lossy: PlacementClient;

  beforeAll(async () => {
    proxy = scope.add(
      await ReplyDroppingProxy.start({ host: '127.0.0.1', port: cluster.member(1).grpcPort }),
    );
    lossy = scope.add(new PlacementClient({ addresses: [proxy.address], callTimeoutMs: 10_000 }));
    await lossy.journal.listShards(); // connect before arming, so the dropped frame is a reply
  });

  async function withLostReply<T>(call: () => Promise<T>): Promise<T> {
    const before = proxy.dropped;
    proxy.dropNextReplies(1);
    const result = await call();
    expect(proxy.dropped).toBe(before + 1);
    return result;
  }

  it('sees its shard created, not ALREADY_EXISTS', async () => {
    const { shard, segment } = await withLostReply(() =>
      lossy.journal.createShard('lost', 'orders', { replicaCount: 2, acks: 'ACKS_QUORUM' }),
    );
    expect(shard).toMatchObject({ namespace: 'lost', name: 'orders', activeSegmentSeq: 0 });
    // the answer is what the first attempt stored, not replicas re-chosen by the retry
    expect(await client.journal.listSegments('lost', 'orders')).toEqual([segment]);
  });

  it('sees its user and ACL rule created once', async () => {
    const user = await withLostReply(() => lossy.mqtt.createUser('bob', 'pw'));
    expect(await client.mqtt.getUser('bob')).toEqual(user);
    const before = (await client.mqtt.listAclRules()).length;
    const rule = await withLostReply(() =>
      lossy.mqtt.createAclRule({
        permission: 'DENY',
        action: 'ALL',
        subjectType: 'SUBJECT_ALL',
        subjectValue: '',
        topicFilter: '#',
        priority: 5,
      }),
    );
    const rules = await client.mqtt.listAclRules();
    expect(rules).toHaveLength(before + 1);
    expect(rules.find((r) => r.id === rule.id)).toEqual(rule);
  });

  it('sees its seal and its leader change succeed, each applied once', async () => {
    const { sealed, next } = await withLostReply(() =>
      lossy.journal.sealAndOpenNext({ namespace: 'lost', shardName: 'orders', segmentSeq: 0, endOffset: 9 }),
    );
    expect(sealed).toMatchObject({ seq: 0, endOffset: 9 });
    expect((await client.journal.listSegments('lost', 'orders')).map((s) => s.seq)).toEqual([0, 1]);
    const to = next.replicas.find((r) => r !== next.leader)!;
    const moved = await withLostReply(() =>
      lossy.journal.updateSegmentLeader({
        namespace: 'lost',
        shardName: 'orders',
        segmentSeq: 1,
        leader: to,
        expectedEpoch: next.epoch,
      }),
    );
    expect(moved).toMatchObject({ leader: to, epoch: next.epoch + 1 });
    expect((await client.journal.listSegments('lost', 'orders'))[1]).toMatchObject({
      leader: to,
      epoch: next.epoch + 1,
    });
  });

  it('sees its delete succeed, not NOT_FOUND', async () => {
    await withLostReply(() => lossy.mqtt.deleteUser('bob'));
    expect(await client.mqtt.getUser('bob')).toBeUndefined();
    await withLostReply(() => lossy.journal.commitOffset('g', 'lost', 'orders', 7));
    expect(await client.journal.fetchOffset('g', 'lost', 'orders')).toBe(7);
  });
});
