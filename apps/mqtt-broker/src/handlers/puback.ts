// PUBACK from a client: it has taken an outgoing QoS 1 message, which leaves the in-flight window; a persistent
// session's position in the message log moves on.
import type { IPubackPacket } from '@robustmq/protocol';
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';

export function handlePuback(_ctx: HandlerContext, connection: Connection, packet: IPubackPacket): void {
  const session = connection.session!;
  const packetId = packet.messageId!;
  // §4.3.3: a QoS 2 delivery is answered with PUBREC, never PUBACK
  if (session.inflight.get(packetId)?.qos === 2) {
    return connection.protocolViolation('ack_kind', `PUBACK for QoS 2 message ${packetId} (§4.3.3)`);
  }
  // an unknown id is harmless (a late ack after a resend), so it is ignored rather than treated as an error
  if (session.finish(packetId)) session.commit();
}
