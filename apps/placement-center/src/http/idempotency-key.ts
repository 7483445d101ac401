// The admin API's answer to "my POST timed out — did it happen?": a write may carry an `Idempotency-Key` header, which
// becomes the write's request id (see state/request-id.ts). Sent again with the same key, the write takes effect once
// and answers with the first attempt's result, exactly like a retried gRPC call from PlacementClient.
import type { FastifyRequest } from 'fastify';
import { invalid } from '../metadata/metadata-error.js';
import { writeOptions, type WriteOptions } from '../metadata/write-options.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** keys live in the same table as gRPC request ids; the prefix keeps an HTTP key from answering for a gRPC call. */
const PREFIX = 'http:';

export function idempotencyOf(request: FastifyRequest): WriteOptions {
  const header = request.headers[IDEMPOTENCY_HEADER];
  if (header === undefined) return {};
  if (Array.isArray(header)) throw invalid('Idempotency-Key must be sent once');
  if (header.length === 0) throw invalid('Idempotency-Key must not be empty');
  return writeOptions({ requestId: PREFIX + header });
}
