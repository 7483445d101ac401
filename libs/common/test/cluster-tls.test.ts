// `[cluster] tls_*` as services resolve them (env overrides, all three files or none, clear errors naming the key or
// the file) and the material's reloads: a replaced certificate is picked up on the next pass, a half-written rotation
// (new key, old certificate) keeps the previous set until the files fit together again.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestPki, tempDir, testScope } from '@robustmq/testing';
import { afterAll, expect, it } from 'vitest';
import {
  ConfigError,
  clusterAuthKeys,
  clusterTls,
  loadConfig,
  section,
  z,
  type ClusterAuthConfig,
} from '@robustmq/common';

const schema = z.strictObject({ cluster: section(clusterAuthKeys()) });
const scope = testScope();
const pki = makeTestPki();
const dir = tempDir('cluster-tls', scope);
afterAll(() => pki.close());

const config = (over: Partial<ClusterAuthConfig>) => ({
  ...loadConfig(schema, { env: {} }).cluster,
  ...over,
});

it('is off by default and set through ROBUSTMQ_CLUSTER_TLS_* like every key', () => {
  expect(clusterTls(loadConfig(schema, { env: {} }).cluster)).toBeUndefined();
  const node = pki.issue('env');
  const cluster = loadConfig(schema, {
    env: {
      ROBUSTMQ_CLUSTER_TLS_CERT_FILE: node.certFile,
      ROBUSTMQ_CLUSTER_TLS_KEY_FILE: node.keyFile,
      ROBUSTMQ_CLUSTER_TLS_CA_FILE: pki.caFile,
      ROBUSTMQ_CLUSTER_TLS_REQUIRE_CLIENT_CERT: 'true',
    },
  }).cluster;
  const tls = clusterTls(cluster)!;
  try {
    expect(tls.requireClientCert).toBe(true);
  } finally {
    tls.close();
  }
});

it('refuses a partial set, mTLS without files, an unreadable file and a key that does not fit, naming what to fix', () => {
  const node = pki.issue('partial');
  const other = pki.issue('other');
  expect(() => clusterTls(config({ tls_cert_file: node.certFile }))).toThrow(ConfigError);
  expect(() => clusterTls(config({ tls_cert_file: node.certFile }))).toThrow(
    /missing: cluster.tls_key_file, cluster.tls_ca_file/,
  );
  expect(() => clusterTls(config({ tls_require_client_cert: true }))).toThrow(
    /tls_require_client_cert is true but no cluster TLS files/,
  );
  expect(() =>
    clusterTls(
      config({ tls_cert_file: node.certFile, tls_key_file: join(dir, 'nope.pem'), tls_ca_file: pki.caFile }),
    ),
  ).toThrow(/cannot read the cluster TLS key .*nope\.pem/);
  expect(() =>
    clusterTls(
      config({ tls_cert_file: node.certFile, tls_key_file: other.keyFile, tls_ca_file: pki.caFile }),
    ),
  ).toThrow(/do not form a usable set/);
});

it('reloads replaced files, and rides out a half-written rotation on the previous set', async () => {
  const node = pki.issue('reload');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  copyFileSync(node.certFile, certFile);
  copyFileSync(node.keyFile, keyFile);
  const tls = clusterTls(
    config({
      tls_cert_file: certFile,
      tls_key_file: keyFile,
      tls_ca_file: pki.caFile,
      tls_reload_interval_ms: 60_000,
    }),
  )!;
  const events: string[] = [];
  tls.onEvent((e) => events.push(e.type));
  let changes = 0;
  tls.onChange(() => changes++);
  try {
    const first = tls.secureContext();
    expect(await tls.reload()).toBe(false); // nothing changed
    const next = pki.issue('reload-next');
    copyFileSync(next.keyFile, keyFile); // the key is new, the certificate still the old one
    expect(await tls.reload()).toBe(false);
    expect(await tls.reload()).toBe(false); // reported once, not on every pass
    expect(events).toEqual(['reload-failed']);
    expect(tls.secureContext()).toBe(first);
    copyFileSync(next.certFile, certFile);
    expect(await tls.reload()).toBe(true);
    expect(tls.secureContext()).not.toBe(first);
    expect(tls.contextOptions().cert).toEqual(next.cert);
    expect(events).toEqual(['reload-failed', 'reloaded']);
    expect(changes).toBe(1);
  } finally {
    tls.close();
  }
});
