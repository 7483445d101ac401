// OffsetCommit and OffsetFetch: consumer groups' committed offsets, kept in placement by the group coordinator
// (group/offset-store.ts). OffsetFetch v8 asks for several groups at once (KIP-709); a null topic list (v2+) asks for
// every partition the group has committed.
import { ApiKey, ErrorCode } from '@robustmq/protocol/kafka';
import type { CommitPartition, OffsetFetchResponse } from '../group/types.js';
import { topicAllowed } from './authorize.js';
import { apiHandler, type BrokerContext, type ConnectionState } from './context.js';

export const offsetCommit = apiHandler(ApiKey.OffsetCommit, async (ctx, conn, body, header) => {
  const v = header.apiVersion;
  const asked = body.topics as {
    name: string;
    partitions: (CommitPartition & { committedOffset: number })[];
  }[];
  // committing a position in a topic is a read of it: SUBSCRIBE (server/authorizer.ts); denied topics are not stored
  const topics = asked.filter((t) => topicAllowed(ctx, conn, 'subscribe', t.name));
  const denied = asked
    .filter((t) => !topics.includes(t))
    .map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      })),
    }));
  const answer = await ctx.groups.offsetCommit({
    groupId: body.groupId as string,
    // v0 commits outside group management
    generationId: v === 0 ? -1 : (body.generationId as number),
    memberId: v === 0 ? '' : (body.memberId as string),
    groupInstanceId: (body.groupInstanceId as string | null) ?? null,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        committedOffset: p.committedOffset,
        committedLeaderEpoch: p.committedLeaderEpoch ?? -1,
        committedMetadata: p.committedMetadata ?? null,
      })),
    })),
  });
  return { throttleTimeMs: 0, topics: [...answer.topics, ...denied] };
});

type TopicsAsked = { name: string; partitionIndexes: number[] }[] | null;

/** The group's offsets; a topic the principal may not read (SUBSCRIBE) is left out of an "every topic" answer and
 * answers TOPIC_AUTHORIZATION_FAILED when named. */
async function fetchOne(
  ctx: BrokerContext,
  conn: ConnectionState,
  groupId: string,
  topics: TopicsAsked,
): Promise<OffsetFetchResponse> {
  const answer = await ctx.groups.offsetFetch({ groupId, topics });
  const shown = answer.topics.flatMap((t) => {
    if (topicAllowed(ctx, conn, 'subscribe', t.name)) return [t];
    if (topics === null) return [];
    const partitions = t.partitions.map((p) => ({
      ...p,
      committedOffset: -1,
      metadata: null,
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    }));
    return [{ name: t.name, partitions }];
  });
  return { ...answer, topics: shown };
}

export const offsetFetch = apiHandler(ApiKey.OffsetFetch, async (ctx, conn, body, header) => {
  if (header.apiVersion >= 8) {
    const groups = body.groups as { groupId: string; topics: TopicsAsked }[];
    const answers = await Promise.all(groups.map((g) => fetchOne(ctx, conn, g.groupId, g.topics)));
    return {
      throttleTimeMs: 0,
      groups: groups.map((g, i) => ({
        groupId: g.groupId,
        topics: answers[i]!.topics,
        errorCode: answers[i]!.errorCode,
      })),
    };
  }
  const answer = await fetchOne(ctx, conn, body.groupId as string, body.topics as TopicsAsked);
  // v0/v1 have no top-level error: a group-level one goes to every partition (the answer's partitions carry it)
  return {
    throttleTimeMs: 0,
    topics: answer.topics,
    errorCode: header.apiVersion >= 2 ? answer.errorCode : ErrorCode.NONE,
  };
});
