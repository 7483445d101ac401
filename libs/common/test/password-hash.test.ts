// The shared scrypt password scheme: hashes verify only their own password, survive the PHC text form the MySQL auth
// storage keeps, and a malformed text form is refused with an error saying what the form should be.
import { expect, it } from 'vitest';
import {
  SCRYPT_PARAMS,
  formatPasswordHash,
  hashPassword,
  parsePasswordHash,
  verifyAgainstNothing,
  verifyPassword,
} from '../src/auth/password-hash.js';

it('salts every hash and verifies only the right password', async () => {
  const one = await hashPassword('secret');
  const two = await hashPassword('secret');
  expect(one.salt).not.toBe(two.salt);
  expect(one).toMatchObject({
    algorithm: 'scrypt',
    n: SCRYPT_PARAMS.n,
    r: SCRYPT_PARAMS.r,
    p: SCRYPT_PARAMS.p,
    keyLength: 32,
  });
  expect(await verifyPassword('secret', one)).toBe(true);
  expect(await verifyPassword('Secret', one)).toBe(false);
  expect(await verifyAgainstNothing('secret')).toBe(false);
});

it('round-trips through the $scrypt$ text form, cost parameters included', async () => {
  const hash = await hashPassword('wonderland');
  const text = formatPasswordHash(hash);
  expect(text).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  expect(parsePasswordHash(text)).toEqual(hash);
  expect(await verifyPassword('wonderland', parsePasswordHash(`  ${text}\n`))).toBe(true);
  // older, cheaper parameters keep verifying
  const cheap = parsePasswordHash(formatPasswordHash({ ...hash, n: 1024 }));
  expect(cheap.n).toBe(1024);
});

it('refuses text that is not a hash, saying what the form is', () => {
  for (const bad of [
    'plaintext',
    '',
    '$scrypt$ln=14,r=8$abc$def',
    '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g',
    '$scrypt$ln=99,r=8,p=1$QUFBQUFBQUFBQUFBQUFBQQ$QUFBQUFBQUFBQUFBQUFBQQ',
  ]) {
    expect(() => parsePasswordHash(bad), bad).toThrow(/\$scrypt\$ln=14,r=8,p=1|out of range/);
  }
});
