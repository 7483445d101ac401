// The shared cluster secret as every service configures it: `[cluster] auth_token` (or `auth_token_file`, so the
// secret can come from a mounted file instead of the config or the environment). Empty means cluster-internal gRPC
// is open, which is only safe when nobody else can reach those ports — so an open service that binds a non-loopback
// host says so at start. Next to it the cluster TLS files (`tls_cert_file`, `tls_key_file`, `tls_ca_file`,
// `tls_require_client_cert`): set, they put every cluster-internal channel on TLS; the token check works on top.
import { readFileSync } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import { CLUSTER_AUTH_CONFIG_KEY, ClusterTls, clusterServerOptions } from '@robustmq/protocol';
import { z } from 'zod';
import { ConfigError } from './load.js';
import type { Logger } from '../log/logger.js';
import { isLoopbackHost } from '../net/listen.js';

/** Re-exported for libraries that take the material but do not depend on @robustmq/protocol themselves. */
export type { ClusterTls };

/** The two keys, spread into each service's `[cluster]` section. */
export const clusterAuthKeys = () => ({
  /** shared secret every cluster-internal gRPC call (and journal data-port connection) must carry; empty = no check. */
  auth_token: z.string().default(''),
  /** a file holding the secret (trailing whitespace ignored); for secrets mounted by Docker / Kubernetes. */
  auth_token_file: z.string().default(''),
  /** this node's certificate (PEM, may include the chain): server certificate of its cluster ports and client
   * certificate towards its peers. With tls_key_file and tls_ca_file, turns on TLS for every cluster channel. */
  tls_cert_file: z.string().default(''),
  tls_key_file: z.string().default(''),
  /** CA certificate(s) (PEM) that peers' certificates must chain to. */
  tls_ca_file: z.string().default(''),
  /** mutual TLS: refuse peers without a certificate from tls_ca_file (otherwise only servers are verified). */
  tls_require_client_cert: z.boolean().default(false),
  /** how often the three files are re-read, so replaced certificates take effect without a restart. */
  tls_reload_interval_ms: z.number().int().min(100).default(5_000),
});

export interface ClusterAuthConfig {
  auth_token: string;
  auth_token_file: string;
  tls_cert_file: string;
  tls_key_file: string;
  tls_ca_file: string;
  tls_require_client_cert: boolean;
  tls_reload_interval_ms: number;
}

const TLS_FILE_KEYS = ['tls_cert_file', 'tls_key_file', 'tls_ca_file'] as const;

/** Whether the cluster TLS keys are set (any of the three files). */
export function clusterTlsConfigured(cluster: ClusterAuthConfig): boolean {
  return TLS_FILE_KEYS.some((k) => cluster[k] !== '');
}

/**
 * The cluster TLS material in effect (undefined = plaintext), read now so a missing or mismatched file stops the
 * start with the key to fix. The caller owns it: close() when the service stops. Reloads are logged when a logger is
 * given.
 */
export function clusterTls(cluster: ClusterAuthConfig, logger?: Logger): ClusterTls | undefined {
  if (!clusterTlsConfigured(cluster)) {
    if (cluster.tls_require_client_cert) {
      throw new ConfigError(
        'invalid configuration:\n  cluster.tls_require_client_cert is true but no cluster TLS files are set: set cluster.tls_cert_file, tls_key_file and tls_ca_file',
      );
    }
    return undefined;
  }
  const missing = TLS_FILE_KEYS.filter((k) => cluster[k] === '');
  if (missing.length > 0) {
    throw new ConfigError(
      `invalid configuration:\n  cluster TLS needs all of tls_cert_file, tls_key_file and tls_ca_file; missing: ${missing.map((k) => `cluster.${k}`).join(', ')}`,
    );
  }
  let material: ClusterTls;
  try {
    material = new ClusterTls({
      certFile: cluster.tls_cert_file,
      keyFile: cluster.tls_key_file,
      caFile: cluster.tls_ca_file,
      requireClientCert: cluster.tls_require_client_cert,
      reloadIntervalMs: cluster.tls_reload_interval_ms,
    });
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${(err as Error).message}`);
  }
  material.onEvent((e) => {
    if (e.type === 'reloaded')
      logger?.info({ certFile: cluster.tls_cert_file }, 'cluster TLS certificates reloaded');
    else
      logger?.warn(
        { err: e.error.message, certFile: cluster.tls_cert_file },
        'cluster TLS files changed but cannot be used yet; keeping the previous certificates',
      );
  });
  return material;
}

/** The token in effect (undefined = auth off); reads auth_token_file when that is the key set. */
export function clusterAuthToken(
  cluster: Pick<ClusterAuthConfig, 'auth_token' | 'auth_token_file'>,
): string | undefined {
  if (cluster.auth_token && cluster.auth_token_file) {
    throw new ConfigError(
      'invalid configuration:\n  cluster.auth_token and cluster.auth_token_file are both set: keep one',
    );
  }
  if (!cluster.auth_token_file) return cluster.auth_token || undefined;
  let text: string;
  try {
    text = readFileSync(cluster.auth_token_file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `invalid configuration:\n  cluster.auth_token_file: cannot read ${cluster.auth_token_file}: ${(err as Error).message}`,
    );
  }
  const token = text.trim();
  if (!token)
    throw new ConfigError(
      `invalid configuration:\n  cluster.auth_token_file: ${cluster.auth_token_file} is empty`,
    );
  return token;
}

/** Warns when cluster gRPC is open on an address others may reach (neither a token nor mutual TLS guards it). */
export function warnIfClusterAuthOff(
  logger: Logger,
  token: string | undefined,
  host: string,
  what: string,
  tls?: ClusterTls,
): void {
  if (token || tls?.requireClientCert || isLoopbackHost(host)) return;
  logger.warn(
    { host },
    `${what}: open to anyone who can reach it (no cluster auth token): set ${CLUSTER_AUTH_CONFIG_KEY} to the same secret on every service, and keep these ports on a private network`,
  );
}

/** Options for a cluster-internal `grpc.Server`: the token check when a token is set, each rejected call logged (and
 * handed to `onReject`, e.g. a metric). */
export function clusterGrpcServerOptions(
  token: string | undefined,
  logger: Logger | undefined,
  onReject?: (reason: 'missing' | 'wrong') => void,
): grpc.ServerOptions {
  return clusterServerOptions(token, (peer, method, reason) => {
    onReject?.(reason);
    logger?.warn({ peer, method, reason }, 'rejected a gRPC call without the cluster auth token');
  });
}
