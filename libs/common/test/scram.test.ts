// SCRAM credentials and proofs against the RFC 7677 example exchange (SCRAM-SHA-256, user "user", password "pencil"),
// and a SHA-512 round trip computed the way a client does.
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  scramCredential,
  scramCredentials,
  scramServerSignature,
  verifyScramProof,
} from '../src/auth/scram.js';

describe('SCRAM credentials', () => {
  it('reproduce the RFC 7677 example exchange', async () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const credential = await scramCredential('pencil', 'SCRAM-SHA-256', 4096, salt);
    const authMessage =
      'n=user,r=rOprNGfwEbeRWgbNEkqO,' +
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,' +
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    expect(verifyScramProof('SCRAM-SHA-256', credential, authMessage, proof)).toBe(true);
    expect(scramServerSignature('SCRAM-SHA-256', credential, authMessage).toString('base64')).toBe(
      '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    );
    const tampered = Buffer.from(proof);
    tampered[0]! ^= 1;
    expect(verifyScramProof('SCRAM-SHA-256', credential, authMessage, tampered)).toBe(false);
    expect(verifyScramProof('SCRAM-SHA-256', credential, authMessage, proof.subarray(1))).toBe(false);
  });

  it('SHA-512: a proof computed from the password verifies, one from another password does not; salts differ per mechanism', async () => {
    const all = await scramCredentials('s3cret');
    expect(all['SCRAM-SHA-256'].salt).not.toBe(all['SCRAM-SHA-512'].salt);
    const c = all['SCRAM-SHA-512'];
    const authMessage = 'n=u,r=a,r=ab,s=' + c.salt + ',i=4096,c=biws,r=ab';
    const clientProof = (password: string) => {
      const salted = pbkdf2Sync(password, Buffer.from(c.salt, 'base64'), c.iterations, 64, 'sha512');
      const clientKey = createHmac('sha512', salted).update('Client Key').digest();
      const signature = createHmac('sha512', createHash('sha512').update(clientKey).digest())
        .update(authMessage)
        .digest();
      return Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    };
    expect(verifyScramProof('SCRAM-SHA-512', c, authMessage, clientProof('s3cret'))).toBe(true);
    expect(verifyScramProof('SCRAM-SHA-512', c, authMessage, clientProof('s3cret!'))).toBe(false);
  });
});
