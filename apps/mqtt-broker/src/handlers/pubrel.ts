// PUBREL from a client: the second half of an incoming QoS 2 exchange. Forgets the packet id (the message was
// delivered at PUBLISH) and answers PUBCOMP.
import type { IPubrelPacket } from '@robustmq/protocol';
import type { Connection } from '../connection.js';
import { PUBCOMP, ackPacket } from '../fixed-packets.js';
import { ReasonCode } from '../reason-codes.js';

export function handlePubrel(connection: Connection, packet: IPubrelPacket): void {
  const packetId = packet.messageId!;
  const known = connection.session!.awaitingRelease.delete(packetId);
  const reasonCode = known || connection.protocolVersion !== 5 ? ReasonCode.SUCCESS : ReasonCode.PACKET_ID_NOT_FOUND;
  connection.write(ackPacket(PUBCOMP, packetId, reasonCode));
}
