// The SASL mechanisms the Kafka listeners offer and one exchange per login: PLAIN (server/sasl-plain.ts, the password
// checked by placement) and SCRAM-SHA-256 / SCRAM-SHA-512 (server/sasl-scram.ts, the proof checked here against the
// salted keys placement keeps for the same MQTT users). The SaslHandshake / SaslAuthenticate handlers and the bare-token
// flow of handshake v0 (server/connection.ts) both drive an exchange step by step, so every mechanism works with both.
import { randomBytes } from 'node:crypto';
import { SCRAM_MECHANISMS, isScramMechanism } from '@robustmq/common';
import type { PlacementClient } from '@robustmq/placement-client';
import { PlainAuthenticator } from './sasl-plain.js';
import type { SaslExchange } from './sasl-exchange.js';
import { ScramExchange } from './sasl-scram.js';

export const SASL_MECHANISMS = ['PLAIN', ...SCRAM_MECHANISMS] as const;

export class SaslAuthenticator {
  readonly mechanisms: readonly string[] = SASL_MECHANISMS;
  private readonly plain: PlainAuthenticator;
  /** the made-up salts of unknown SCRAM users are stable within a process and unguessable outside it. */
  private readonly fakeSaltKey = randomBytes(32);

  constructor(private readonly placement: PlacementClient) {
    this.plain = new PlainAuthenticator(placement);
  }

  /** A new exchange for `mechanism`, or undefined when it is not offered. */
  start(mechanism: string): SaslExchange | undefined {
    if (mechanism === 'PLAIN') {
      const plain = this.plain;
      return {
        async step(token) {
          const outcome = await plain.authenticate(token);
          return outcome.ok
            ? { done: true, ok: true, user: outcome.user, response: Buffer.alloc(0) }
            : {
                done: true,
                ok: false,
                user: outcome.user,
                message: outcome.message ?? 'Authentication failed',
              };
        },
      };
    }
    if (isScramMechanism(mechanism)) {
      return new ScramExchange(
        mechanism,
        (user, m) => this.placement.mqtt.getScramCredential(user, m),
        this.fakeSaltKey,
      );
    }
    return undefined;
  }
}
