// PINGREQ → PINGRESP: the client's keep-alive signal (receiving it already reset the keep-alive clock).
import type { Connection } from '../connection.js';
import { PINGRESP } from '../fixed-packets.js';

export function handlePingreq(connection: Connection): void {
  connection.write(PINGRESP);
}
