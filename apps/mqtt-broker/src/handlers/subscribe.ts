// SUBSCRIBE → SUBACK: each filter is validated on its own, so one bad filter fails only its entry (0x80, or the
// MQTT 5 reason) while the others are granted. QoS is granted up to 1, the highest the broker sends.
import type { ISubscribePacket } from '@robustmq/protocol';
import type { Connection } from '../connection.js';
import { ReasonCode, SUBACK_FAILURE } from '../reason-codes.js';
import { isSharedSubscription, isValidTopicFilter } from '../topic-validation.js';

export function handleSubscribe(connection: Connection, packet: ISubscribePacket): void {
  const session = connection.session!;
  const v5 = connection.protocolVersion === 5;
  if (v5 && packet.properties?.subscriptionIdentifier !== undefined) {
    // CONNACK said Subscription Identifiers Available = false (MQTT 5 §3.2.2.3.12)
    return connection.close('subscription identifiers are not supported', ReasonCode.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED);
  }
  const granted = packet.subscriptions.map(({ topic, qos, nl, rap }) => {
    if (!isValidTopicFilter(topic)) return v5 ? ReasonCode.TOPIC_FILTER_INVALID : SUBACK_FAILURE;
    if (v5 && isSharedSubscription(topic)) return ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED;
    const grantedQos = qos === 0 ? 0 : 1;
    connection.broker.subscribe(session, topic, {
      qos: grantedQos,
      noLocal: v5 && nl === true,
      retainAsPublished: v5 && rap === true,
    });
    return grantedQos;
  });
  connection.send({ cmd: 'suback', messageId: packet.messageId!, granted });
}
