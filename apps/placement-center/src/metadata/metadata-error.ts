// Errors of the metadata services (MQTT, journal) in one transport-neutral shape: the gRPC layer turns the code into
// a gRPC status, the HTTP layer into an HTTP status with `{code, message}`. Commands that the state machine refuses
// (a duplicate user, a segment that is no longer active...) come back as a `Rejection` in the command's result —
// plain data, because the refusal is part of the replicated outcome and must not fail the other commands of a batch.
export type MetadataErrorCode = 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'FAILED_PRECONDITION';

export interface Rejection {
  code: Exclude<MetadataErrorCode, 'INVALID_ARGUMENT'>;
  message: string;
}

export class MetadataError extends Error {
  constructor(
    readonly code: MetadataErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MetadataError';
  }
}

export function invalid(message: string): MetadataError {
  return new MetadataError('INVALID_ARGUMENT', message);
}

export function notFound(message: string): MetadataError {
  return new MetadataError('NOT_FOUND', message);
}

/** Throws the rejection carried by a command result, or returns the result's success fields. */
export function accepted<R extends { rejection?: Rejection }>(result: R): R {
  if (result.rejection) throw new MetadataError(result.rejection.code, result.rejection.message);
  return result;
}
