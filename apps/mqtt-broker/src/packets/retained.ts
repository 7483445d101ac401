// Retained messages between their two forms: the message the broker routes, and the packet the session
// persistence stores under r/<topic> (aedes-persistence's shape, plus `ts`, the publish time, so message expiry keeps
// counting across restarts).
import type { QoS } from '@robustmq/protocol';
import { OutgoingPublish, type ForwardedProperties } from './outgoing-publish.js';
import type { PacketObject } from '../storage/session-persistence.js';

export function retainedPacket(message: OutgoingPublish): PacketObject {
  const packet: PacketObject = {
    cmd: 'publish',
    topic: message.topic,
    payload: message.payload,
    qos: message.qos,
    retain: true,
    ts: message.timestamp,
  };
  if (message.properties) packet.properties = message.properties;
  return packet;
}

/** The message to send for a stored retained packet; undefined once its message expiry interval has passed. */
export function retainedMessage(packet: PacketObject, now: number): OutgoingPublish | undefined {
  const payload = packet.payload;
  const message = new OutgoingPublish(
    packet.topic as string,
    Buffer.isBuffer(payload) ? payload : Buffer.from(String(payload ?? '')),
    ((packet.qos as number) ?? 0) as QoS,
    true,
    packet.properties as ForwardedProperties | undefined,
    undefined,
    typeof packet.ts === 'number' ? packet.ts : now,
  );
  return message.forwardableAt(now);
}

/**
 * Sends a new subscription's retained messages (MQTT-3.3.1-8: with RETAIN = 1), each at the lower of its own QoS
 * and the subscription's; those whose message expiry interval has passed are left out.
 */
export function sendRetained(
  store: { retainedMatching(filters: string[]): Iterable<PacketObject> },
  session: { deliverRetained(message: OutgoingPublish, qos: QoS, ids: number[] | undefined): void },
  filter: string,
  qos: QoS,
  ids: number[] | undefined,
  now: number,
): void {
  for (const retained of store.retainedMatching([filter])) {
    const message = retainedMessage(retained, now);
    if (message) session.deliverRetained(message, (message.qos < qos ? message.qos : qos) as QoS, ids);
  }
}
