// The shared cluster secret as every service configures it: `[cluster] auth_token` (or `auth_token_file`, so the
// secret can come from a mounted file instead of the config or the environment). Empty means cluster-internal gRPC
// is open, which is only safe when nobody else can reach those ports — so an open service that binds a non-loopback
// host says so at start.
import { readFileSync } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import { CLUSTER_AUTH_CONFIG_KEY, clusterServerOptions } from '@robustmq/protocol';
import { z } from 'zod';
import { ConfigError } from './load.js';
import type { Logger } from '../log/logger.js';
import { isLoopbackHost } from '../net/listen.js';

/** The two keys, spread into each service's `[cluster]` section. */
export const clusterAuthKeys = () => ({
  /** shared secret every cluster-internal gRPC call (and journal data-port connection) must carry; empty = no check. */
  auth_token: z.string().default(''),
  /** a file holding the secret (trailing whitespace ignored); for secrets mounted by Docker / Kubernetes. */
  auth_token_file: z.string().default(''),
});

export interface ClusterAuthConfig {
  auth_token: string;
  auth_token_file: string;
}

/** The token in effect (undefined = auth off); reads auth_token_file when that is the key set. */
export function clusterAuthToken(cluster: ClusterAuthConfig): string | undefined {
  if (cluster.auth_token && cluster.auth_token_file) {
    throw new ConfigError('invalid configuration:\n  cluster.auth_token and cluster.auth_token_file are both set: keep one');
  }
  if (!cluster.auth_token_file) return cluster.auth_token || undefined;
  let text: string;
  try {
    text = readFileSync(cluster.auth_token_file, 'utf8');
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  cluster.auth_token_file: cannot read ${cluster.auth_token_file}: ${(err as Error).message}`);
  }
  const token = text.trim();
  if (!token) throw new ConfigError(`invalid configuration:\n  cluster.auth_token_file: ${cluster.auth_token_file} is empty`);
  return token;
}

/** Warns when cluster gRPC is open on an address others may reach. */
export function warnIfClusterAuthOff(logger: Logger, token: string | undefined, host: string, what: string): void {
  if (token || isLoopbackHost(host)) return;
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
