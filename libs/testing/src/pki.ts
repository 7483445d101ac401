// A throwaway certificate authority for tests of cluster TLS, made with the openssl CLI the same way
// docs/configuration.md tells operators to (EC P-256 keys, node certificates for localhost / 127.0.0.1 usable as
// server and client certificates). Nothing is committed: every test run makes its own keys in a temp dir.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterTls, type ClusterTls } from '@robustmq/common';

export interface TestNodeCert {
  certFile: string;
  keyFile: string;
  cert: Buffer;
}

export interface TestPki {
  dir: string;
  caFile: string;
  /** issues a node certificate signed by this CA (written to new files, or over `into`'s files by rename, the way
   * a rotation replaces them). */
  issue(name: string, into?: { certFile: string; keyFile: string }): TestNodeCert;
  /** `[cluster]` keys that put a service on mutual TLS with a new certificate `name` from this CA (reloaded every
   * 200 ms, so rotations show quickly). */
  clusterKeys(name: string): { cert: TestNodeCert; keys: Record<string, unknown> };
  /** A client's TLS material built the way a service builds its own from `[cluster]`: trusts this CA, presents
   * `cert` (which another CA may have issued). The caller closes it. */
  clusterTls(cert: TestNodeCert): ClusterTls;
  /** removes the CA's dir (keys and certificates). */
  close(): void;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A new CA in a temp dir; close() removes it. */
export function makeTestPki(name = 'robustmq-test-ca'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'robustmq-pki-'));
  const caFile = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca-key.pem');
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    caKey,
    '-out',
    caFile,
  ]);
  const ext = join(dir, 'node.ext');
  writeFileSync(
    ext,
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n',
  );
  let serial = 0;
  return {
    dir,
    caFile,
    issue(nodeName, into) {
      serial += 1;
      const base = join(dir, `${nodeName}-${serial}`);
      const csr = `${base}.csr`;
      openssl([
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-subj',
        `/CN=${nodeName}`,
        '-keyout',
        `${base}-key.pem`,
        '-out',
        csr,
      ]);
      openssl([
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        caFile,
        '-CAkey',
        caKey,
        '-set_serial',
        String(Date.now() * 100 + serial),
        '-days',
        '2',
        '-extfile',
        ext,
        '-out',
        `${base}.pem`,
      ]);
      if (!into)
        return { certFile: `${base}.pem`, keyFile: `${base}-key.pem`, cert: readFileSync(`${base}.pem`) };
      // key first: in between the old certificate and the new key do not fit, which the reload must ride out
      renameSync(`${base}-key.pem`, into.keyFile);
      renameSync(`${base}.pem`, into.certFile);
      return { ...into, cert: readFileSync(into.certFile) };
    },
    clusterKeys(nodeName) {
      const cert = this.issue(nodeName);
      const keys = {
        tls_cert_file: cert.certFile,
        tls_key_file: cert.keyFile,
        tls_ca_file: caFile,
        tls_require_client_cert: true,
        tls_reload_interval_ms: 200,
      };
      return { cert, keys };
    },
    clusterTls(cert) {
      return clusterTls({
        auth_token: '',
        auth_token_file: '',
        tls_cert_file: cert.certFile,
        tls_key_file: cert.keyFile,
        tls_ca_file: caFile,
        tls_require_client_cert: true,
        tls_reload_interval_ms: 5_000,
      })!;
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
