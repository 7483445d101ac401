// PUBACK from a client: it has taken an outgoing QoS 1 message, which leaves the in-flight window; a persistent
// session's position in the message log moves on.
import type { IPubackPacket } from '@robustmq/protocol';
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';

export function handlePuback(_ctx: HandlerContext, connection: Connection, packet: IPubackPacket): void {
  // an unknown id is harmless (a late ack after a resend), so it is ignored rather than treated as an error
  const session = connection.session!;
  if (session.finish(packet.messageId!)) session.commit();
}
