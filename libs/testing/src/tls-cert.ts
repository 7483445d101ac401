// A throwaway self-signed certificate for localhost, made with the openssl CLI, for tests of the TLS and WSS
// listeners. Clients trust it through `ca` (the certificate itself) or skip verification.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scope } from './scope.js';

export interface TestCert {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  remove(): void;
}

/** Makes the certificate (openssl must be installed); removed when `scope` closes, if one is given. */
export function makeSelfSignedCert(scope?: Scope): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'robustmq-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  const cert = {
    certFile,
    keyFile,
    cert: readFileSync(certFile),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  scope?.add(cert, (c) => c.remove(), 'TLS certificate');
  return cert;
}
