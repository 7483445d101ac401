// DISCONNECT from a client: a clean goodbye discards the will (MQTT-3.1.2-10), except MQTT 5 "disconnect with will
// message" (0x04), which asks for it to be published. An MQTT 5 DISCONNECT may change the session expiry interval,
// but not from 0 to non-zero (MQTT-3.14.2-2).
import type { IDisconnectPacket } from '@robustmq/protocol';
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';
import { ReasonCode } from '../packets/reason-codes.js';
import { grantSessionExpiry } from './connect.js';

export function handleDisconnect(
  ctx: HandlerContext,
  connection: Connection,
  packet: IDisconnectPacket,
): void {
  const session = connection.session!;
  const v5 = connection.protocolVersion === 5;
  if (!(v5 && packet.reasonCode === ReasonCode.DISCONNECT_WITH_WILL)) {
    connection.will = undefined;
    ctx.store
      .delWill({ id: session.clientId })
      .catch((err: unknown) => connection.logger.error({ err }, 'could not delete the stored will'));
  }
  const requested = v5 ? packet.properties?.sessionExpiryInterval : undefined;
  if (requested !== undefined) {
    if (session.expiry === 0 && requested !== 0) {
      return connection.protocolViolation(
        'session_expiry',
        'DISCONNECT set a session expiry on a session that had none (MQTT-3.14.2-2)',
      );
    }
    session.expiry = grantSessionExpiry(requested, ctx.settings.sessionExpiryMax);
  }
  connection.close('client sent DISCONNECT');
}
