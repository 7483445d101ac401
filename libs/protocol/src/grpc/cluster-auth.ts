// The shared cluster secret on cluster-internal gRPC (placement 1228 incl. the Raft transport, journal inner 2228,
// broker inner 9981): servers reject calls without `authorization: Bearer <token>` before any handler runs (unary
// and streams alike, since the check sits on the call's metadata), clients add the header to every call of a
// channel. It authenticates callers only: without TLS the token and the traffic still cross the network in clear.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';

/** Where the secret is configured, named in every rejection so the operator knows what to set. */
export const CLUSTER_AUTH_CONFIG_KEY =
  '[cluster] auth_token (env ROBUSTMQ_CLUSTER_AUTH_TOKEN, or [cluster] auth_token_file)';

const AUTHORIZATION = 'authorization';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares a presented secret with the expected one in constant time (for checks outside gRPC, e.g. the journal
 * data port's Auth frame). */
export function secretsEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * A server interceptor admitting only calls that carry the token. Hashing both sides first gives equal-length inputs
 * to timingSafeEqual, so neither the token's content nor its length leaks through response times.
 */
export function clusterAuthServerInterceptor(
  token: string,
  onReject?: (peer: string, method: string, reason: 'missing' | 'wrong') => void,
): grpc.ServerInterceptor {
  const expected = digest(`Bearer ${token}`);
  return (method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, nextMetadata) => {
            const [presented] = metadata.get(AUTHORIZATION);
            const ok = typeof presented === 'string' && timingSafeEqual(digest(presented), expected);
            if (ok) {
              // handlers never need the secret, and it should not end up in their logs
              metadata.remove(AUTHORIZATION);
              nextMetadata(metadata);
              return;
            }
            const reason = presented === undefined ? 'missing' : 'wrong';
            onReject?.(call.getPeer(), method.path, reason);
            call.sendStatus({
              code: grpc.status.UNAUTHENTICATED,
              details:
                reason === 'missing'
                  ? `this server requires the cluster auth token and the call carries none: set ${CLUSTER_AUTH_CONFIG_KEY} on the calling service to the server's value`
                  : `the call's cluster auth token does not match this server's: set ${CLUSTER_AUTH_CONFIG_KEY} to the same value on every service`,
            });
          },
        }),
    });
}

/** Options for `new grpc.Server(...)`: the auth interceptor when a token is set, nothing (open server) otherwise. */
export function clusterServerOptions(
  token: string | undefined,
  onReject?: Parameters<typeof clusterAuthServerInterceptor>[1],
): grpc.ServerOptions {
  return token ? { interceptors: [clusterAuthServerInterceptor(token, onReject)] } : {};
}

/** A client interceptor that puts the token on every call (unary and streaming) of the client it is given to. */
export function clusterAuthClientInterceptor(token: string): grpc.Interceptor {
  const value = `Bearer ${token}`;
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        metadata.set(AUTHORIZATION, value);
        next(metadata, listener);
      },
    });
}

/**
 * Client options sending the token when one is set. (Call credentials would be the textbook way, but grpc-js refuses
 * to compose them with insecure channel credentials, so an interceptor carries the header instead.) A fresh object
 * per client: grpc-js deletes `interceptors` from the options it is given.
 */
export function clusterClientOptions(
  token: string | undefined,
  options: grpc.ClientOptions = {},
): grpc.ClientOptions {
  if (!token) return { ...options };
  return { ...options, interceptors: [...(options.interceptors ?? []), clusterAuthClientInterceptor(token)] };
}
