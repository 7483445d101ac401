// PUBLISH from a client: validates the topic, hands the message to the broker (message log, retained store, online
// subscribers — who get it at once), and acknowledges by QoS once what it must wait for is durable: QoS 1 PUBACK and
// QoS 2 PUBREC only after the log append (and the retained write, and for a persistent session the QoS 2 packet id)
// is on disk. A failed write is never acknowledged: MQTT 5 clients get reason 0x80, 3.x clients a closed connection.
// QoS 2 packet ids are remembered until PUBREL so a resent PUBLISH is not delivered twice.
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
    // CONNACK announced Topic Alias Maximum 0, so any alias is invalid (MQTT-3.3.2-9)
    return connection.close('topic alias is not supported', ReasonCode.TOPIC_ALIAS_INVALID);
  }
  if (!isValidTopicName(packet.topic)) {
    return connection.close(`invalid topic name ${JSON.stringify(packet.topic)}`, ReasonCode.TOPIC_NAME_INVALID);
  }
  const { broker } = connection;
  broker.stats.messagesReceived++;
  const qos = packet.qos;
  const packetId = packet.messageId!;
  if (qos === 2 && session.awaitingRelease.has(packetId)) {
    // a resend of a message already accepted (MQTT-4.3.3-10): acknowledge again, deliver nothing
    const slot = connection.acks.reserve();
    connection.acks.settle(slot, ackPacket(PUBREC, packetId));
    return;
  }
  const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
  const message = new OutgoingPublish(
    packet.topic,
    payload,
    qos,
    packet.retain,
    v5 ? forwardedProperties(packet.properties) : undefined,
    session.clientId,
  );
  if (qos === 2) session.awaitingRelease.add(packetId);
  const retainedWrite = broker.acceptPublish(message, session);
  if (qos === 0) {
    retainedWrite?.catch((err: unknown) => connection.logger.error({ err, topic: packet.topic }, 'retained message not stored'));
    return;
  }

  const slot = connection.acks.reserve();
  const type = qos === 1 ? PUBACK : PUBREC;
  let waiting = 1;
  let failure: unknown;
  const settled = (err: unknown): void => {
    if (err) failure ??= err;
    if (--waiting > 0) return;
    if (failure === undefined) return connection.acks.settle(slot, ackPacket(type, packetId));
    connection.logger.error({ err: failure, topic: packet.topic }, 'message not stored: not acknowledged');
    if (qos === 2) session.awaitingRelease.delete(packetId);
    if (v5) return connection.acks.settle(slot, ackPacket(type, packetId, ReasonCode.UNSPECIFIED_ERROR));
    connection.acks.settle(slot, undefined);
    connection.close('message could not be stored');
  };
  if (retainedWrite) {
    waiting++;
    retainedWrite.then(() => settled(undefined), settled);
  }
  if (qos === 2 && session.persistent) {
    // the packet id must survive a restart, or a PUBLISH resent after it would be delivered twice
    waiting++;
    broker.persistence
      .incomingStorePacket({ id: session.clientId }, { cmd: 'publish', topic: packet.topic, qos: 2, messageId: packetId })
      .then(() => settled(undefined), settled);
  }
  broker.log.onDurable(message.offset, settled);
}
