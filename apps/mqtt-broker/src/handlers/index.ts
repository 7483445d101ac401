// Routes each decoded packet to the handler of its type, enforcing the packet order every version shares: CONNECT
// first and only once, and only packets a client may send.
import type { Packet } from '@robustmq/protocol';
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';
import { handleAuth } from './auth.js';
import { handleConnect } from './connect.js';
import { handleDisconnect } from './disconnect.js';
import { handlePingreq } from './pingreq.js';
import { handlePuback } from './puback.js';
import { handlePublish } from './publish.js';
import { handlePubcomp } from './pubcomp.js';
import { handlePubrec } from './pubrec.js';
import { handlePubrel } from './pubrel.js';
import { handleSubscribe } from './subscribe.js';
import { handleUnsubscribe } from './unsubscribe.js';

export function handlePacket(ctx: HandlerContext, connection: Connection, packet: Packet): void {
  if (!connection.session) {
    // MQTT-3.1.0-1: the first packet must be CONNECT
    if (packet.cmd === 'connect') return handleConnect(ctx, connection, packet);
    return connection.protocolViolation('order', `first packet was ${packet.cmd}, not connect`);
  }
  switch (packet.cmd) {
    case 'publish':
      return handlePublish(ctx, connection, packet);
    case 'puback':
      return handlePuback(ctx, connection, packet);
    case 'pubrel':
      return handlePubrel(ctx, connection, packet);
    case 'pubrec':
      return handlePubrec(ctx, connection, packet);
    case 'pubcomp':
      return handlePubcomp(ctx, connection, packet);
    case 'subscribe':
      return handleSubscribe(ctx, connection, packet);
    case 'unsubscribe':
      return handleUnsubscribe(ctx, connection, packet);
    case 'pingreq':
      return handlePingreq(ctx, connection);
    case 'disconnect':
      return handleDisconnect(ctx, connection, packet);
    case 'auth':
      return handleAuth(ctx, connection);
    case 'connect':
      // MQTT-3.1.0-2: a second CONNECT is a protocol violation
      return connection.protocolViolation('order', 'second CONNECT on one connection');
    default:
      // server-to-client packets
      return connection.protocolViolation('order', `unexpected ${packet.cmd} from a client`);
  }
}
