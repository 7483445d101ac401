// One way for every service to turn an async unary handler's outcome into a gRPC answer: a reply, or a ServiceError
// with the status code the service's own error types map to, and INTERNAL (with the message) for anything unmapped.
import * as grpc from '@grpc/grpc-js';

export function grpcError(code: grpc.status, details: string): Partial<grpc.ServiceError> {
  return { code, details, message: details, metadata: new grpc.Metadata() };
}

/** Maps an error a handler threw to its gRPC answer, or undefined when the caller does not know it (→ INTERNAL). */
export type GrpcErrorMapper = (err: unknown) => Partial<grpc.ServiceError> | undefined;

export function unaryHandler<Req, Res>(
  handler: (request: Req) => Res | Promise<Res>,
  mapError: GrpcErrorMapper,
  onInternal?: (err: unknown) => void,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const fail = (err: unknown) => {
      const mapped = mapError(err);
      if (mapped) return callback(mapped);
      onInternal?.(err);
      callback(grpcError(grpc.status.INTERNAL, `internal error: ${(err as Error).message}`));
    };
    let pending: Res | Promise<Res>;
    try {
      pending = handler(call.request);
    } catch (err) {
      return fail(err);
    }
    if (pending instanceof Promise) pending.then((reply) => callback(null, reply), fail);
    else callback(null, pending);
  };
}
