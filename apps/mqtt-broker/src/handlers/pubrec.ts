// PUBREC from a client: the first answer to an outgoing QoS 2 message. The broker answers PUBREL and from then on
// resends PUBREL, never the PUBLISH (MQTT-4.3.3-5). An MQTT 5 PUBREC with an error reason ends the exchange.
import type { IPubrecPacket } from '@robustmq/protocol';
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';
import { PUBREL, ackPacket } from '../packets/fixed-packets.js';
import { ReasonCode } from '../packets/reason-codes.js';

export function handlePubrec(ctx: HandlerContext, connection: Connection, packet: IPubrecPacket): void {
  const session = connection.session!;
  const packetId = packet.messageId!;
  // §4.3.2: a QoS 1 delivery is answered with PUBACK, never PUBREC
  if (session.inflight.get(packetId)?.qos === 1) {
    return connection.protocolViolation('ack_kind', `PUBREC for QoS 1 message ${packetId} (§4.3.2)`);
  }
  if ((packet.reasonCode ?? 0) >= 0x80) {
    if (session.finish(packetId)) session.commit();
    return;
  }
  const known = session.release(packetId);
  const reasonCode =
    known || connection.protocolVersion !== 5 ? ReasonCode.SUCCESS : ReasonCode.PACKET_ID_NOT_FOUND;
  const offset = known ? session.inflight.get(packetId)!.offset : -1;
  if (!session.persistent || offset < 0) return connection.write(ackPacket(PUBREL, packetId, reasonCode));
  // exactly once across a crash or a takeover: once PUBREL is out, the message must never be sent again, so its
  // release is durable first (a broker that resumes the session sends PUBREL again instead of the PUBLISH)
  const slot = connection.acks.reserve();
  ctx.store.putReleased(session.clientId, offset, packetId).then(
    () => connection.acks.settle(slot, ackPacket(PUBREL, packetId, reasonCode)),
    (err: unknown) => {
      connection.logger.error({ err }, 'could not store a QoS 2 release');
      connection.acks.settle(slot, undefined);
      connection.close('session storage failed', ReasonCode.UNSPECIFIED_ERROR);
    },
  );
}
