// What a SASL mechanism's server side is to the rest of the broker: an exchange driven one client message at a time
// (PLAIN ends after one, SCRAM after two), by the SaslAuthenticate handler and by the bare tokens of handshake v0 alike.

/** One step of an exchange: a challenge to send and more to come, or the end (the last message to send, if any). */
export type SaslStep =
  | { done: false; response: Buffer }
  | { done: true; ok: true; user: string; response: Buffer }
  | { done: true; ok: false; user: string; message: string };

export interface SaslExchange {
  step(token: Buffer): Promise<SaslStep>;
}
