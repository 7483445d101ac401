// SUBSCRIBE → SUBACK: each filter is first rewritten by the topic rewrite rules (rules/topic-rewrite.ts), then validated on its own (rules, configured limits, `$share/<group>/<filter>`
// syntax), so one bad filter fails only its entry (0x80, or the MQTT 5 reason) while the others are granted at the
// QoS asked for. An MQTT 5 Subscription Identifier is kept with each subscription of the packet and sent back with
// the messages they match. A persistent session's subscriptions are durable before SUBACK. Retained messages
// matching a (non-shared) filter follow the SUBACK, as Retain Handling says.
import type { ISubscribePacket } from '@robustmq/protocol';
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';
import { ReasonCode, SUBACK_FAILURE } from '../packets/reason-codes.js';
import { sendRetained } from '../packets/retained.js';
import type { Subscription } from '../session/session.js';
import { parseSharedFilter } from '../routing/shared-subscription.js';
import type { StoredSubscription } from '../storage/session-persistence.js';
import { isValidTopicFilter, topicLimitProblem } from '../routing/topic-validation.js';

export function handleSubscribe(ctx: HandlerContext, connection: Connection, packet: ISubscribePacket): void {
  const session = connection.session!;
  const settings = ctx.settings;
  const v5 = connection.protocolVersion === 5;
  const rawId = v5 ? packet.properties?.subscriptionIdentifier : undefined;
  const identifier = Array.isArray(rawId) ? rawId[0] : rawId;
  if (identifier === 0 || (Array.isArray(rawId) && rawId.length > 1)) {
    // MQTT-3.8.2-... : 1..268435455, and at most one per SUBSCRIBE
    return connection.protocolViolation('topic_filter', 'invalid subscription identifier');
  }
  for (const { topic, nl } of packet.subscriptions) {
    if (v5 && nl === true && parseSharedFilter(topic) !== undefined) {
      // MQTT-3.8.3-4: No Local on a shared subscription is a protocol error
      return connection.protocolViolation('topic_filter', `No Local on shared subscription ${topic}`);
    }
  }
  const stored: StoredSubscription[] = [];
  const retainedFor: { filter: string; subscription: Subscription }[] = [];
  const problems: string[] = [];
  const granted = packet.subscriptions.map(({ topic: asked, qos, nl, rap, rh }) => {
    // rewrite rules apply before validation and ACL, so the rewritten filter is what is checked and stored
    const topic = ctx.rules ? ctx.rules.rewrite('subscribe', asked) : asked;
    const shared = parseSharedFilter(topic);
    const filter = shared === undefined || shared === 'invalid' ? topic : shared.filter;
    const problem =
      shared === 'invalid'
        ? `invalid shared subscription ${topic}: use $share/<group>/<filter>`
        : !isValidTopicFilter(filter)
          ? `invalid topic filter ${topic}`
          : topicLimitProblem(filter, settings.maxTopicLevels, settings.maxTopicLength);
    if (problem) {
      problems.push(problem);
      return v5 ? ReasonCode.TOPIC_FILTER_INVALID : SUBACK_FAILURE;
    }
    if (
      ctx.accessControl &&
      connection.identity &&
      !ctx.accessControl.allows(connection.identity, 'subscribe', filter)
    ) {
      problems.push(`not authorized to subscribe to ${filter}`);
      return v5 ? ReasonCode.NOT_AUTHORIZED : SUBACK_FAILURE;
    }
    const retainHandling = v5 ? (rh ?? 0) : 0;
    const subscription: Subscription = {
      qos,
      noLocal: v5 && nl === true,
      retainAsPublished: v5 && rap === true,
      retainHandling,
      levels: filter.split('/'),
      identifier,
      share: shared === undefined || shared === 'invalid' ? undefined : shared.group,
    };
    const isNew = ctx.subscribe(session, topic, subscription);
    const record: StoredSubscription = {
      topic,
      qos,
      rh: retainHandling,
      rap: subscription.retainAsPublished,
      nl: subscription.noLocal,
    };
    if (identifier !== undefined) record.subscriptionIdentifier = identifier;
    stored.push(record);
    // MQTT-3.8.4-... : retained messages are not sent for a shared subscription
    if (subscription.share === undefined && (retainHandling === 0 || (retainHandling === 1 && isNew))) {
      retainedFor.push({ filter: topic, subscription });
    }
    return qos;
  });

  const answer = (): void => {
    const reason = problems.length > 0 ? connection.reason(problems.join('; ')) : undefined;
    connection.send({
      cmd: 'suback',
      messageId: packet.messageId!,
      granted,
      ...(reason ? { properties: reason } : {}),
    });
    const now = Date.now();
    for (const { filter, subscription } of retainedFor) {
      const ids = subscription.identifier !== undefined ? [subscription.identifier] : undefined;
      sendRetained(ctx.store, session, filter, subscription.qos, ids, now);
    }
  };
  if (!session.persistent || stored.length === 0) return answer();
  ctx.store.addSubscriptions({ id: session.clientId }, stored).then(
    () => {
      if (connection.session === session) answer();
    },
    (err: unknown) => {
      connection.logger.error({ err }, 'could not store subscriptions');
      connection.close('session storage failed', ReasonCode.UNSPECIFIED_ERROR);
    },
  );
}
