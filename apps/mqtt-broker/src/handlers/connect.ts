// CONNECT → CONNACK: checks protocol version, client id, capacity and MQTT 5 options, negotiates keep-alive, creates
// the session and makes it the client id's current one. A refused CONNECT gets the version's CONNACK code, then close.
import { randomUUID } from 'node:crypto';
import type { IConnackPacket, IConnectPacket, MqttVersion } from '@robustmq/protocol';
import type { Connection } from '../connection.js';
import { forwardedProperties } from '../forwarded-properties.js';
import { ConnackReturnCode, ReasonCode } from '../reason-codes.js';
import { Session } from '../session.js';
import { isValidTopicName } from '../topic-validation.js';

/** MQTT 3.1 limits client ids to 23 bytes (MQTT 3.1 §3.1). */
const MQTT31_MAX_CLIENT_ID_BYTES = 23;

export function handleConnect(connection: Connection, packet: IConnectPacket): void {
  const { broker } = connection;
  const settings = broker.settings;
  const version: MqttVersion = packet.protocolVersion ?? 4;
  connection.protocolVersion = version;
  const v5 = version === 5;

  const refuse = (returnCode: number, reasonCode: number, why: string): void => {
    const connack: IConnackPacket = v5
      ? { cmd: 'connack', sessionPresent: false, reasonCode }
      : { cmd: 'connack', sessionPresent: false, returnCode };
    connection.send(connack);
    connection.close(`CONNECT refused: ${why}`);
  };

  let clientId = packet.clientId;
  const clientIdBytes = Buffer.byteLength(clientId);
  if (version === 3 && (clientIdBytes === 0 || clientIdBytes > MQTT31_MAX_CLIENT_ID_BYTES)) {
    return refuse(ConnackReturnCode.IDENTIFIER_REJECTED, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, 'MQTT 3.1 client id must be 1-23 bytes');
  }
  if (clientIdBytes > settings.maxClientIdLength) {
    return refuse(
      ConnackReturnCode.IDENTIFIER_REJECTED,
      ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
      `client id longer than ${settings.maxClientIdLength} bytes`,
    );
  }
  let assignedClientId: string | undefined;
  if (clientIdBytes === 0) {
    // MQTT-3.1.3-8: 3.1.1 may assign an id only to a clean session; MQTT 5 always may (and says which)
    if (version === 4 && !packet.clean) {
      return refuse(ConnackReturnCode.IDENTIFIER_REJECTED, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, 'empty client id without clean session');
    }
    clientId = `auto-${randomUUID()}`;
    if (v5) assignedClientId = clientId;
  }

  if (broker.clientCount >= settings.maxConnections && !broker.hasClient(clientId)) {
    return refuse(ConnackReturnCode.SERVER_UNAVAILABLE, ReasonCode.SERVER_BUSY, `max_connections (${settings.maxConnections}) reached`);
  }
  if (v5 && packet.properties?.authenticationMethod !== undefined) {
    return refuse(ConnackReturnCode.NOT_AUTHORIZED, ReasonCode.BAD_AUTHENTICATION_METHOD, 'enhanced authentication is not supported');
  }
  if (packet.will && !isValidTopicName(packet.will.topic)) {
    return refuse(ConnackReturnCode.NOT_AUTHORIZED, ReasonCode.TOPIC_NAME_INVALID, `invalid will topic ${JSON.stringify(packet.will.topic)}`);
  }

  const session = new Session(clientId, packet.clean ?? true, connection);
  if (packet.will) {
    const { topic, payload, qos, retain, properties } = packet.will;
    session.will = {
      topic,
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      qos: qos ?? 0,
      retain: retain ?? false,
      properties: v5 ? forwardedProperties(properties) : undefined,
    };
  }
  if (v5) {
    session.receiveMaximum = packet.properties?.receiveMaximum ?? session.receiveMaximum;
    session.maxPacketSize = packet.properties?.maximumPacketSize ?? session.maxPacketSize;
  }

  const keepAlive = negotiateKeepAlive(packet.keepalive ?? 0, v5, settings.keepAliveMax, settings.defaultKeepAlive);
  connection.session = session;
  broker.attach(connection);

  const connack: IConnackPacket = v5
    ? {
        cmd: 'connack',
        sessionPresent: false,
        reasonCode: ReasonCode.SUCCESS,
        properties: {
          maximumPacketSize: settings.maxPacketSize,
          // not yet implemented: say so, so MQTT 5 clients do not rely on them
          retainAvailable: false,
          sharedSubscriptionAvailable: false,
          subscriptionIdentifiersAvailable: false,
          ...(assignedClientId !== undefined ? { assignedClientIdentifier: assignedClientId } : {}),
          ...(keepAlive !== (packet.keepalive ?? 0) ? { serverKeepAlive: keepAlive } : {}),
        },
      }
    : { cmd: 'connack', sessionPresent: false, returnCode: ConnackReturnCode.ACCEPTED };
  connection.send(connack);
  connection.startKeepAlive(keepAlive);
  connection.logger.debug({ clientId, version, keepAlive }, 'client connected');
}

/** The keep-alive in force. Only MQTT 5 clients can be given a different one (Server Keep Alive), so 3.1/3.1.1
 * clients keep theirs. For MQTT 5, "none" (0) becomes the default, and anything above the maximum the maximum. */
export function negotiateKeepAlive(requested: number, v5: boolean, max: number, fallback: number): number {
  if (!v5) return requested;
  let granted = requested === 0 ? fallback : requested;
  if (max > 0 && (granted === 0 || granted > max)) granted = max;
  return granted;
}
