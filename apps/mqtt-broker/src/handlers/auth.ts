// AUTH from a client. The broker offers no enhanced authentication method (a CONNECT naming one is refused with
// CONNACK 0x8C), so no authentication exchange can be under way: an AUTH packet is a protocol error
// (MQTT-4.12.0-... "if the Client did not include an Authentication Method in CONNECT, AUTH is a Protocol Error").
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';

export function handleAuth(_ctx: HandlerContext, connection: Connection): void {
  connection.protocolViolation(
    'order',
    'AUTH without an authentication method in CONNECT (no enhanced authentication is offered)',
  );
}
