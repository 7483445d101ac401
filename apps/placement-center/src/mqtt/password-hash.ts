// Salted scrypt password hashes. The salt and hash are made by the member that proposes the write (never at apply
// time, which must be deterministic), and the cost parameters are stored with each hash so they can be raised
// later while old hashes keep verifying.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHash } from '../state/mqtt-records.js';

/** Current parameters for new hashes: N=2^14, r=8, p=1 (16 MiB, tens of ms), 32-byte key, 16-byte salt. */
export const SCRYPT_PARAMS = { n: 16_384, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

function derive(password: string, salt: Buffer, params: { n: number; r: number; p: number; keyLength: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: params.n, r: params.r, p: params.p, maxmem: 256 * params.n * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password, salt, params.keyLength, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(SCRYPT_PARAMS.saltLength);
  const { n, r, p, keyLength } = SCRYPT_PARAMS;
  const hash = await derive(password, salt, { n, r, p, keyLength });
  return { algorithm: 'scrypt', n, r, p, keyLength, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await derive(password, Buffer.from(stored.salt, 'base64'), stored);
  // constant time, so the comparison leaks nothing about how much of the hash matched
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let dummy: Promise<PasswordHash> | undefined;

/** Spends the same time as a real verification, so unknown usernames cannot be told apart by response time. */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummy ??= hashPassword('robustmq-no-such-user');
  await verifyPassword(password, await dummy);
  return false;
}
