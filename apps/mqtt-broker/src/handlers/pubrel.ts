// PUBREL from a client: the second half of an incoming QoS 2 exchange. Forgets the packet id (the message was
// delivered at PUBLISH) and answers PUBCOMP — for a persistent session once the forgetting is durable.
import type { IPubrelPacket } from '@robustmq/protocol';
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';
import { PUBCOMP, ackPacket } from '../packets/fixed-packets.js';
import { ReasonCode } from '../packets/reason-codes.js';

export function handlePubrel(ctx: HandlerContext, connection: Connection, packet: IPubrelPacket): void {
  const session = connection.session!;
  const packetId = packet.messageId!;
  const known = session.awaitingRelease.delete(packetId);
  const reasonCode =
    known || connection.protocolVersion !== 5 ? ReasonCode.SUCCESS : ReasonCode.PACKET_ID_NOT_FOUND;
  const slot = connection.acks.reserve();
  const stored = ctx.store.hasIncoming(session.clientId, packetId);
  if (!stored) return connection.acks.settle(slot, ackPacket(PUBCOMP, packetId, reasonCode));
  ctx.store.incomingDelPacket({ id: session.clientId }, { messageId: packetId }).then(
    () => connection.acks.settle(slot, ackPacket(PUBCOMP, packetId, reasonCode)),
    (err: unknown) => {
      connection.logger.error({ err }, 'could not forget a QoS 2 packet id');
      connection.acks.settle(slot, undefined);
      connection.close('session storage failed', ReasonCode.UNSPECIFIED_ERROR);
    },
  );
}
