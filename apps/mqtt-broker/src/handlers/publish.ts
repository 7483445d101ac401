// PUBLISH from a client: validates the topic, routes the message to matching sessions, and acknowledges by QoS —
// QoS 1 with PUBACK after routing, QoS 2 with PUBREC, remembering the packet id until PUBREL so a resent PUBLISH
// is not delivered twice.
import type { IPublishPacket } from '@robustmq/protocol';
import type { Connection } from '../connection.js';
import { PUBACK, PUBREC, ackPacket } from '../fixed-packets.js';
import { forwardedProperties } from '../forwarded-properties.js';
import { OutgoingPublish } from '../outgoing-publish.js';
import { ReasonCode } from '../reason-codes.js';
import { isValidTopicName } from '../topic-validation.js';

export function handlePublish(connection: Connection, packet: IPublishPacket): void {
  const session = connection.session!;
  const v5 = connection.protocolVersion === 5;
  if (v5 && packet.properties?.topicAlias !== undefined) {
    // CONNACK announced Topic Alias Maximum 0 (by omission), so any alias is invalid (MQTT-3.3.2-9)
    return connection.close('topic alias is not supported', ReasonCode.TOPIC_ALIAS_INVALID);
  }
  if (!isValidTopicName(packet.topic)) {
    return connection.close(`invalid topic name ${JSON.stringify(packet.topic)}`, ReasonCode.TOPIC_NAME_INVALID);
  }
  const { broker } = connection;
  broker.stats.messagesReceived++;
  const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
  const message = new OutgoingPublish(
    packet.topic,
    payload,
    packet.qos,
    packet.retain,
    v5 ? forwardedProperties(packet.properties) : undefined,
  );

  switch (packet.qos) {
    case 0:
      broker.publish(message, session);
      return;
    case 1:
      broker.publish(message, session);
      connection.write(ackPacket(PUBACK, packet.messageId!));
      return;
    case 2: {
      const packetId = packet.messageId!;
      if (!session.awaitingRelease.has(packetId)) {
        broker.publish(message, session);
        session.awaitingRelease.add(packetId);
      }
      connection.write(ackPacket(PUBREC, packetId));
      return;
    }
  }
}
