// PUBCOMP from a client: an outgoing QoS 2 message is complete; it leaves the in-flight window and a persistent
// session's position in the message log moves on.
import type { IPubcompPacket } from '@robustmq/protocol';
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';

export function handlePubcomp(_ctx: HandlerContext, connection: Connection, packet: IPubcompPacket): void {
  const session = connection.session!;
  const packetId = packet.messageId!;
  const message = session.inflight.get(packetId);
  // §4.3.3: PUBCOMP answers our PUBREL — for a QoS 1 message, or a QoS 2 one not yet released, it is out of order
  if (message && (message.qos === 1 || !message.released)) {
    return connection.protocolViolation(
      'ack_kind',
      `PUBCOMP for message ${packetId} that ${message.qos === 1 ? 'is QoS 1' : 'awaits PUBREC'} (§4.3.3)`,
    );
  }
  // an unknown id is harmless (a late ack after a resend), so it is ignored rather than treated as an error
  if (session.finish(packetId)) session.commit();
}
