// PUBACK from a client: it has taken an outgoing QoS 1 message, which leaves the session's in-flight window.
import type { IPubackPacket } from '@robustmq/protocol';
import type { Connection } from '../connection.js';

export function handlePuback(connection: Connection, packet: IPubackPacket): void {
  // an unknown id is harmless (a late ack after a resend), so it is ignored rather than treated as an error
  connection.session!.inflight.delete(packet.messageId!);
}
