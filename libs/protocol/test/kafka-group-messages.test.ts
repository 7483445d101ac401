// The group coordinator's and InitProducerId's declarations against an independent implementation: kafkajs encodes
// each request in every version it speaks and our codec must read what it meant (and nothing left over); our
// responses must decode in kafkajs to what we wrote. Catches a field in the wrong version or of the wrong type.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  ApiKey,
  KafkaReader,
  apiSpec,
  decodeMessage,
  encodeMessage,
  type KafkaValue,
} from '../src/kafka/index.js';

const require = createRequire(import.meta.url);
type KafkajsRequest = { encode(): Promise<{ buffer: Buffer }> };
type KafkajsResponse = { decode(b: Buffer): Promise<unknown>; parse(d: unknown): Promise<unknown> };
const kjsRequest = (api: string, v: number) =>
  require(`kafkajs/src/protocol/requests/${api}/v${v}/request`) as (args: unknown) => KafkajsRequest;
const kjsResponse = (api: string, v: number) =>
  require(`kafkajs/src/protocol/requests/${api}/v${v}/response`) as KafkajsResponse;

async function readRequest(apiKey: number, api: string, v: number, args: unknown): Promise<KafkaValue> {
  const bytes = (await kjsRequest(api, v)(args).encode()).buffer;
  const r = new KafkaReader(bytes);
  const value = decodeMessage(apiSpec(apiKey)!.request, v, r);
  expect(r.remaining, `${api} v${v}: bytes left over`).toBe(0);
  return value;
}

async function kafkajsReads(
  apiKey: number,
  api: string,
  v: number,
  body: KafkaValue,
): Promise<Record<string, unknown>> {
  const bytes = encodeMessage(apiSpec(apiKey)!.response, v, body).result();
  return (await kjsResponse(api, v).decode(bytes)) as Record<string, unknown>;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('group messages against kafkajs', () => {
  it('JoinGroup v0-5', async () => {
    for (const v of range(0, 5)) {
      const req = await readRequest(ApiKey.JoinGroup, 'joinGroup', v, {
        groupId: 'g',
        sessionTimeout: 30000,
        rebalanceTimeout: 60000,
        memberId: 'm-1',
        protocolType: 'consumer',
        groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 2]) }],
      });
      expect(req).toMatchObject({
        groupId: 'g',
        sessionTimeoutMs: 30000,
        memberId: 'm-1',
        protocolType: 'consumer',
      });
      expect(req.rebalanceTimeoutMs).toBe(v === 0 ? -1 : 60000);
      expect((req.protocols as { name: string; metadata: Buffer }[])[0]).toEqual({
        name: 'RoundRobinAssigner',
        metadata: Buffer.from([0, 1, 2]),
      });
      const res = await kafkajsReads(ApiKey.JoinGroup, 'joinGroup', v, {
        errorCode: 0,
        generationId: 4,
        protocolName: 'RoundRobinAssigner',
        leader: 'm-1',
        memberId: 'm-1',
        members: [{ memberId: 'm-1', groupInstanceId: null, metadata: Buffer.from([9]) }],
      });
      expect(res).toMatchObject({
        errorCode: 0,
        generationId: 4,
        groupProtocol: 'RoundRobinAssigner',
        leaderId: 'm-1',
        memberId: 'm-1',
      });
      expect((res.members as { memberId: string; memberMetadata: Buffer }[])[0]).toMatchObject({
        memberId: 'm-1',
        memberMetadata: Buffer.from([9]),
      });
    }
  });

  it('SyncGroup v0-3, Heartbeat v0-3, LeaveGroup v0-3', async () => {
    for (const v of range(0, 3)) {
      const sync = await readRequest(ApiKey.SyncGroup, 'syncGroup', v, {
        groupId: 'g',
        generationId: 2,
        memberId: 'm',
        groupAssignment: [{ memberId: 'm', memberAssignment: Buffer.from('a') }],
      });
      expect(sync).toMatchObject({
        groupId: 'g',
        generationId: 2,
        memberId: 'm',
        assignments: [{ memberId: 'm', assignment: Buffer.from('a') }],
      });
      expect(
        await kafkajsReads(ApiKey.SyncGroup, 'syncGroup', v, {
          errorCode: 0,
          assignment: Buffer.from('xyz'),
        }),
      ).toMatchObject({ errorCode: 0, memberAssignment: Buffer.from('xyz') });
      expect(
        await readRequest(ApiKey.Heartbeat, 'heartbeat', v, {
          groupId: 'g',
          groupGenerationId: 3,
          memberId: 'm',
          groupInstanceId: null,
        }),
      ).toMatchObject({ groupId: 'g', generationId: 3, memberId: 'm' });
      expect(await kafkajsReads(ApiKey.Heartbeat, 'heartbeat', v, { errorCode: 27 })).toMatchObject({
        errorCode: 27,
      });
      const leave = await readRequest(
        ApiKey.LeaveGroup,
        'leaveGroup',
        v,
        v < 3 ? { groupId: 'g', memberId: 'm' } : { groupId: 'g', members: [{ memberId: 'm' }] },
      );
      expect(v < 3 ? leave.memberId : (leave.members as { memberId: string }[])[0]!.memberId).toBe('m');
      expect(
        await kafkajsReads(ApiKey.LeaveGroup, 'leaveGroup', v, {
          errorCode: 0,
          members: [{ memberId: 'm', groupInstanceId: null, errorCode: 0 }],
        }),
      ).toMatchObject({ errorCode: 0 });
    }
  });

  it('OffsetCommit v0-5, OffsetFetch v1-4', async () => {
    for (const v of range(0, 5)) {
      const req = await readRequest(ApiKey.OffsetCommit, 'offsetCommit', v, {
        groupId: 'g',
        groupGenerationId: 7,
        memberId: 'm',
        retentionTime: -1,
        topics: [{ topic: 't', partitions: [{ partition: 2, offset: '42', metadata: null }] }],
      });
      expect(req).toMatchObject({
        groupId: 'g',
        topics: [{ name: 't', partitions: [{ partitionIndex: 2, committedOffset: 42 }] }],
      });
      if (v >= 1) expect(req).toMatchObject({ generationId: 7, memberId: 'm' });
      const res = await kafkajsReads(ApiKey.OffsetCommit, 'offsetCommit', v, {
        topics: [{ name: 't', partitions: [{ partitionIndex: 2, errorCode: 0 }] }],
      });
      expect(res).toMatchObject({
        responses: [{ topic: 't', partitions: [{ partition: 2, errorCode: 0 }] }],
      });
    }
    for (const v of range(1, 4)) {
      const req = await readRequest(ApiKey.OffsetFetch, 'offsetFetch', v, {
        groupId: 'g',
        topics: [{ topic: 't', partitions: [{ partition: 0 }, { partition: 1 }] }],
      });
      expect(req).toMatchObject({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] });
      const res = await kafkajsReads(ApiKey.OffsetFetch, 'offsetFetch', v, {
        topics: [
          {
            name: 't',
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 12,
                committedLeaderEpoch: -1,
                metadata: '',
                errorCode: 0,
              },
            ],
          },
        ],
        errorCode: 0,
      });
      expect(res).toMatchObject({
        responses: [{ topic: 't', partitions: [{ partition: 0, offset: '12' }] }],
      });
    }
  });

  it('FindCoordinator v0-2, InitProducerId v0-1, DescribeGroups v0-2, ListGroups v0-2, DeleteGroups v0-1', async () => {
    for (const v of range(0, 2)) {
      const req = await readRequest(
        ApiKey.FindCoordinator,
        'findCoordinator',
        v,
        v === 0 ? { groupId: 'g' } : { coordinatorKey: 'g', coordinatorType: 0 },
      );
      expect(req).toMatchObject({ key: 'g', keyType: 0 });
      expect(
        await kafkajsReads(ApiKey.FindCoordinator, 'findCoordinator', v, {
          errorCode: 0,
          errorMessage: null,
          nodeId: 3,
          host: 'h',
          port: 9092,
        }),
      ).toMatchObject({
        errorCode: 0,
        coordinator: { nodeId: 3, host: 'h', port: 9092 },
      });
      expect(
        await readRequest(ApiKey.DescribeGroups, 'describeGroups', v, { groupIds: ['a', 'b'] }),
      ).toMatchObject({ groups: ['a', 'b'] });
      const described = await kafkajsReads(ApiKey.DescribeGroups, 'describeGroups', v, {
        groups: [
          {
            errorCode: 0,
            groupId: 'a',
            groupState: 'Stable',
            protocolType: 'consumer',
            protocolData: 'range',
            members: [
              {
                memberId: 'm',
                clientId: 'c',
                clientHost: '/h',
                memberMetadata: Buffer.from('md'),
                memberAssignment: Buffer.from('as'),
              },
            ],
          },
        ],
      });
      expect(described).toMatchObject({
        groups: [
          {
            groupId: 'a',
            state: 'Stable',
            protocol: 'range',
            members: [{ memberId: 'm', clientHost: '/h' }],
          },
        ],
      });
      expect(
        await kafkajsReads(ApiKey.ListGroups, 'listGroups', v, {
          errorCode: 0,
          groups: [{ groupId: 'a', protocolType: 'consumer' }],
        }),
      ).toMatchObject({
        groups: [{ groupId: 'a', protocolType: 'consumer' }],
      });
    }
    for (const v of range(0, 1)) {
      expect(
        await readRequest(ApiKey.InitProducerId, 'initProducerId', v, {
          transactionalId: null,
          transactionTimeout: 5000,
        }),
      ).toMatchObject({ transactionalId: null, transactionTimeoutMs: 5000 });
      expect(
        await kafkajsReads(ApiKey.InitProducerId, 'initProducerId', v, {
          errorCode: 0,
          producerId: 1234,
          producerEpoch: 0,
        }),
      ).toMatchObject({ producerId: '1234', producerEpoch: 0 });
      expect(await readRequest(ApiKey.DeleteGroups, 'deleteGroups', v, ['a'])).toMatchObject({
        groupsNames: ['a'],
      });
    }
  });
});
