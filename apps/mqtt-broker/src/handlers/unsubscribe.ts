// UNSUBSCRIBE → UNSUBACK: removes each filter; MQTT 5 clients learn per filter whether it existed.
import type { IUnsubscribePacket } from '@robustmq/protocol';
import type { Connection } from '../connection.js';
import { ReasonCode } from '../reason-codes.js';

export function handleUnsubscribe(connection: Connection, packet: IUnsubscribePacket): void {
  const session = connection.session!;
  const granted = packet.unsubscriptions.map((filter) =>
    connection.broker.unsubscribe(session, filter) ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED,
  );
  connection.send({ cmd: 'unsuback', messageId: packet.messageId!, granted });
}
