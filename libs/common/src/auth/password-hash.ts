// Salted scrypt password hashes, one scheme for every place users live: the placement center keeps them as records,
// the broker's MySQL auth storage as one text column (`formatPasswordHash` / `parsePasswordHash`, PHC string form).
// The cost parameters are stored with each hash so they can be raised later while old hashes keep verifying.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface PasswordHash {
  algorithm: 'scrypt';
  n: number;
  r: number;
  p: number;
  keyLength: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
}

/** Current parameters for new hashes: N=2^14, r=8, p=1 (16 MiB, tens of ms), 32-byte key, 16-byte salt. */
export const SCRYPT_PARAMS = { n: 16_384, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

function derive(
  password: string,
  salt: Buffer,
  params: { n: number; r: number; p: number; keyLength: number },
): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.n,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.n * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, params.keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(SCRYPT_PARAMS.saltLength);
  const { n, r, p, keyLength } = SCRYPT_PARAMS;
  const hash = await derive(password, salt, { n, r, p, keyLength });
  return {
    algorithm: 'scrypt',
    n,
    r,
    p,
    keyLength,
    salt: salt.toString('base64'),
    hash: hash.toString('base64'),
  };
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

const b64 = (s: string) => s.replace(/=+$/, '');

/** `$scrypt$ln=14,r=8,p=1$<salt>$<hash>` (PHC string format, unpadded base64): one value to store in a text column. */
export function formatPasswordHash(h: PasswordHash): string {
  return `$scrypt$ln=${Math.log2(h.n)},r=${h.r},p=${h.p}$${b64(h.salt)}$${b64(h.hash)}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{16,})$/;

/** Reads `formatPasswordHash`'s form back; throws an Error saying what the form should be when it is not that. */
export function parsePasswordHash(text: string): PasswordHash {
  const m = PHC.exec(text.trim());
  if (!m)
    throw new Error('not a password hash of the form $scrypt$ln=14,r=8,p=1$<base64 salt>$<base64 hash>');
  const [, ln, r, p, salt, hash] = m as unknown as [string, string, string, string, string, string];
  const n = 2 ** Number(ln);
  if (Number(ln) < 1 || Number(ln) > 24 || Number(r) < 1 || Number(p) < 1)
    throw new Error(`scrypt parameters out of range in ${text}`);
  const key = Buffer.from(hash, 'base64');
  return {
    algorithm: 'scrypt',
    n,
    r: Number(r),
    p: Number(p),
    keyLength: key.length,
    salt: Buffer.from(salt, 'base64').toString('base64'),
    hash: key.toString('base64'),
  };
}
