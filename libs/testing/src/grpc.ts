// gRPC status assertions: a call (through a client library that throws an error with a `code`, such as
// PlacementError, or a raw grpc-js client) must fail with this status and, optionally, a message that says why; and
// the raw cluster-internal clients the cluster-secret tests call with a token, a wrong one or none.
import * as grpc from '@grpc/grpc-js';
import { clusterClientOptions } from '@robustmq/protocol';
import { expect } from 'vitest';
import type { Scope } from './scope.js';

/**
 * A plaintext client of a cluster-internal service (`newClient`: newKvClient, newBrokerInnerClient, …) at
 * `address` that sends `token` as the cluster secret (undefined: none), closed with `scope`.
 */
export function tokenClient<C extends object>(
  newClient: (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => C,
  address: string,
  token: string | undefined,
  scope: Scope,
): C {
  return scope.add(newClient(address, grpc.credentials.createInsecure(), clusterClientOptions(token)));
}

/** Expects `promise` to reject with an error whose `code` is `code` (and whose message matches `message`). */
export async function expectCode(
  promise: Promise<unknown>,
  code: grpc.status | string,
  message?: RegExp,
): Promise<void> {
  const err = await promise.then(
    (value) => {
      throw new Error(
        `expected the call to fail with code ${String(code)}, it succeeded with ${JSON.stringify(value)}`,
      );
    },
    (e: unknown) => e,
  );
  expect(err, String(err)).toMatchObject({ code });
  if (message)
    expect(`${(err as Error).message} ${(err as { details?: string }).details ?? ''}`).toMatch(message);
}

/** The outcome of one unary call on a raw grpc-js client: its reply, or its status code and details. */
export interface UnaryOutcome<R> {
  reply?: R;
  code?: grpc.status;
  details?: string;
}

type UnaryMethod<Q, R> = (
  request: Q,
  callback: (err: grpc.ServiceError | null, reply?: R) => void,
) => unknown;

/**
 * Calls a unary method of a generated grpc-js client and resolves with the reply or the error's status, never
 * rejects: `await unary(client, client.GetSegmentState, { ... })`.
 */
export function unary<Q, R>(client: object, method: UnaryMethod<Q, R>, request: Q): Promise<UnaryOutcome<R>> {
  return new Promise((resolve) =>
    method.call(client, request, (err, reply) =>
      resolve(err ? { code: err.code, details: err.details } : { reply: reply as R }),
    ),
  );
}
