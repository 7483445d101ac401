// The server side of a SASL/SCRAM exchange (RFC 5802; SCRAM-SHA-256 and SCRAM-SHA-512 as Kafka offers them, KIP-84):
// client-first → server-first (nonce, salt, iterations) → client-final with the proof → server-final with the server's
// signature. The user's salted keys come from placement (derived there whenever the MQTT user's password is set), so
// the password never reaches this broker. An unknown user (or one without SCRAM keys) gets a made-up salt and the
// exchange fails only at the proof, as RFC 5802 §9 suggests, so user names cannot be probed.
import { createHmac, randomBytes } from 'node:crypto';
import {
  SCRAM_ITERATIONS,
  scramServerSignature,
  verifyScramProof,
  type ScramCredential,
  type ScramMechanism,
} from '@robustmq/common';
import type { SaslExchange, SaslStep } from './sasl-exchange.js';

export type ScramLookup = (user: string, mechanism: ScramMechanism) => Promise<ScramCredential | undefined>;

/** longest SCRAM message accepted (user names and nonces are short; this only bounds parsing). */
const MAX_MESSAGE = 4096;

/** RFC 5802 §5.1 saslname: "=2C" is ',' and "=3D" is '='; any other '=' is malformed. */
function decodeSaslName(name: string): string | undefined {
  if (/=(?!2C|3D)/.test(name)) return undefined;
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** `a=1,b=2` → Map; undefined when an attribute is not `<letter>=<value>`. */
function attributes(text: string): Map<string, string> | undefined {
  const map = new Map<string, string>();
  for (const part of text.split(',')) {
    if (!/^[A-Za-z]=/.test(part)) return undefined;
    if (!map.has(part[0]!)) map.set(part[0]!, part.slice(2));
  }
  return map;
}

const fail = (user: string, message: string): SaslStep => ({ done: true, ok: false, user, message });

export class ScramExchange implements SaslExchange {
  private stage: 'first' | 'final' | 'over' = 'first';
  private user = '';
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private credential: ScramCredential | undefined;

  constructor(
    private readonly mechanism: ScramMechanism,
    private readonly lookup: ScramLookup,
    /** keys the made-up salt of unknown users (a process-wide random secret). */
    private readonly fakeSaltKey: Buffer,
  ) {}

  async step(token: Buffer): Promise<SaslStep> {
    if (token.length > MAX_MESSAGE) return this.end(fail(this.user, 'SCRAM message too long'));
    const text = token.toString('utf8');
    if (this.stage === 'first') return this.first(text);
    if (this.stage === 'final') return this.end(this.final(text));
    return fail(this.user, 'the SCRAM exchange is over');
  }

  private end(step: SaslStep): SaslStep {
    this.stage = 'over';
    return step;
  }

  private async first(text: string): Promise<SaslStep> {
    // gs2-header: channel binding flag ("n" or "y"; "p=" would need channel binding, which Kafka does not use),
    // optional authzid; then client-first-message-bare "n=user,r=nonce[,extensions]"
    const m = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(text);
    if (!m)
      return this.end(
        fail(
          '',
          text.startsWith('p=')
            ? 'SCRAM channel binding is not supported'
            : 'malformed SCRAM client-first message',
        ),
      );
    const bare = m[3]!;
    const attrs = attributes(bare);
    const user = attrs?.get('n') !== undefined ? decodeSaslName(attrs.get('n')!) : undefined;
    const clientNonce = attrs?.get('r');
    if (!attrs || user === undefined || user === '' || !clientNonce || !bare.startsWith('n='))
      return this.end(fail('', 'malformed SCRAM client-first message'));
    this.user = user;
    if (attrs.has('m')) return this.end(fail(user, 'SCRAM mandatory extensions are not supported'));
    // Kafka's delegation-token login (KIP-48) — this broker has no delegation tokens
    if (attrs.get('t') !== undefined || /(^|,)tokenauth=true(,|$)/.test(bare))
      return this.end(fail(user, 'delegation tokens are not supported'));
    const authzid = m[2] ? decodeSaslName(m[2].slice(2)) : '';
    if (authzid === undefined || (authzid !== '' && authzid !== user))
      return this.end(fail(user, 'SCRAM: the authorization id must be empty or the user name'));

    this.gs2Header = `${m[1]},${m[2] ?? ''},`;
    this.clientFirstBare = bare;
    this.credential = await this.lookup(user, this.mechanism);
    const salt = this.credential
      ? this.credential.salt
      : createHmac('sha256', this.fakeSaltKey)
          .update(`${this.mechanism}\0${user}`)
          .digest()
          .toString('base64');
    const iterations = this.credential ? this.credential.iterations : SCRAM_ITERATIONS;
    this.nonce = clientNonce + randomBytes(24).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${salt},i=${iterations}`;
    this.stage = 'final';
    return { done: false, response: Buffer.from(this.serverFirst, 'utf8') };
  }

  private final(text: string): SaslStep {
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) return fail(this.user, 'malformed SCRAM client-final message');
    const withoutProof = text.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    if (!attrs || !withoutProof.startsWith('c='))
      return fail(this.user, 'malformed SCRAM client-final message');
    if (attrs.get('c') !== Buffer.from(this.gs2Header, 'utf8').toString('base64'))
      return fail(this.user, 'SCRAM channel binding does not match the client-first message');
    // Kafka's ScramSaslServer checks that the nonce *ends with* the server's (it carries the server's random part, which
    // is what makes the exchange fresh); librdkafka 2.0 sends its own nonce twice in front of it and relies on that
    if (!attrs.get('r')?.endsWith(this.nonce)) return fail(this.user, 'SCRAM nonce does not match');
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    if (!this.credential || !verifyScramProof(this.mechanism, this.credential, authMessage, proof)) {
      return fail(this.user, 'Authentication failed: invalid username or password');
    }
    const signature = scramServerSignature(this.mechanism, this.credential, authMessage);
    return {
      done: true,
      ok: true,
      user: this.user,
      response: Buffer.from(`v=${signature.toString('base64')}`, 'utf8'),
    };
  }
}
