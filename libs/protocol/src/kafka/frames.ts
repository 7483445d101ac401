// Kafka framing: every request and response is an int32 size followed by that many bytes; a request starts with a
// request header (v1: api key, api version, correlation id, client id; v2 adds tagged fields when the request's
// version is flexible), a response with a response header (v0: correlation id; v1 adds tagged fields when the
// response's version is flexible — except ApiVersions, whose response header is always v0 so that a client can read
// it before it knows which versions the broker speaks, KIP-511).
import { apiSpec, ApiKey } from './apis.js';
import { decodeMessage, encodeMessage, isFlexible, supportsVersion, type KafkaValue } from './schema.js';
import { KafkaDecodeError, KafkaReader, KafkaWriter } from './wire.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export interface DecodedRequest {
  header: RequestHeader;
  /** the body, when the API and version are known to the codec; undefined otherwise (answer UNSUPPORTED_VERSION). */
  body: KafkaValue | undefined;
}

/** Whether a request of this API and version carries header v2 (tagged fields). */
export function requestHeaderIsFlexible(apiKey: number, apiVersion: number): boolean {
  const api = apiSpec(apiKey);
  return api !== undefined && supportsVersion(api.request, apiVersion) && isFlexible(api.request, apiVersion);
}

export function responseHeaderIsFlexible(apiKey: number, apiVersion: number): boolean {
  if (apiKey === ApiKey.ApiVersions) return false;
  const api = apiSpec(apiKey);
  return (
    api !== undefined && supportsVersion(api.response, apiVersion) && isFlexible(api.response, apiVersion)
  );
}

/** Reads the first fields of a request (without its size prefix), enough to answer even one we cannot parse. */
export function peekRequestHeader(
  frame: Buffer,
): Pick<RequestHeader, 'apiKey' | 'apiVersion' | 'correlationId'> {
  if (frame.length < 8)
    throw new KafkaDecodeError(`request of ${frame.length} bytes is shorter than a request header`);
  return {
    apiKey: frame.readInt16BE(0),
    apiVersion: frame.readInt16BE(2),
    correlationId: frame.readInt32BE(4),
  };
}

/**
 * Decodes one request frame (without its size prefix). A known API in a version the codec reads is decoded whole;
 * otherwise only the header is. Malformed bytes are a KafkaDecodeError.
 */
export function decodeRequest(frame: Buffer): DecodedRequest {
  const r = new KafkaReader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  // the client id is an int16-length string even in header v2
  const clientId = r.string(false);
  const header = { apiKey, apiVersion, correlationId, clientId };
  const api = apiSpec(apiKey);
  if (!api || !supportsVersion(api.request, apiVersion)) return { header, body: undefined };
  if (isFlexible(api.request, apiVersion)) skipTaggedFields(r);
  const body = decodeMessage(api.request, apiVersion, r);
  if (r.remaining !== 0)
    throw new KafkaDecodeError(`${api.name} v${apiVersion}: ${r.remaining} bytes after the request body`);
  return { header, body };
}

function skipTaggedFields(r: KafkaReader): void {
  const n = r.uvarint();
  for (let i = 0; i < n; i++) {
    r.uvarint();
    r.skip(r.uvarint());
  }
}

/** Encodes a request with its size prefix (what a client sends; the codec tests and test clients use it). */
export function encodeRequest(header: RequestHeader, body: KafkaValue): Buffer {
  const api = apiSpec(header.apiKey);
  if (!api || !supportsVersion(api.request, header.apiVersion))
    throw new Error(`cannot encode API ${header.apiKey} v${header.apiVersion}`);
  const w = new KafkaWriter();
  const done = w.sizePrefix();
  w.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId).string(header.clientId, false);
  if (isFlexible(api.request, header.apiVersion)) w.uvarint(0);
  encodeMessage(api.request, header.apiVersion, body, w);
  done();
  return Buffer.from(w.result());
}

/** Encodes a response with its size prefix, in the response version matching the request's. */
export function encodeResponse(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: KafkaValue,
): Buffer {
  const api = apiSpec(apiKey);
  if (!api || !supportsVersion(api.response, apiVersion))
    throw new Error(`cannot encode a response to API ${apiKey} v${apiVersion}`);
  // sized for the record batches it carries (a Fetch answer is mostly those): one buffer, written once, handed out
  // as is — no growth by doubling and no copy at the end, which for a megabyte of batches were four more megabytes
  // of allocation per answer
  const w = new KafkaWriter(1024 + bufferBytes(body, 0));
  const done = w.sizePrefix();
  w.int32(correlationId);
  if (responseHeaderIsFlexible(apiKey, apiVersion)) w.uvarint(0);
  encodeMessage(api.response, apiVersion, body, w);
  done();
  return w.result();
}

/** the bytes of the Buffers in a message value (records and bytes fields). */
function bufferBytes(value: unknown, depth: number): number {
  if (Buffer.isBuffer(value)) return value.length;
  if (value === null || typeof value !== 'object' || depth > 10) return 0;
  let n = 0;
  if (Array.isArray(value)) for (const item of value) n += bufferBytes(item, depth + 1);
  else for (const key in value) n += bufferBytes((value as Record<string, unknown>)[key], depth + 1);
  return n;
}

/** Decodes a response frame (without its size prefix) of a request of `apiKey` v`apiVersion` (clients and tests). */
export function decodeResponse(
  apiKey: number,
  apiVersion: number,
  frame: Buffer,
): { correlationId: number; body: KafkaValue } {
  const api = apiSpec(apiKey);
  if (!api) throw new KafkaDecodeError(`unknown API ${apiKey}`);
  const r = new KafkaReader(frame);
  const correlationId = r.int32();
  if (responseHeaderIsFlexible(apiKey, apiVersion)) skipTaggedFields(r);
  const body = decodeMessage(api.response, apiVersion, r);
  return { correlationId, body };
}

/**
 * Splits a byte stream into frames. `maxFrameBytes` bounds what one frame may claim: a larger size is refused before
 * anything is buffered for it (the caller answers or closes), so a lying size cannot make the process allocate it.
 */
export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Adds bytes; returns the complete frames (without size prefixes). Throws KafkaDecodeError on a bad size. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : this.flatten();
      const size = head.readInt32BE(0);
      if (size < 0 || size > this.maxFrameBytes) {
        throw new KafkaDecodeError(
          size < 0
            ? `negative frame size ${size}`
            : `frame of ${size} bytes is larger than the limit of ${this.maxFrameBytes}`,
        );
      }
      if (this.buffered < 4 + size) break;
      const all = this.flatten();
      frames.push(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
    return frames;
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0]!;
  }
}
