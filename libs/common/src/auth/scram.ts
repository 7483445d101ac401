// SCRAM credentials (RFC 5802, with SHA-256 per RFC 7677 and SHA-512 as Kafka uses it): what a server must keep to
// check a SCRAM login without the password — salt, iteration count, StoredKey = H(HMAC(SaltedPassword, "Client Key"))
// and ServerKey = HMAC(SaltedPassword, "Server Key"). A salted scrypt hash cannot answer a SCRAM exchange, so the
// placement center derives these next to it whenever a password is set, and the Kafka broker's SCRAM exchange checks
// the client's proof against them. The pure functions of the exchange live here too, so both sides share one reading.
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

/** Kafka's default and minimum iteration count (kafka-configs --add-config 'SCRAM-SHA-256=[iterations=4096,...]'). */
export const SCRAM_ITERATIONS = 4096;

export interface ScramCredential {
  /** base64 */
  salt: string;
  iterations: number;
  /** base64 of H(ClientKey) */
  storedKey: string;
  /** base64 of HMAC(SaltedPassword, "Server Key") */
  serverKey: string;
}

export type ScramCredentials = Partial<Record<ScramMechanism, ScramCredential>>;

export function scramDigest(mechanism: ScramMechanism): 'sha256' | 'sha512' {
  return mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
}

export function isScramMechanism(name: string): name is ScramMechanism {
  return (SCRAM_MECHANISMS as readonly string[]).includes(name);
}

const hmac = (digest: string, key: Buffer, data: string | Buffer): Buffer =>
  createHmac(digest, key).update(data).digest();
const hash = (digest: string, data: Buffer): Buffer => createHash(digest).update(data).digest();

/** Hi(password, salt, i) of RFC 5802 is PBKDF2 with HMAC of the mechanism's hash. The password is taken as its UTF-8
 * bytes without SASLprep, as Kafka and librdkafka do. */
function saltedPassword(
  password: string,
  salt: Buffer,
  iterations: number,
  digest: 'sha256' | 'sha512',
): Promise<Buffer> {
  const length = digest === 'sha256' ? 32 : 64;
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, iterations, length, digest, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function scramCredential(
  password: string,
  mechanism: ScramMechanism,
  iterations = SCRAM_ITERATIONS,
  salt = randomBytes(32),
): Promise<ScramCredential> {
  const digest = scramDigest(mechanism);
  const salted = await saltedPassword(password, salt, iterations, digest);
  const clientKey = hmac(digest, salted, 'Client Key');
  return {
    salt: salt.toString('base64'),
    iterations,
    storedKey: hash(digest, clientKey).toString('base64'),
    serverKey: hmac(digest, salted, 'Server Key').toString('base64'),
  };
}

/** Credentials for every SCRAM mechanism, each with its own salt. */
export async function scramCredentials(password: string): Promise<Record<ScramMechanism, ScramCredential>> {
  const [sha256, sha512] = await Promise.all(SCRAM_MECHANISMS.map((m) => scramCredential(password, m)));
  return { 'SCRAM-SHA-256': sha256!, 'SCRAM-SHA-512': sha512! };
}

/** Whether `proof` (the client's ClientProof) proves knowledge of the password behind `storedKey` for `authMessage`:
 * ClientKey = proof XOR HMAC(StoredKey, AuthMessage), and H(ClientKey) must be StoredKey (compared in constant time). */
export function verifyScramProof(
  mechanism: ScramMechanism,
  credential: ScramCredential,
  authMessage: string,
  proof: Buffer,
): boolean {
  const digest = scramDigest(mechanism);
  const storedKey = Buffer.from(credential.storedKey, 'base64');
  const signature = hmac(digest, storedKey, authMessage);
  if (proof.length !== signature.length) return false;
  const clientKey = Buffer.alloc(proof.length);
  for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ signature[i]!;
  const computed = hash(digest, clientKey);
  return computed.length === storedKey.length && timingSafeEqual(computed, storedKey);
}

/** ServerSignature = HMAC(ServerKey, AuthMessage), sent as `v=` so the client knows the server had its credential. */
export function scramServerSignature(
  mechanism: ScramMechanism,
  credential: ScramCredential,
  authMessage: string,
): Buffer {
  return hmac(scramDigest(mechanism), Buffer.from(credential.serverKey, 'base64'), authMessage);
}
