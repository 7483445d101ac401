// PUBCOMP from a client: an outgoing QoS 2 message is complete; it leaves the in-flight window and a persistent
// session's position in the message log moves on.
import type { IPubcompPacket } from '@robustmq/protocol';
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';

export function handlePubcomp(_ctx: HandlerContext, connection: Connection, packet: IPubcompPacket): void {
  const session = connection.session!;
  if (session.finish(packet.messageId!)) session.commit();
}
