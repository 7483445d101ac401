// SaslHandshake and SaslAuthenticate: PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 against the MQTT users in placement
// (server/sasl.ts). Handshake v0 is followed by bare tokens (server/connection.ts), v1 by SaslAuthenticate requests
// (KIP-152), one per client message of the mechanism (SCRAM takes two). A failed authentication is answered
// SASL_AUTHENTICATION_FAILED and the connection is then closed, as Kafka does.
import { ApiKey, ErrorCode } from '@robustmq/protocol/kafka';
import type { SaslStep } from '../server/sasl-exchange.js';
import { apiHandler, type BrokerContext, type ConnectionState } from './context.js';

export const saslHandshake = apiHandler(ApiKey.SaslHandshake, async (ctx, conn, body, header) => {
  const mechanism = String(body['mechanism']);
  if (!ctx.authenticator) {
    // Kafka answers ILLEGAL_SASL_STATE on a listener without SASL
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
  }
  const mechanisms = [...ctx.authenticator.mechanisms];
  const exchange = conn.authenticated || conn.saslExchange ? undefined : ctx.authenticator.start(mechanism);
  if (!exchange) {
    conn.closeAfterResponse = true;
    return {
      errorCode:
        conn.authenticated || conn.saslExchange
          ? ErrorCode.ILLEGAL_SASL_STATE
          : ErrorCode.UNSUPPORTED_SASL_MECHANISM,
      mechanisms,
    };
  }
  conn.saslMechanism = mechanism;
  conn.saslExchange = exchange;
  conn.saslRawNext = header.apiVersion === 0;
  return { errorCode: ErrorCode.NONE, mechanisms };
});

/** Runs one client message through the connection's exchange and updates the connection: authenticated at a good
 * end, the exchange dropped at any end. Shared by SaslAuthenticate and the bare tokens after handshake v0. */
export async function saslStep(ctx: BrokerContext, conn: ConnectionState, token: Buffer): Promise<SaslStep> {
  const exchange = conn.saslExchange!;
  const step = await exchange.step(token);
  if (!step.done) return step;
  conn.saslExchange = undefined;
  if (step.ok) {
    conn.superuser = (await ctx.authorizer?.isSuperuser(step.user)) ?? false;
    conn.authenticated = true;
    conn.principal = step.user;
  } else {
    ctx.stats.authFailures++;
    ctx.logger.info(
      { client: conn.remoteAddress, user: step.user, mechanism: conn.saslMechanism, reason: step.message },
      'kafka SASL authentication failed',
    );
    conn.closeAfterResponse = true;
  }
  conn.saslMechanism = undefined;
  return step;
}

export const saslAuthenticate = apiHandler(ApiKey.SaslAuthenticate, async (ctx, conn, body) => {
  if (!ctx.authenticator || !conn.saslExchange || conn.authenticated) {
    conn.closeAfterResponse = true;
    return {
      errorCode: ErrorCode.ILLEGAL_SASL_STATE,
      errorMessage: 'SaslAuthenticate needs a SaslHandshake first',
      authBytes: Buffer.alloc(0),
    };
  }
  const step = await saslStep(ctx, conn, body['authBytes'] as Buffer);
  if (step.done && !step.ok) {
    return {
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage: step.message,
      authBytes: Buffer.alloc(0),
    };
  }
  return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.response, sessionLifetimeMs: 0 };
});
