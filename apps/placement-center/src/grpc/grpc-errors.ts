// gRPC error helpers: a ServiceError with a status code and a message the caller can act on.
import * as grpc from '@grpc/grpc-js';
import { LEADER_HINT_KEY, grpcError, unaryHandler } from '@robustmq/protocol';
import { MetadataError, type MetadataErrorCode } from '../metadata/metadata-error.js';
import { NotPlacementLeaderError } from '../state/proposer.js';
import { RetryableError } from '../state/raft-proposer.js';

const METADATA_STATUS: Record<MetadataErrorCode, grpc.status> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
};

export { grpcError };

export class InvalidArgument extends Error {}

/**
 * Wraps an async unary handler: InvalidArgument → INVALID_ARGUMENT, MetadataError → its code, mapped errors → their
 * code, others → INTERNAL.
 */
export function unary<Req, Res>(
  handler: (request: Req) => Promise<Res>,
  mapError: (err: unknown) => Partial<grpc.ServiceError> | undefined = () => undefined,
): grpc.handleUnaryCall<Req, Res> {
  return unaryHandler(handler, (err) => placementErrorOf(err) ?? mapError(err));
}

/** The gRPC answer for the placement center's own error types, or undefined for others. */
export function placementErrorOf(err: unknown): Partial<grpc.ServiceError> | undefined {
  if (err instanceof InvalidArgument) return grpcError(grpc.status.INVALID_ARGUMENT, err.message);
  if (err instanceof NotPlacementLeaderError) return notLeaderError(err);
  if (err instanceof RetryableError) return grpcError(grpc.status.UNAVAILABLE, err.message);
  if (err instanceof MetadataError) return grpcError(METADATA_STATUS[err.code], err.message);
  return undefined;
}

/** UNAVAILABLE (clients retry elsewhere) with the leader's address in the trailing metadata when it is known. */
export function notLeaderError(err: NotPlacementLeaderError): Partial<grpc.ServiceError> {
  const error = grpcError(grpc.status.UNAVAILABLE, err.message);
  if (err.leader.leaderAddress) error.metadata!.set(LEADER_HINT_KEY, err.leader.leaderAddress);
  return error;
}

/**
 * Runs every item of a batch call at once (so their proposals go out together) and answers with a result per item:
 * an item's own failure is its result, `{ code, message }`, but a failure that says "not here, not now"
 * (UNAVAILABLE, or no status at all) fails the whole call, so the client retries it elsewhere.
 */
export async function settleBatch<I, R>(
  items: readonly I[],
  run: (item: I) => Promise<R>,
  mapError: (err: unknown) => Partial<grpc.ServiceError> | undefined = placementErrorOf,
): Promise<Array<R | { code: number; message: string }>> {
  let retryElsewhere: unknown;
  const failed = (err: unknown) => {
    const mapped = mapError(err);
    if (mapped === undefined || mapped.code === grpc.status.UNAVAILABLE) retryElsewhere ??= err;
    return { code: mapped?.code ?? grpc.status.INTERNAL, message: mapped?.details ?? (err as Error).message };
  };
  // a promise per item, not an async function around each (a Batch of KV writes passes here per write); an item
  // that throws instead of rejecting is its own failure all the same
  const results = await Promise.all(
    items.map((item): Promise<R | { code: number; message: string }> | { code: number; message: string } => {
      try {
        return run(item).then(undefined, failed);
      } catch (err) {
        return failed(err);
      }
    }),
  );
  if (retryElsewhere !== undefined) throw retryElsewhere;
  return results;
}
