// gRPC status assertions: a call (through a client library that throws an error with a `code`, such as
// PlacementError, or a raw grpc-js client) must fail with this status and, optionally, a message that says why.
import type * as grpc from '@grpc/grpc-js';
import { expect } from 'vitest';

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
