// DescribeGroups, ListGroups and DeleteGroups: what admin tools (kafka-consumer-groups, kcat -L, kafkajs admin) ask
// of the group coordinator. A broker describes and lists the groups it coordinates, as Kafka brokers do (an admin
// client asks each broker).
import { ApiKey, ErrorCode } from '@robustmq/protocol/kafka';
import { superuserOrOpen } from './authorize.js';
import { apiHandler } from './context.js';

export const describeGroups = apiHandler(ApiKey.DescribeGroups, async (ctx, _conn, body) => {
  const groups = ctx.groups.describeGroups(body.groups as string[]).map((g) => ({
    errorCode: g.errorCode,
    groupId: g.groupId,
    groupState: g.groupState,
    protocolType: g.protocolType,
    protocolData: g.protocolData,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: m.metadata,
      memberAssignment: m.assignment,
    })),
    authorizedOperations: -2147483648,
  }));
  return { throttleTimeMs: 0, groups };
});

export const listGroups = apiHandler(ApiKey.ListGroups, async (ctx, _conn, body) => {
  const groups = await ctx.groups.listGroups((body.statesFilter as string[] | undefined) ?? []);
  return { throttleTimeMs: 0, errorCode: 0, groups };
});

export const deleteGroups = apiHandler(ApiKey.DeleteGroups, async (ctx, conn, body) => {
  const names = body.groupsNames as string[];
  // groups are not a resource of the ACL rules: deleting one (and its committed offsets) is a superuser's
  const allowed = superuserOrOpen(ctx, conn);
  const results = await Promise.all(
    names.map(async (groupId) => ({
      groupId,
      errorCode: allowed ? await ctx.groups.deleteGroup(groupId) : ErrorCode.GROUP_AUTHORIZATION_FAILED,
    })),
  );
  return { throttleTimeMs: 0, results };
});
