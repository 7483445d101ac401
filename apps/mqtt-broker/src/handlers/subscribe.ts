// SUBSCRIBE → SUBACK: each filter is validated on its own, so one bad filter fails only its entry (0x80, or the
// MQTT 5 reason) while the others are granted at the QoS asked for. A persistent session's subscriptions are
// durable before SUBACK. Retained messages matching a filter follow the SUBACK, as Retain Handling says.
import type { ISubscribePacket, QoS } from '@robustmq/protocol';
import type { Connection } from '../connection.js';
import { ReasonCode, SUBACK_FAILURE } from '../reason-codes.js';
import { retainedMessage } from '../retained.js';
import type { StoredSubscription } from '../storage/session-persistence.js';
import { isSharedSubscription, isValidTopicFilter } from '../topic-validation.js';

export function handleSubscribe(connection: Connection, packet: ISubscribePacket): void {
  const session = connection.session!;
  const { broker } = connection;
  const v5 = connection.protocolVersion === 5;
  if (v5 && packet.properties?.subscriptionIdentifier !== undefined) {
    // CONNACK said Subscription Identifiers Available = false (MQTT 5 §3.2.2.3.12)
    return connection.close('subscription identifiers are not supported', ReasonCode.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED);
  }
  const stored: StoredSubscription[] = [];
  const retainedFor: { filter: string; qos: QoS }[] = [];
  const granted = packet.subscriptions.map(({ topic, qos, nl, rap, rh }) => {
    if (!isValidTopicFilter(topic)) return v5 ? ReasonCode.TOPIC_FILTER_INVALID : SUBACK_FAILURE;
    if (v5 && isSharedSubscription(topic)) return ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED;
    const retainHandling = v5 ? (rh ?? 0) : 0;
    const subscription = {
      qos,
      noLocal: v5 && nl === true,
      retainAsPublished: v5 && rap === true,
      retainHandling,
      levels: topic.split('/'),
    };
    const isNew = broker.subscribe(session, topic, subscription);
    stored.push({ topic, qos, rh: retainHandling, rap: subscription.retainAsPublished, nl: subscription.noLocal });
    if (retainHandling === 0 || (retainHandling === 1 && isNew)) retainedFor.push({ filter: topic, qos });
    return qos;
  });

  const answer = (): void => {
    connection.send({ cmd: 'suback', messageId: packet.messageId!, granted });
    const now = Date.now();
    for (const { filter, qos } of retainedFor) {
      for (const retained of broker.persistence.retainedMatching([filter])) {
        const message = retainedMessage(retained, now);
        // MQTT-3.3.1-8: a retained message sent for a new subscription carries RETAIN = 1
        if (message) session.deliverRetained(message, (message.qos < qos ? message.qos : qos) as QoS);
      }
    }
  };
  if (!session.persistent || stored.length === 0) return answer();
  broker.persistence.addSubscriptions({ id: session.clientId }, stored).then(
    () => {
      if (connection.session === session) answer();
    },
    (err: unknown) => {
      connection.logger.error({ err }, 'could not store subscriptions');
      connection.close('session storage failed', ReasonCode.UNSPECIFIED_ERROR);
    },
  );
}
