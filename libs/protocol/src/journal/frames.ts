// The journal data-port wire protocol (port 1778), shared by the journal server and its clients (the journal
// StorageAdapter, and journal servers replicating to each other). It is a wire format, so it lives in
// @robustmq/protocol beside the gRPC definitions: the server and the adapter both import it, neither imports the other.
//
// A connection carries pipelined frames in both directions; answers may come back in any order and are matched by id.
//
//   frame  := u32 length (bytes after this field, 5..maxFrameBytes) | u8 type | u32 requestId | body
//   body   := u32 headerLength | header (UTF-8 JSON object) | data (the rest of the frame)
//   data   := record batch for Append/Replicate requests and Read/ReadByKey/ReadByTag/ReplicaFetch answers, else empty
//   batch  := repeated { u32 recordLength | record (record-codec.ts: version, CRC-32, offset, fields) }
//
// An answer has type (request type | 0x80) and the request's id; a failure has type 0xFF with header {code, message}.
// A server with a cluster auth token answers every request with UNAUTHENTICATED until the connection has sent an
// Auth frame carrying that token (clients with a token send it first on every connection).
// A frame whose length is out of range cannot be skipped safely, so it is answered with FRAME_TOO_LARGE / BAD_FRAME
// (id 0) and the connection is closed; any other bad frame (unknown type, bad header, bad records) gets an error
// answer and the connection stays usable.
export const JOURNAL_MESSAGE = {
  /** client → segment leader: {namespace, shard, segment, epoch, maxSegmentRecords?, writer?} + records →
   * {baseOffset, count, idempotent?, duplicate?}; `writer` names the client for Read's skipWriter. A request whose
   * first record carries a producer stamp (producer-stamp.ts) is checked against the producer's earlier requests: a
   * repeat is answered with the first one's offsets (duplicate: true) instead of being written again, also by a
   * sealed segment; servers that check stamps say idempotent: true. */
  Append: 0x01,
  /** {namespace, shard, segment, offset, maxRecords, maxBytes, waitMs, skipWriter?} → {highWatermark, sealed,
   * endOffset, from?} + records; with skipWriter the leader skips committed appends of that writer at the read
   * position (and they do not end a long poll): the records start at `from` */
  Read: 0x02,
  /** {namespace, shard, segment, key, fromOffset, maxRecords} → {} + records */
  ReadByKey: 0x03,
  /** {namespace, shard, segment, tag, fromOffset, maxRecords} → {} + records */
  ReadByTag: 0x04,
  /** {namespace, shard, segment, timestamp} → {offset: number | null} */
  OffsetForTimestamp: 0x05,
  /** leader → follower: {namespace, shard, segment, epoch, baseOffset, highWatermark, sealedEnd?} + records → {endOffset} */
  Replicate: 0x06,
  /** new leader → replica: {namespace, shard, segment, epoch} → {endOffset, lastEpoch}; the replica then refuses older epochs */
  Fence: 0x07,
  /** leader → replica: {namespace, shard, segment, epoch, offset} → {endOffset}: drops records at and after offset */
  Truncate: 0x08,
  /** {namespace, shard, segment} → the replica's view of the segment (role, epoch, offsets) */
  SegmentState: 0x09,
  /** {namespace, shard, segment} → {}: drops the local copy of a segment removed by retention or shard deletion */
  DeleteSegment: 0x0a,
  /** replica → replica: {namespace, shard, segment, offset, maxBytes} → {endOffset} + records, ignoring the high watermark */
  ReplicaFetch: 0x0b,
  /** follower → leader (KIP-101): {namespace, shard, segment, epoch} → {endOffset}: where the leader's log for that epoch ends */
  EpochEndOffset: 0x0c,
  /** client → server, first on a connection: {token} → {}; a wrong token → UNAUTHENTICATED (and the connection stays
   * unauthenticated). Accepted by a server without a token. */
  Auth: 0x0d,
} as const;

export type JournalMessageName = keyof typeof JOURNAL_MESSAGE;
export const REPLY_FLAG = 0x80;
export const ERROR_TYPE = 0xff;
export const FRAME_HEADER_BYTES = 9; // u32 length + u8 type + u32 id
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

const NAMES = new Map<number, JournalMessageName>(
  Object.entries(JOURNAL_MESSAGE).map(([name, type]) => [type, name as JournalMessageName]),
);

export function messageName(type: number): JournalMessageName | undefined {
  return NAMES.get(type);
}

/** error codes carried by ERROR_TYPE answers. */
export type JournalErrorCode =
  | 'BAD_FRAME'
  | 'FRAME_TOO_LARGE'
  | 'UNKNOWN_TYPE'
  | 'BAD_REQUEST'
  | 'SHARD_NOT_FOUND'
  | 'SEGMENT_NOT_FOUND'
  | 'NOT_LEADER'
  | 'FENCED'
  | 'SEGMENT_SEALED'
  | 'OUT_OF_ORDER'
  /** an idempotent Append whose producer sequence is below the producer's floor: answered already, never written again. */
  | 'OUT_OF_ORDER_SEQUENCE'
  | 'OFFSET_OUT_OF_RANGE'
  /** an Append with expectedOffset found the segment ending elsewhere (details.endOffset). */
  | 'OFFSET_MISMATCH'
  | 'CORRUPT_RECORD'
  | 'WRITE_FAILED'
  | 'NOT_ENOUGH_REPLICAS'
  | 'UNAVAILABLE'
  | 'CLOSED'
  | 'UNAUTHENTICATED'
  | 'INTERNAL';

/** a failure answered by a journal server (or a transport failure, as UNAVAILABLE). */
export class JournalError extends Error {
  constructor(
    readonly code: JournalErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'JournalError';
  }
}

export function isJournalError(err: unknown, code?: JournalErrorCode): err is JournalError {
  return err instanceof JournalError && (code === undefined || err.code === code);
}

export type Header = Record<string, unknown>;

export interface Frame {
  type: number;
  id: number;
  header: Header;
  data: Buffer;
}

/** encodes one frame; `data` may be a list of buffers (a record batch) so callers need not concatenate first. */
export function encodeFrame(
  type: number,
  id: number,
  header: Header,
  data: Buffer | Buffer[] = [],
): Buffer[] {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const parts = Buffer.isBuffer(data) ? [data] : data;
  let dataBytes = 0;
  for (const p of parts) dataBytes += p.length;
  const head = Buffer.allocUnsafe(FRAME_HEADER_BYTES + 4);
  head.writeUInt32BE(5 + 4 + json.length + dataBytes, 0);
  head.writeUInt8(type, 4);
  head.writeUInt32BE(id >>> 0, 5);
  head.writeUInt32BE(json.length, 9);
  return [head, json, ...parts];
}

export function errorFrame(
  id: number,
  code: JournalErrorCode,
  message: string,
  details: Header = {},
): Buffer[] {
  return encodeFrame(ERROR_TYPE, id, { ...details, code, message });
}

/**
 * splits a byte stream into frames without trusting it: every length is checked before it is used. A length outside
 * [5, maxFrameBytes] is fatal for the stream (`onFatal`), because nothing after it can be found again.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly onFrame: (type: number, id: number, body: Buffer) => void,
    private readonly onFatal: (code: JournalErrorCode, message: string) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.failed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const head = this.peek(4);
      const length = head.readUInt32BE(0);
      if (length < 5) {
        this.fail('BAD_FRAME', `frame length ${length} is shorter than the 5 bytes of type and request id`);
        return;
      }
      if (length > this.maxFrameBytes) {
        this.fail(
          'FRAME_TOO_LARGE',
          `frame length ${length} exceeds the maximum of ${this.maxFrameBytes} bytes`,
        );
        return;
      }
      if (this.buffered < 4 + length) return;
      const frame = this.take(4 + length);
      this.onFrame(frame.readUInt8(4), frame.readUInt32BE(5), frame.subarray(FRAME_HEADER_BYTES));
      if (this.failed) return;
    }
  }

  private fail(code: JournalErrorCode, message: string): void {
    this.failed = true;
    this.chunks = [];
    this.buffered = 0;
    this.onFatal(code, message);
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(n: number): Buffer {
    let out: Buffer;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}

/** splits a frame body into its JSON header and data; throws BAD_REQUEST on anything malformed. */
export function parseBody(body: Buffer): { header: Header; data: Buffer } {
  if (body.length < 4)
    throw new JournalError('BAD_REQUEST', `frame body of ${body.length} bytes has no header length`);
  const headerLength = body.readUInt32BE(0);
  if (headerLength > body.length - 4) {
    throw new JournalError(
      'BAD_REQUEST',
      `header length ${headerLength} runs past the end of the ${body.length}-byte body`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(body.toString('utf8', 4, 4 + headerLength));
  } catch (err) {
    throw new JournalError('BAD_REQUEST', `frame header is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new JournalError('BAD_REQUEST', 'frame header must be a JSON object');
  }
  return { header: header as Header, data: body.subarray(4 + headerLength) };
}

/** frames encoded records for a batch: each gets a u32 length prefix. */
export function batchParts(records: Buffer[]): Buffer[] {
  const parts: Buffer[] = [];
  for (const r of records) {
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32BE(r.length, 0);
    parts.push(len, r);
  }
  return parts;
}

/** splits a record batch into the encoded records (views into `data`); BAD_REQUEST when a length does not fit. */
export function splitBatch(data: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (pos + 4 > data.length)
      throw new JournalError('BAD_REQUEST', `record batch has ${data.length - pos} stray bytes at ${pos}`);
    const len = data.readUInt32BE(pos);
    if (pos + 4 + len > data.length) {
      throw new JournalError(
        'BAD_REQUEST',
        `record length ${len} at byte ${pos} runs past the end of the batch`,
      );
    }
    records.push(data.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  return records;
}

// ---- typed header accessors: a bad field is BAD_REQUEST naming it, never a crash ----

export function str(header: Header, field: string): string {
  const v = header[field];
  if (typeof v !== 'string' || v.length === 0)
    throw new JournalError('BAD_REQUEST', `${field} must be a non-empty string`);
  return v;
}

export function uint(header: Header, field: string, fallback?: number): number {
  const v = header[field] ?? fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new JournalError(
      'BAD_REQUEST',
      `${field} must be a non-negative integer, got ${JSON.stringify(header[field])}`,
    );
  }
  return v;
}
