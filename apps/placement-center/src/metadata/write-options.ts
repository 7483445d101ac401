// What a metadata write may carry besides its fields: the client's request id, which makes a retried write take
// effect once and answer with the first attempt's result (see state/request-id.ts).
import { MAX_REQUEST_ID_CHARS, type RequestTagged } from '../state/request-id.js';
import { invalid } from './metadata-error.js';

export interface WriteOptions {
  requestId?: string;
}

/** Validates a request's request_id (empty = none) into WriteOptions. */
export function writeOptions(request: { requestId?: string | null }): WriteOptions {
  const id = request.requestId;
  if (!id) return {};
  if (id.length > MAX_REQUEST_ID_CHARS)
    throw invalid(`request_id is longer than ${MAX_REQUEST_ID_CHARS} characters`);
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) throw invalid('request_id must not contain control characters');
  }
  return { requestId: id };
}

/** The command fields for options: `{ requestId }` when there is one, nothing otherwise. */
export function tagged(options: WriteOptions): RequestTagged {
  return options.requestId ? { requestId: options.requestId } : {};
}
