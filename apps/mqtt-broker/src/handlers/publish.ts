// PUBLISH from a client: resolves an MQTT 5 topic alias, validates the topic (rules and configured limits), applies
// the topic rewrite rules (rules/topic-rewrite.ts; ACL and routing see the rewritten topic), enforces
// Receive Maximum and the QoS 2 cap, hands the message to the broker (message log, retained store, online
// subscribers — who get it at once) or, for `$delayed/N/topic`, to the delayed publisher, and acknowledges by QoS
// once what it must wait for is durable: QoS 1 PUBACK and QoS 2 PUBREC only after the log append (and the retained
// write, and for a persistent session the QoS 2 packet id's marker, written before the append) is on disk. A failed write is never acknowledged: MQTT 5
// clients get reason 0x80, 3.x clients a closed connection. QoS 2 packet ids are remembered until PUBREL so a
// resent PUBLISH is not delivered twice.
import type { IPublishPacket, WirePublish } from '@robustmq/protocol';
import type { AckSlot } from '../transport/ack-queue.js';
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';
import { parseDelayedTopic } from '../core/delayed-publish.js';
import { PUBACK, PUBREC, ackPacket } from '../packets/fixed-packets.js';
import { forwardedProperties } from '../packets/forwarded-properties.js';
import { OutgoingPublish } from '../packets/outgoing-publish.js';
import { ReasonCode } from '../packets/reason-codes.js';
import type { Session } from '../session/session.js';
import { isValidTopicName, topicLimitProblem } from '../routing/topic-validation.js';

export function handlePublish(ctx: HandlerContext, connection: Connection, packet: IPublishPacket): void {
  const session = connection.session!;
  const settings = ctx.settings;
  const v5 = connection.protocolVersion === 5;
  let topic = packet.topic;
  const alias = v5 ? packet.properties?.topicAlias : undefined;
  if (alias !== undefined) {
    if (alias === 0 || alias > settings.topicAliasMax) {
      // MQTT-3.3.2-8/-9: 0 and anything above our Topic Alias Maximum are invalid
      return connection.protocolViolation(
        'topic_alias',
        `topic alias ${alias} is outside 1..${settings.topicAliasMax}`,
        ReasonCode.TOPIC_ALIAS_INVALID,
      );
    }
    if (topic.length === 0) {
      const known = connection.inboundAliases?.get(alias);
      if (known === undefined)
        return connection.protocolViolation('topic_alias', `topic alias ${alias} was never set`);
      topic = known;
    }
  } else if (v5 && topic.length === 0) {
    return connection.protocolViolation('topic_alias', 'empty topic name without a topic alias');
  }
  if (!isValidTopicName(topic)) {
    return connection.protocolViolation(
      'topic_name',
      `invalid topic name ${JSON.stringify(topic.slice(0, 100))}`,
      ReasonCode.TOPIC_NAME_INVALID,
    );
  }
  const limit = topicLimitProblem(topic, settings.maxTopicLevels, settings.maxTopicLength);
  if (limit) return connection.close(limit, ReasonCode.TOPIC_NAME_INVALID);
  if (alias !== undefined && packet.topic.length > 0)
    (connection.inboundAliases ??= new Map()).set(alias, topic);
  if (ctx.rules) {
    // the alias keeps the client's own topic; the rewritten one is what ACL and routing see, and must be valid too
    const rewritten = ctx.rules.rewrite('publish', topic);
    if (rewritten !== topic) {
      const problem = !isValidTopicName(rewritten)
        ? `invalid topic name ${JSON.stringify(rewritten.slice(0, 100))} after rewriting ${JSON.stringify(topic.slice(0, 100))}`
        : topicLimitProblem(rewritten, settings.maxTopicLevels, settings.maxTopicLength);
      if (problem) return connection.close(problem, ReasonCode.TOPIC_NAME_INVALID);
      topic = rewritten;
    }
  }

  ctx.stats.messagesReceived++;
  const qos = packet.qos;
  const packetId = packet.messageId!;
  if (qos === 2 && session.awaitingRelease.has(packetId)) {
    // a resend of a message already accepted (MQTT-4.3.3-10): acknowledge again, deliver nothing
    const slot = connection.acks.reserve();
    connection.acks.settle(slot, ackPacket(PUBREC, packetId));
    return;
  }
  if (qos > 0) {
    if (v5 && connection.pendingQos1 + session.awaitingReleaseCount >= settings.receiveMaximum) {
      // MQTT-3.3.4-8: more unacknowledged QoS 1/2 PUBLISH than our Receive Maximum
      return connection.protocolViolation(
        'receive_maximum',
        `more than ${settings.receiveMaximum} QoS 1/2 messages unacknowledged`,
        ReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
      );
    }
    if (qos === 2 && session.awaitingRelease.size >= settings.maxAwaitingRel) {
      const why = `more than ${settings.maxAwaitingRel} QoS 2 messages awaiting PUBREL`;
      if (!v5) return connection.close(why);
      return refuse(ctx, connection, qos, packetId, ReasonCode.QUOTA_EXCEEDED, why);
    }
  }

  const acl = ctx.accessControl;
  if (acl && connection.identity) {
    const target = parseDelayedTopic(topic);
    const checked = target !== undefined && typeof target !== 'string' ? target.topic : topic;
    if (!acl.allows(connection.identity, 'publish', checked)) {
      // MQTT 5 says why; 3.x has no way to, so the message is acknowledged and dropped (like EMQX's "ignore")
      if (qos === 0 || !v5) {
        ctx.stats.messagesDropped++;
        if (qos > 0) {
          const slot = connection.acks.reserve();
          connection.acks.settle(slot, ackPacket(qos === 1 ? PUBACK : PUBREC, packetId));
        }
        return;
      }
      return refuse(
        ctx,
        connection,
        qos,
        packetId,
        ReasonCode.NOT_AUTHORIZED,
        `not authorized to publish to ${checked}`,
      );
    }
  }

  const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
  const properties = v5 ? forwardedProperties(packet.properties) : undefined;
  const delayed = parseDelayedTopic(topic);
  if (delayed !== undefined) {
    if (
      typeof delayed === 'string' ||
      delayed.delay > settings.delayedPublishMaxS ||
      !isValidTopicName(delayed.topic)
    ) {
      const why =
        typeof delayed === 'string'
          ? delayed
          : delayed.delay > settings.delayedPublishMaxS
            ? `delay ${delayed.delay} s is longer than the maximum of ${settings.delayedPublishMaxS} s`
            : `invalid topic name ${JSON.stringify(delayed.topic.slice(0, 100))} after $delayed/N/`;
      const code =
        typeof delayed !== 'string' && delayed.delay > settings.delayedPublishMaxS
          ? ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR
          : ReasonCode.TOPIC_NAME_INVALID;
      if (qos === 0) {
        ctx.stats.messagesDropped++;
        return;
      }
      if (!v5) return connection.close(why);
      return refuse(ctx, connection, qos, packetId, code, why);
    }
    const message = new OutgoingPublish(
      delayed.topic,
      payload,
      qos,
      packet.retain,
      properties,
      session.clientId,
    );
    const stored = ctx.scheduleDelayed(message, delayed.delay);
    if (qos === 0) {
      stored.catch((err: unknown) => connection.logger.error({ err, topic }, 'delayed message not stored'));
      return;
    }
    return acknowledge(connection, session, qos, packetId, topic, (settled) => {
      stored.then(() => settled(undefined), settled);
      return 1;
    });
  }

  const message = new OutgoingPublish(topic, payload, qos, packet.retain, properties, session.clientId);
  // sent on as received where a subscriber's variant is the publisher's own (same topic: no alias, no rewrite)
  const wire = (packet as WirePublish).wire;
  if (wire !== undefined && topic === packet.topic) message.adoptWire(wire, v5);
  let marked: Promise<void> | undefined;
  if (qos === 2) {
    session.awaitingRelease.add(packetId);
    // the packet id must survive the broker exactly when the message does: a marker first, the append after it
    // (session/incoming-qos2.ts), or a resend to the broker that resumes the session is delivered twice or never
    if (session.persistent) marked = ctx.markIncoming(session, packetId, message);
  }
  const retainedWrite = ctx.acceptPublish(message, session);
  if (qos === 0) {
    retainedWrite?.catch((err: unknown) =>
      connection.logger.error({ err, topic }, 'retained message not stored'),
    );
    return;
  }
  if (!retainedWrite && qos === 1) {
    // the common case waits for one thing only: no closures beyond the one the log calls back
    const slot = connection.acks.reserve();
    connection.pendingQos1++;
    ctx.onStored(message, (err) => {
      connection.pendingQos1--;
      if (err === undefined) connection.acks.settle(slot, ackPacket(PUBACK, packetId));
      else notStored(connection, session, qos, packetId, topic, slot, err);
    });
    return;
  }
  acknowledge(connection, session, qos, packetId, topic, (settled) => {
    let waits = 1;
    if (retainedWrite) {
      waits++;
      retainedWrite.then(() => settled(undefined), settled);
    }
    if (marked) {
      waits++;
      marked.then(() => settled(undefined), settled);
    }
    ctx.onStored(message, settled);
    return waits;
  });
}

/** Sends PUBACK/PUBREC once every write `start` began has settled (it returns how many it began), in arrival order. */
function acknowledge(
  connection: Connection,
  session: Session,
  qos: 1 | 2,
  packetId: number,
  topic: string,
  start: (settled: (err: unknown) => void) => number,
): void {
  const slot = connection.acks.reserve();
  const type = qos === 1 ? PUBACK : PUBREC;
  if (qos === 1) connection.pendingQos1++;
  let waiting = Number.POSITIVE_INFINITY;
  let done = 0;
  let failure: unknown;
  const finish = (): void => {
    if (qos === 1) connection.pendingQos1--;
    if (failure === undefined) return connection.acks.settle(slot, ackPacket(type, packetId));
    notStored(connection, session, qos, packetId, topic, slot, failure);
  };
  const settled = (err: unknown): void => {
    if (err) failure ??= err;
    if (++done === waiting) finish();
  };
  waiting = start(settled);
  if (done === waiting) finish();
}

/** A write the acknowledgement waited for failed: never acknowledged as done — MQTT 5 gets reason 0x80, 3.x clients
 * lose the connection (they have no way to hear it), and a QoS 2 packet id is forgotten so a resend is taken anew. */
function notStored(
  connection: Connection,
  session: Session,
  qos: 1 | 2,
  packetId: number,
  topic: string,
  slot: AckSlot,
  err: unknown,
): void {
  connection.logger.error({ err, topic }, 'message not stored: not acknowledged');
  if (qos === 2) session.awaitingRelease.delete(packetId);
  if (connection.protocolVersion === 5)
    return connection.acks.settle(
      slot,
      ackPacket(qos === 1 ? PUBACK : PUBREC, packetId, ReasonCode.UNSPECIFIED_ERROR),
    );
  connection.acks.settle(slot, undefined);
  connection.close('message could not be stored');
}

/** A QoS 1/2 PUBLISH the broker does not take: an MQTT 5 PUBACK/PUBREC with an error reason (and a reason string if
 * the client accepts one), in arrival order. The message is not delivered. */
function refuse(
  ctx: HandlerContext,
  connection: Connection,
  qos: 1 | 2,
  packetId: number,
  reasonCode: number,
  why: string,
): void {
  ctx.stats.messagesDropped++;
  const slot = connection.acks.reserve();
  const properties = connection.reason(why);
  const bytes = properties
    ? connection.encodeOrUndefined({
        cmd: qos === 1 ? 'puback' : 'pubrec',
        messageId: packetId,
        reasonCode,
        properties,
      })
    : undefined;
  connection.acks.settle(slot, bytes ?? ackPacket(qos === 1 ? PUBACK : PUBREC, packetId, reasonCode));
}
