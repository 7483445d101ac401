// The binary form of a stored record, shared by every adapter that stores bytes: one version byte, a CRC-32 over all
// that follows, then offset, timestamp, key, tags, headers and payload. Decoding checks the CRC first and every
// length before using it, so a damaged value is reported as CORRUPT_RECORD (a JournalError; each storage adapter
// reports it as its own StorageError) instead of being misread.
//
//   0   u8   version (1)
//   1   u32  crc32 of bytes [5, end)
//   5   u64  offset
//   13  u64  timestamp (ms)
//   21  u8   flags (bit 0: has key)
//   22  [u32 len, utf8 key]                 if flags & 1
//       u16 tag count,    each [u16 len, utf8]
//       u16 header count, each [u16 len, utf8 name][u32 len, utf8 value]
//       u32 payload length, payload bytes
import { crc32Range, crc32WithNewPrefix } from './crc32.js';
import { JournalError } from './frames.js';

export const RECORD_FORMAT_VERSION = 1;
const CRC_START = 5;

export interface RecordHeader {
  name: string;
  value: string;
}

/** a record as decoded: its fields, the offset stamped into it and the CRC it carries (already verified). */
export interface DecodedRecord {
  offset: number;
  key?: string;
  tags: string[];
  timestamp: number;
  headers: RecordHeader[];
  payload: Buffer;
  crc: number;
}

/** a validated record without the fields storage assigns. */
export type RecordFields = Omit<DecodedRecord, 'offset' | 'crc'>;

export function encodeRecord(offset: number, record: RecordFields): Buffer {
  const size = encodedSize(record);
  const buf = Buffer.allocUnsafe(size);
  const end = writeRecord(buf, 0, record);
  if (end !== size) throw new Error(`record encoder size mismatch: wrote ${end} of ${size} bytes`);
  assignOffset(buf, offset);
  return buf;
}

/** bytes of the encoded record (without a length prefix). */
function encodedSize(record: RecordFields): number {
  let size =
    22 +
    (record.key === undefined ? 0 : 4 + Buffer.byteLength(record.key, 'utf8')) +
    2 +
    2 +
    4 +
    record.payload.length;
  // indexed loops: a for-of here showed up in allocation samples as iterator objects, once per record
  const tags = record.tags;
  for (let i = 0; i < tags.length; i++) size += 2 + Buffer.byteLength(tags[i]!, 'utf8');
  const headers = record.headers;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    size += 2 + Buffer.byteLength(h.name, 'utf8') + 4 + Buffer.byteLength(h.value, 'utf8');
  }
  return size;
}

/** writes the record's fields at `at` (offset 0, CRC not set); returns the end position. */
function writeRecord(buf: Buffer, at: number, record: RecordFields): number {
  buf[at] = RECORD_FORMAT_VERSION;
  writeU64(buf, at + 5, 0);
  writeU64(buf, at + 13, record.timestamp);
  let pos = at + 22;
  if (record.key === undefined && record.tags.length === 0 && record.headers.length === 0) {
    // the common record: flags and both counts are zero
    buf[at + 21] = 0;
    buf[at + 22] = 0;
    buf[at + 23] = 0;
    buf[at + 24] = 0;
    buf[at + 25] = 0;
    pos = at + 26;
  } else pos = writeVariableFields(buf, at, record);
  writeU32(buf, pos, record.payload.length);
  pos += 4;
  buf.set(record.payload, pos);
  return pos + record.payload.length;
}

function writeVariableFields(buf: Buffer, at: number, record: RecordFields): number {
  let pos = at + 22;
  if (record.key === undefined) buf[at + 21] = 0;
  else {
    buf[at + 21] = 1;
    const n = buf.write(record.key, pos + 4, 'utf8');
    buf.writeUInt32BE(n, pos);
    pos += 4 + n;
  }
  const tags = record.tags;
  buf.writeUInt16BE(tags.length, pos);
  pos += 2;
  for (let i = 0; i < tags.length; i++) {
    const n = buf.write(tags[i]!, pos + 2, 'utf8');
    buf.writeUInt16BE(n, pos);
    pos += 2 + n;
  }
  const headers = record.headers;
  buf.writeUInt16BE(headers.length, pos);
  pos += 2;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    const n = buf.write(h.name, pos + 2, 'utf8');
    buf.writeUInt16BE(n, pos);
    pos += 2 + n;
    const v = buf.write(h.value, pos + 4, 'utf8');
    buf.writeUInt32BE(v, pos);
    pos += 4 + v;
  }
  return pos;
}

/**
 * encodes records into one buffer in the framed batch layout the journal uses on the wire and on disk
 * (repeated [u32 length][record]), each with offset 0 and its CRC set. One allocation for the whole batch;
 * `starts[i]` is where record i's length prefix begins (and `starts[n]` the end), so a tail can be re-sent.
 * `reserve`: bytes left free in front of the first record for the caller's own header (starts[0] = reserve).
 */
export function encodeRecordBatch(records: RecordFields[], reserve = 0): { data: Buffer; starts: number[] } {
  let total = reserve;
  const sizes = new Array<number>(records.length);
  for (let i = 0; i < records.length; i++) {
    sizes[i] = encodedSize(records[i]!);
    total += 4 + sizes[i]!;
  }
  const data = Buffer.allocUnsafe(total);
  const starts = new Array<number>(records.length + 1);
  let pos = reserve;
  for (let i = 0; i < records.length; i++) {
    starts[i] = pos;
    writeU32(data, pos, sizes[i]!);
    const end = writeRecord(data, pos + 4, records[i]!);
    if (end !== pos + 4 + sizes[i]!)
      throw new Error(`record encoder size mismatch: wrote ${end - pos - 4} of ${sizes[i]} bytes`);
    writeU32(data, pos + 5, crc32Range(data, pos + 4 + CRC_START, end));
    pos = end;
  }
  starts[records.length] = pos;
  return { data, starts };
}

/** a u64 as two u32 halves: exact for every safe integer, and no BigInt on the hot path. */
export function writeU64(buf: Buffer, at: number, n: number): void {
  writeU32(buf, at, n < 0x1_0000_0000 ? 0 : Math.floor(n / 0x1_0000_0000));
  writeU32(buf, at + 4, n >>> 0);
}

export function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
}

/** big-endian u32 by plain byte stores: per-record hot paths call this, where writeUInt32BE's checks show up. */
function writeU32(buf: Buffer, at: number, n: number): void {
  buf[at] = n >>> 24;
  buf[at + 1] = n >>> 16;
  buf[at + 2] = n >>> 8;
  buf[at + 3] = n;
}

/**
 * rewrites the offset of an encoded record and its CRC. Lets an adapter encode a record when append() is called
 * (capturing the caller's payload as it was then) and assign the offset later, when its batch is written.
 */
export function assignOffset(buf: Buffer, offset: number): void {
  assignOffsetAt(buf, 0, buf.length, offset);
}

/** assignOffset for a record at buf[start, end) inside a larger buffer (a framed batch), without a view. */
export function assignOffsetAt(buf: Buffer, start: number, end: number, offset: number): void {
  writeU64(buf, start + 5, offset);
  writeU32(buf, start + 1, crc32Range(buf, start + CRC_START, end));
}

/**
 * assignOffsetAt for a record whose CRC is known to be correct (it was just verified): the CRC is patched for the
 * changed offset bytes without reading the rest of the record (crc32WithNewPrefix), so it is not computed again.
 */
export function restampOffsetAt(buf: Buffer, start: number, end: number, offset: number): void {
  const oldHi = buf.readUInt32BE(start + 5);
  const oldLo = buf.readUInt32BE(start + 9);
  writeU64(buf, start + 5, offset);
  const patched = crc32WithNewPrefix(
    buf.readUInt32BE(start + 1),
    (oldHi ^ buf.readUInt32BE(start + 5)) >>> 0,
    (oldLo ^ buf.readUInt32BE(start + 9)) >>> 0,
    end - start - CRC_START - 8,
  );
  writeU32(buf, start + 1, patched ?? crc32Range(buf, start + CRC_START, end));
}

/**
 * decodes and verifies a stored record. `where` names the record in error messages (e.g. "shard s offset 7").
 * The returned payload is a view into `buf`; callers that keep `buf` themselves must pass a copy.
 */
export function decodeRecord(buf: Buffer, where: string): DecodedRecord {
  // the common record (no key, tags or headers), well formed and intact, without the general path's closures;
  // anything else, including every failure, goes through the general path, which names what is wrong
  if (
    buf.length >= 30 &&
    buf[0] === RECORD_FORMAT_VERSION &&
    (buf[21]! | buf[22]! | buf[23]! | buf[24]! | buf[25]!) === 0 &&
    30 + buf.readUInt32BE(26) === buf.length
  ) {
    const stored = buf.readUInt32BE(1);
    if (crc32Range(buf, CRC_START, buf.length) === stored) {
      return {
        offset: readU64(buf, 5),
        tags: [],
        timestamp: readU64(buf, 13),
        headers: [],
        payload: buf.subarray(30),
        crc: stored,
      };
    }
  }
  return decodeGeneral(buf, where);
}

function decodeGeneral(buf: Buffer, where: string): DecodedRecord {
  const corrupt = (why: string) =>
    new JournalError(
      'CORRUPT_RECORD',
      `stored record at ${where} is corrupt (${why}); the data on disk is damaged — restore the shard from a replica or backup`,
    );
  if (buf.length < 22 + 8) throw corrupt(`only ${buf.length} bytes`);
  if (buf[0] !== RECORD_FORMAT_VERSION) throw corrupt(`unknown format version ${buf[0]}`);
  const stored = buf.readUInt32BE(1);
  const actual = crc32Range(buf, CRC_START, buf.length);
  if (stored !== actual)
    throw corrupt(`CRC mismatch: stored ${stored.toString(16)}, computed ${actual.toString(16)}`);

  let pos = 22;
  const need = (n: number) => {
    if (pos + n > buf.length) throw corrupt(`length field points past the end at byte ${pos}`);
  };
  const str = (lenBytes: 2 | 4): string => {
    need(lenBytes);
    const len = lenBytes === 2 ? buf.readUInt16BE(pos) : buf.readUInt32BE(pos);
    pos += lenBytes;
    need(len);
    const s = buf.toString('utf8', pos, pos + len);
    pos += len;
    return s;
  };
  const offset = readU64(buf, 5);
  const timestamp = readU64(buf, 13);
  const key = buf[21]! & 1 ? str(4) : undefined;
  need(2);
  const tagCount = buf.readUInt16BE(pos);
  pos += 2;
  const tags: string[] = [];
  for (let i = 0; i < tagCount; i++) tags.push(str(2));
  need(2);
  const headerCount = buf.readUInt16BE(pos);
  pos += 2;
  const headers = [];
  for (let i = 0; i < headerCount; i++) {
    const name = str(2);
    headers.push({ name, value: str(4) });
  }
  need(4);
  const payloadLen = buf.readUInt32BE(pos);
  pos += 4;
  need(payloadLen);
  const payload = buf.subarray(pos, pos + payloadLen);
  pos += payloadLen;
  if (pos !== buf.length) throw corrupt(`${buf.length - pos} trailing bytes`);
  const record: DecodedRecord = { offset, tags, timestamp, headers, payload, crc: stored };
  if (key !== undefined) record.key = key;
  return record;
}
