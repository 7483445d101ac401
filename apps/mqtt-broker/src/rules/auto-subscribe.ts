// Auto-subscribe rules: when a client has connected, its session is subscribed to each rule's filter (`%u` and `%c`
// stand for its username and client id) with the rule's QoS and options, as if it had sent SUBSCRIBE itself — the
// subscription is stored with a persistent session, and retained messages follow per Retain Handling. A rule whose
// filter comes out invalid (or names `%u` for a client without a username) is skipped for that client only.
// Operator-configured, so neither ACL nor rewrite rules apply to these subscriptions (as in EMQX).
import type { QoS } from '@robustmq/protocol';
import type { Logger } from '@robustmq/common';
import { sendRetained } from '../packets/retained.js';
import type { Session } from '../session/session.js';
import type { Subscription } from '../routing/subscription.js';
import { parseSharedFilter } from '../routing/shared-subscription.js';
import type { PacketObject, StoredSubscription } from '../storage/session-persistence.js';
import { isValidTopicFilter, topicLimitProblem } from '../routing/topic-validation.js';

/** An AUTO_SUBSCRIBE_RULE record as placement stores it (see placement-center's resource-schemas.ts). */
export interface AutoSubscribeRuleRecord {
  id: string;
  topicFilter: string;
  qos: QoS;
  noLocal?: boolean | undefined;
  retainAsPublished?: boolean | undefined;
  retainHandling?: number | undefined;
}

/** The rule's filter for this client, or undefined when it cannot be made into a valid one. */
export function autoSubscribeFilter(
  rule: AutoSubscribeRuleRecord,
  client: { clientId: string; username?: string | undefined },
  limits: { maxTopicLevels: number; maxTopicLength: number },
): string | undefined {
  if (rule.topicFilter.includes('%u') && client.username === undefined) return undefined;
  const topic = rule.topicFilter.replaceAll('%u', client.username ?? '').replaceAll('%c', client.clientId);
  const shared = parseSharedFilter(topic);
  if (shared === 'invalid') return undefined;
  const filter = shared === undefined ? topic : shared.filter;
  if (!isValidTopicFilter(filter) || topicLimitProblem(filter, limits.maxTopicLevels, limits.maxTopicLength))
    return undefined;
  return topic;
}

/** What applying the rules needs of the broker (the packet handlers' context provides it). */
export interface AutoSubscribeHost {
  readonly settings: { maxTopicLevels: number; maxTopicLength: number };
  readonly logger: Logger;
  readonly store: {
    retainedMatching(filters: string[]): Iterable<PacketObject>;
    addSubscriptions(client: { id: string }, subscriptions: StoredSubscription[]): Promise<unknown>;
  };
  subscribe(session: Session, filter: string, subscription: Subscription): boolean;
}

/** Subscribes a just-connected session to every rule's filter; call after CONNACK, so retained messages follow it. */
export function applyAutoSubscribe(
  ctx: AutoSubscribeHost,
  session: Session,
  rules: readonly AutoSubscribeRuleRecord[],
  client: { clientId: string; username?: string | undefined },
): void {
  if (rules.length === 0) return;
  const stored: StoredSubscription[] = [];
  const retainedFor: { filter: string; subscription: Subscription }[] = [];
  for (const rule of rules) {
    const topic = autoSubscribeFilter(rule, client, ctx.settings);
    if (topic === undefined) {
      ctx.logger.debug(
        { rule: rule.id, clientId: client.clientId, topicFilter: rule.topicFilter },
        'auto-subscribe rule gives no valid filter; skipped',
      );
      continue;
    }
    const shared = parseSharedFilter(topic);
    const group = shared === undefined || shared === 'invalid' ? undefined : shared;
    const retainHandling = rule.retainHandling ?? 0;
    const subscription: Subscription = {
      qos: rule.qos,
      // MQTT-3.8.3-4 forbids No Local on a shared subscription
      noLocal: group === undefined && rule.noLocal === true,
      retainAsPublished: rule.retainAsPublished === true,
      retainHandling,
      levels: (group?.filter ?? topic).split('/'),
      share: group?.group,
    };
    const isNew = ctx.subscribe(session, topic, subscription);
    stored.push({
      topic,
      qos: rule.qos,
      rh: retainHandling,
      rap: subscription.retainAsPublished,
      nl: subscription.noLocal,
    });
    if (group === undefined && (retainHandling === 0 || (retainHandling === 1 && isNew)))
      retainedFor.push({ filter: topic, subscription });
  }
  const now = Date.now();
  for (const { filter, subscription } of retainedFor)
    sendRetained(ctx.store, session, filter, subscription.qos, undefined, now);
  if (session.persistent && stored.length > 0) {
    // the subscriptions are live already; a failed write only means a restart would not restore them
    ctx.store.addSubscriptions({ id: session.clientId }, stored).catch((err: unknown) => {
      ctx.logger.error({ err, clientId: session.clientId }, 'could not store auto-subscriptions');
    });
  }
}
