// SaslHandshake and SaslAuthenticate: PLAIN only, against the MQTT users in placement (server/sasl-plain.ts).
// Handshake v0 is followed by a bare token (server/connection.ts), v1 by SaslAuthenticate requests (KIP-152). A failed
// authentication is answered SASL_AUTHENTICATION_FAILED and the connection is then closed, as Kafka does.
import { ApiKey, ErrorCode } from '@robustmq/protocol/kafka';
import type { ApiHandler } from './context.js';

const MECHANISMS = ['PLAIN'];

export const saslHandshake: ApiHandler = {
  apiKey: ApiKey.SaslHandshake,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, conn, body, header) {
    const mechanism = String(body['mechanism']);
    if (!ctx.authenticator) {
      // Kafka answers ILLEGAL_SASL_STATE on a listener without SASL
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    }
    if (conn.authenticated || !MECHANISMS.includes(mechanism)) {
      conn.closeAfterResponse = true;
      return {
        errorCode: conn.authenticated ? ErrorCode.ILLEGAL_SASL_STATE : ErrorCode.UNSUPPORTED_SASL_MECHANISM,
        mechanisms: MECHANISMS,
      };
    }
    conn.saslMechanism = mechanism;
    conn.saslRawNext = header.apiVersion === 0;
    return { errorCode: ErrorCode.NONE, mechanisms: MECHANISMS };
  },
};

export const saslAuthenticate: ApiHandler = {
  apiKey: ApiKey.SaslAuthenticate,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, conn, body) {
    if (!ctx.authenticator || conn.saslMechanism !== 'PLAIN' || conn.authenticated) {
      conn.closeAfterResponse = true;
      return {
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage: 'SaslAuthenticate needs a SaslHandshake for PLAIN first',
        authBytes: Buffer.alloc(0),
      };
    }
    const outcome = await ctx.authenticator.authenticate(body['authBytes'] as Buffer);
    conn.saslMechanism = undefined;
    if (!outcome.ok) {
      ctx.stats.authFailures++;
      ctx.logger.info(
        { client: conn.remoteAddress, user: outcome.user },
        'kafka SASL/PLAIN authentication failed',
      );
      conn.closeAfterResponse = true;
      return {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: outcome.message ?? 'Authentication failed',
        authBytes: Buffer.alloc(0),
      };
    }
    conn.authenticated = true;
    conn.principal = outcome.user;
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      authBytes: Buffer.alloc(0),
      sessionLifetimeMs: 0,
    };
  },
};
