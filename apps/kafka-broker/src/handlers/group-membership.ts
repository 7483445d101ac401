// JoinGroup, SyncGroup, Heartbeat and LeaveGroup: the wire side of the group coordinator (group/). Each maps the
// request's fields of its version onto the coordinator's plain request and its answer back; the membership protocol
// itself — generations, member ids, the leader, timeouts — is group/consumer-group.ts.
import { ApiKey, ErrorCode } from '@robustmq/protocol/kafka';
import type { GroupProtocol } from '../group/types.js';
import { apiHandler } from './context.js';

export const joinGroup = apiHandler(ApiKey.JoinGroup, async (ctx, conn, body, header) => {
  const v = header.apiVersion;
  const sessionTimeoutMs = body.sessionTimeoutMs as number;
  const answer = await ctx.groups.joinGroup({
    groupId: body.groupId as string,
    sessionTimeoutMs,
    // v0 has no rebalance timeout: the session timeout is it (Kafka's JoinGroupRequest note)
    rebalanceTimeoutMs:
      v === 0 || (body.rebalanceTimeoutMs as number) < 0
        ? sessionTimeoutMs
        : (body.rebalanceTimeoutMs as number),
    memberId: body.memberId as string,
    groupInstanceId: (body.groupInstanceId as string | null) ?? null,
    protocolType: body.protocolType as string,
    protocols: body.protocols as GroupProtocol[],
    clientId: header.clientId ?? '',
    clientHost: `/${conn.remoteAddress}`,
    requireKnownMemberId: v >= 4,
  });
  return { throttleTimeMs: 0, skipAssignment: false, ...answer };
});

export const syncGroup = apiHandler(ApiKey.SyncGroup, async (ctx, _conn, body) => {
  const answer = await ctx.groups.syncGroup({
    groupId: body.groupId as string,
    generationId: body.generationId as number,
    memberId: body.memberId as string,
    groupInstanceId: (body.groupInstanceId as string | null) ?? null,
    protocolType: (body.protocolType as string | null) ?? null,
    protocolName: (body.protocolName as string | null) ?? null,
    assignments: body.assignments as { memberId: string; assignment: Buffer }[],
  });
  return { throttleTimeMs: 0, ...answer };
});

export const heartbeat = apiHandler(ApiKey.Heartbeat, async (ctx, _conn, body) => {
  const errorCode = ctx.groups.heartbeat({
    groupId: body.groupId as string,
    generationId: body.generationId as number,
    memberId: body.memberId as string,
    groupInstanceId: (body.groupInstanceId as string | null) ?? null,
  });
  return { throttleTimeMs: 0, errorCode };
});

export const leaveGroup = apiHandler(ApiKey.LeaveGroup, async (ctx, _conn, body, header) => {
  const batched = header.apiVersion >= 3;
  const members = batched
    ? (body.members as { memberId: string; groupInstanceId: string | null }[]).map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
      }))
    : [{ memberId: body.memberId as string, groupInstanceId: null }];
  const answer = ctx.groups.leaveGroup({ groupId: body.groupId as string, members });
  // v3+: a member's own error is in its entry; the top level carries only the group's (NOT_COORDINATOR, …)
  const groupError = answer.members.length === 0 ? answer.errorCode : ErrorCode.NONE;
  return { throttleTimeMs: 0, errorCode: batched ? groupError : answer.errorCode, members: answer.members };
});
