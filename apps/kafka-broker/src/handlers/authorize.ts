// The per-topic checks the handlers make at their entry points (the rules and the Kafka-to-MQTT mapping are in
// server/authorizer.ts). Without SASL there is no authorizer and no principal: everything is allowed.
import { normaliseIp } from '@robustmq/common';
import { ErrorCode } from '@robustmq/protocol/kafka';
import { TopicError } from '../topics/topic-catalog.js';
import type { BrokerContext, ConnectionState } from './context.js';

function principalOf(conn: ConnectionState) {
  return {
    user: conn.principal ?? '',
    clientId: conn.clientId ?? '',
    ip: normaliseIp(conn.remoteAddress),
    superuser: conn.superuser,
  };
}

/** Produce needs 'publish'; Fetch, ListOffsets, OffsetCommit and OffsetFetch need 'subscribe'. */
export function topicAllowed(
  ctx: BrokerContext,
  conn: ConnectionState,
  action: 'publish' | 'subscribe',
  topic: string,
): boolean {
  return ctx.authorizer === undefined || ctx.authorizer.allows(principalOf(conn), action, topic);
}

/** Metadata shows a topic to whoever may produce to it or read it (Kafka's DESCRIBE). */
export function topicVisible(ctx: BrokerContext, conn: ConnectionState, topic: string): boolean {
  return topicAllowed(ctx, conn, 'subscribe', topic) || topicAllowed(ctx, conn, 'publish', topic);
}

/** CreateTopics, DeleteTopics, CreatePartitions and Metadata's auto-creation. */
export function topicAdminAllowed(ctx: BrokerContext, conn: ConnectionState, topic: string): boolean {
  return ctx.authorizer === undefined || ctx.authorizer.mayAdminister(principalOf(conn), topic);
}

/** Throws TOPIC_AUTHORIZATION_FAILED (29) unless the principal may create, delete or grow `topic`. */
export function assertTopicAdmin(ctx: BrokerContext, conn: ConnectionState, topic: string): void {
  if (!topicAdminAllowed(ctx, conn, topic))
    throw new TopicError(
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      `not authorized to administer topic ${topic}: needs a superuser or an ALLOW rule with action ALL`,
    );
}

/** Group operations with no topic named in the rules' terms: DeleteGroups is a superuser's (docs/kafka.md). */
export function superuserOrOpen(ctx: BrokerContext, conn: ConnectionState): boolean {
  return ctx.authorizer === undefined || conn.superuser;
}
