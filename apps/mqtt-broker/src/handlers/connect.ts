// CONNECT → CONNACK: checks protocol version, client id, capacity and MQTT 5 options, negotiates keep-alive and
// session expiry, opens the session (new, resumed or replaced) and makes it the client id's current one; CONNACK
// waits until the session's records are durable. A refused CONNECT gets the version's CONNACK code (MQTT 5: with a
// reason string), then close. MQTT 5 limits the client announces (Maximum Packet Size, Receive Maximum, Topic Alias
// Maximum, Request Problem Information) are kept on the connection; ours go out in CONNACK. After CONNACK the
// auto-subscribe rules (rules/auto-subscribe.ts) subscribe the session.
import type { ConnectVerdict } from '../auth/access-control.js';
import { randomUUID } from 'node:crypto';
import type { IConnackPacket, IConnectPacket, MqttVersion } from '@robustmq/protocol';
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';
import { forwardedProperties } from '../packets/forwarded-properties.js';
import { ConnackReturnCode, ReasonCode } from '../packets/reason-codes.js';
import { NEVER_EXPIRES } from '../session/session.js';
import { applyAutoSubscribe } from '../rules/auto-subscribe.js';
import { OutboundAliases } from '../transport/topic-alias.js';
import { isValidTopicName } from '../routing/topic-validation.js';

/** MQTT 3.1 limits client ids to 23 bytes (MQTT 3.1 §3.1). */
const MQTT31_MAX_CLIENT_ID_BYTES = 23;

export function handleConnect(ctx: HandlerContext, connection: Connection, packet: IConnectPacket): void {
  const settings = ctx.settings;
  const version: MqttVersion = packet.protocolVersion ?? 4;
  connection.protocolVersion = version;
  const v5 = version === 5;
  if (v5) {
    const properties = packet.properties;
    // set before any answer, so even a refusal respects the client's Maximum Packet Size
    connection.clientMaxPacketSize = properties?.maximumPacketSize ?? Number.POSITIVE_INFINITY;
    connection.clientReceiveMaximum = properties?.receiveMaximum ?? 0xffff;
    connection.problemInformation = properties?.requestProblemInformation !== false;
    const aliasMax = properties?.topicAliasMaximum ?? 0;
    if (aliasMax > 0) connection.outboundAliases = new OutboundAliases(aliasMax);
  }

  const refuse = (returnCode: number, reasonCode: number, why: string): void => {
    const reason = connection.reason(why, true);
    const connack: IConnackPacket = v5
      ? { cmd: 'connack', sessionPresent: false, reasonCode, ...(reason ? { properties: reason } : {}) }
      : { cmd: 'connack', sessionPresent: false, returnCode };
    connection.send(connack);
    connection.close(`CONNECT refused: ${why}`);
  };

  let clientId = packet.clientId;
  const clientIdBytes = Buffer.byteLength(clientId);
  if (version === 3 && (clientIdBytes === 0 || clientIdBytes > MQTT31_MAX_CLIENT_ID_BYTES)) {
    return refuse(
      ConnackReturnCode.IDENTIFIER_REJECTED,
      ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
      'MQTT 3.1 client id must be 1-23 bytes',
    );
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
      return refuse(
        ConnackReturnCode.IDENTIFIER_REJECTED,
        ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
        'empty client id without clean session',
      );
    }
    clientId = `auto-${randomUUID()}`;
    if (v5) assignedClientId = clientId;
  }

  // flapping detection (EMQX's flapping_detect): counted on every CONNECT, before anything costs storage
  if (ctx.clientLimits && !ctx.clientLimits.admitConnect(clientId)) {
    return refuse(
      ConnackReturnCode.NOT_AUTHORIZED,
      ReasonCode.BANNED,
      'client id banned for a while: it reconnected too often',
    );
  }
  if (ctx.clientCount >= settings.maxConnections && !ctx.hasClient(clientId)) {
    return refuse(
      ConnackReturnCode.SERVER_UNAVAILABLE,
      ReasonCode.SERVER_BUSY,
      `max_connections (${settings.maxConnections}) reached`,
    );
  }
  if (v5 && packet.properties?.authenticationMethod !== undefined) {
    return refuse(
      ConnackReturnCode.NOT_AUTHORIZED,
      ReasonCode.BAD_AUTHENTICATION_METHOD,
      'enhanced authentication is not supported',
    );
  }
  if (packet.will && !isValidTopicName(packet.will.topic)) {
    return refuse(
      ConnackReturnCode.NOT_AUTHORIZED,
      ReasonCode.TOPIC_NAME_INVALID,
      `invalid will topic ${JSON.stringify(packet.will.topic)}`,
    );
  }

  if (packet.will) {
    const { topic, payload, qos, retain, properties } = packet.will;
    connection.will = {
      topic,
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      qos: qos ?? 0,
      retain: retain ?? false,
      properties: v5 ? forwardedProperties(properties) : undefined,
      delay: v5 ? (properties?.willDelayInterval ?? 0) : 0,
    };
  }
  const cleanStart = packet.clean ?? true;
  const requestedExpiry = v5
    ? (packet.properties?.sessionExpiryInterval ?? 0)
    : cleanStart
      ? 0
      : NEVER_EXPIRES;
  const expiry = grantSessionExpiry(requestedExpiry, settings.sessionExpiryMax);
  const keepAlive = negotiateKeepAlive(
    packet.keepalive ?? 0,
    v5,
    settings.keepAliveMax,
    settings.defaultKeepAlive,
  );

  // the session's records must be durable before CONNACK; packets the client sends meanwhile wait their turn
  connection.hold();
  let expiresAtMs: number | undefined;
  const access = ctx.accessControl;
  const username = packet.username === undefined || packet.username === '' ? undefined : packet.username;
  const password = typeof packet.password === 'string' ? Buffer.from(packet.password) : packet.password;
  const admitted: Promise<ConnectVerdict> = access
    ? access.authorizeConnect({
        clientId,
        ...(username ? { username } : {}),
        ...(password ? { password } : {}),
        // IP blacklist entries, IP ACL subjects and the HTTP auth service see the address without the port
        ip: connection.remoteHost,
        protocolVersion: version,
      })
    : Promise.resolve({ ok: true, superuser: false, username });
  admitted
    .then<Awaited<ReturnType<HandlerContext['openSession']>> | undefined, undefined>(
      (verdict) => {
        if (connection.isClosing) return undefined;
        if (!verdict.ok) {
          if (verdict.reason === 'banned')
            refuse(ConnackReturnCode.NOT_AUTHORIZED, ReasonCode.BANNED, 'client is blacklisted');
          else if (verdict.reason === 'bad-credentials') {
            refuse(
              ConnackReturnCode.BAD_USERNAME_OR_PASSWORD,
              ReasonCode.BAD_USER_NAME_OR_PASSWORD,
              verdict.message ?? 'bad user name or password',
            );
          } else
            refuse(
              ConnackReturnCode.NOT_AUTHORIZED,
              ReasonCode.NOT_AUTHORIZED,
              'anonymous clients are not allowed',
            );
          return undefined;
        }
        // only access control reads the identity: without it (a lone broker, everyone allowed) none is kept
        if (access)
          connection.identity = {
            clientId,
            username: verdict.username || undefined,
            ip: connection.remoteHost,
            superuser: verdict.superuser,
            acl: verdict.acl,
          };
        expiresAtMs = verdict.expiresAtMs;
        return ctx.openSession(connection, clientId, cleanStart, expiry);
      },
      (err: unknown) => {
        connection.logger.error({ err, clientId }, 'authentication storage unreachable');
        if (!connection.isClosing)
          refuse(
            ConnackReturnCode.SERVER_UNAVAILABLE,
            ReasonCode.SERVER_UNAVAILABLE,
            'authentication is unavailable',
          );
        return undefined;
      },
    )
    .then(
      (opened) => {
        if (!opened) return;
        const { session, present } = opened;
        if (connection.isClosing) return;
        const connack: IConnackPacket = v5
          ? {
              cmd: 'connack',
              sessionPresent: present,
              reasonCode: ReasonCode.SUCCESS,
              properties: {
                // only what differs from the spec's defaults (§3.2.2.3): Retain, Wildcard, Shared Subscriptions and
                // Subscription Identifiers are available, which is what their absence means, and every byte left
                // out is one a client with a small Maximum Packet Size does not have to refuse
                maximumPacketSize: settings.maxPacketSize,
                ...(settings.receiveMaximum !== 0xffff ? { receiveMaximum: settings.receiveMaximum } : {}),
                ...(settings.topicAliasMax !== 0 ? { topicAliasMaximum: settings.topicAliasMax } : {}),
                ...(expiry !== requestedExpiry
                  ? { sessionExpiryInterval: expiry === NEVER_EXPIRES ? 0xffffffff : expiry }
                  : {}),
                ...(assignedClientId !== undefined ? { assignedClientIdentifier: assignedClientId } : {}),
                ...(keepAlive !== (packet.keepalive ?? 0) ? { serverKeepAlive: keepAlive } : {}),
              },
            }
          : { cmd: 'connack', sessionPresent: present, returnCode: ConnackReturnCode.ACCEPTED };
        if (!connection.send(connack)) {
          // only Reason String and User Property may be left out (MQTT-3.1.2-25); without them it still does not fit
          return connection.close(
            `CONNACK does not fit the client's Maximum Packet Size (${connection.clientMaxPacketSize})`,
          );
        }
        connection.startKeepAlive(keepAlive);
        // MQTT 5 0xA0 Maximum connect time: the credentials (a JWT's exp) ran out
        if (expiresAtMs !== undefined)
          connection.closeAt(expiresAtMs, 'credentials expired', ReasonCode.MAXIMUM_CONNECT_TIME);
        ctx.activate(session);
        session.resume();
        // after CONNACK, so the retained messages of auto-subscriptions follow it
        if (ctx.rules) applyAutoSubscribe(ctx, session, ctx.rules.autoSubscribeRules, { clientId, username });
        connection.debug({ clientId, version, keepAlive, present, expiry }, 'client connected');
        connection.resume();
      },
      (err: unknown) => {
        connection.logger.error({ err, clientId }, 'could not store the session');
        if (connection.isClosing) return;
        connection.send(
          v5
            ? { cmd: 'connack', sessionPresent: false, reasonCode: ReasonCode.UNSPECIFIED_ERROR }
            : { cmd: 'connack', sessionPresent: false, returnCode: ConnackReturnCode.SERVER_UNAVAILABLE },
        );
        connection.close('session storage failed');
      },
    );
}

/** The session expiry granted: the request (NEVER_EXPIRES for "never"), capped by `max` seconds when max > 0. */
export function grantSessionExpiry(requested: number, max: number): number {
  const asked = requested === 0xffffffff ? NEVER_EXPIRES : requested;
  if (max > 0 && (asked === NEVER_EXPIRES || asked > max)) return max;
  return asked;
}

/** The keep-alive in force. Only MQTT 5 clients can be given a different one (Server Keep Alive), so 3.1/3.1.1
 * clients keep theirs. For MQTT 5, "none" (0) becomes the default, and anything above the maximum the maximum. */
export function negotiateKeepAlive(requested: number, v5: boolean, max: number, fallback: number): number {
  if (!v5) return requested;
  let granted = requested === 0 ? fallback : requested;
  if (max > 0 && (granted === 0 || granted > max)) granted = max;
  return granted;
}
