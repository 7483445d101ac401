// DISCONNECT from a client: a clean goodbye discards the will (MQTT-3.1.2-10), except MQTT 5 "disconnect with will
// message" (0x04), which asks for it to be published.
import type { IDisconnectPacket } from '@robustmq/protocol';
import type { Connection } from '../connection.js';
import { ReasonCode } from '../reason-codes.js';

export function handleDisconnect(connection: Connection, packet: IDisconnectPacket): void {
  const session = connection.session!;
  if (!(connection.protocolVersion === 5 && packet.reasonCode === ReasonCode.DISCONNECT_WITH_WILL)) {
    session.will = undefined;
  }
  connection.close('client sent DISCONNECT');
}
