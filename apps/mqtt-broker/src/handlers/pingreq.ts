// PINGREQ → PINGRESP: the client's keep-alive signal (receiving it already reset the keep-alive clock).
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';
import { PINGRESP } from '../packets/fixed-packets.js';

export function handlePingreq(_ctx: HandlerContext, connection: Connection): void {
  connection.write(PINGRESP);
}
