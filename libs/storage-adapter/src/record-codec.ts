// The binary form of a stored record, shared by every adapter that stores bytes: one version byte, a CRC-32 over all
// that follows, then offset, timestamp, key, tags, headers and payload. Decoding checks the CRC first and every
// length before using it, so a damaged value is reported as CORRUPT_RECORD instead of being misread.
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
import { crc32 } from './crc32.js';
import { StorageError } from './storage-error.js';
import type { StoredRecord } from './storage-adapter.js';

export const RECORD_FORMAT_VERSION = 1;
const CRC_START = 5;

/** a validated record without the fields storage assigns. */
export type RecordFields = Omit<StoredRecord, 'offset' | 'crc'>;

export function encodeRecord(offset: number, record: RecordFields): Buffer {
  const key = record.key === undefined ? undefined : Buffer.from(record.key, 'utf8');
  const tags = record.tags.map((t) => Buffer.from(t, 'utf8'));
  const headers = record.headers.map(
    (h) => [Buffer.from(h.name, 'utf8'), Buffer.from(h.value, 'utf8')] as const,
  );
  let size = 22 + (key ? 4 + key.length : 0) + 2 + 2 + 4 + record.payload.length;
  for (const t of tags) size += 2 + t.length;
  for (const [n, v] of headers) size += 2 + n.length + 4 + v.length;

  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt8(RECORD_FORMAT_VERSION, 0);
  buf.writeBigUInt64BE(BigInt(offset), 5);
  buf.writeBigUInt64BE(BigInt(record.timestamp), 13);
  buf.writeUInt8(key ? 1 : 0, 21);
  let pos = 22;
  if (key) {
    buf.writeUInt32BE(key.length, pos);
    pos += 4 + key.copy(buf, pos + 4);
  }
  buf.writeUInt16BE(tags.length, pos);
  pos += 2;
  for (const t of tags) {
    buf.writeUInt16BE(t.length, pos);
    pos += 2 + t.copy(buf, pos + 2);
  }
  buf.writeUInt16BE(headers.length, pos);
  pos += 2;
  for (const [n, v] of headers) {
    buf.writeUInt16BE(n.length, pos);
    pos += 2 + n.copy(buf, pos + 2);
    buf.writeUInt32BE(v.length, pos);
    pos += 4 + v.copy(buf, pos + 4);
  }
  buf.writeUInt32BE(record.payload.length, pos);
  pos += 4 + record.payload.copy(buf, pos + 4);
  if (pos !== size) throw new Error(`record encoder size mismatch: wrote ${pos} of ${size} bytes`);
  assignOffset(buf, offset);
  return buf;
}

/**
 * rewrites the offset of an encoded record and its CRC. Lets an adapter encode a record when append() is called
 * (capturing the caller's payload as it was then) and assign the offset later, when its batch is written.
 */
export function assignOffset(buf: Buffer, offset: number): void {
  buf.writeBigUInt64BE(BigInt(offset), 5);
  buf.writeUInt32BE(crc32(buf.subarray(CRC_START)), 1);
}

/**
 * decodes and verifies a stored record. `where` names the record in error messages (e.g. "shard s offset 7").
 * The returned payload is a view into `buf`; callers that keep `buf` themselves must pass a copy.
 */
export function decodeRecord(buf: Buffer, where: string): StoredRecord {
  const corrupt = (why: string) =>
    new StorageError(
      'CORRUPT_RECORD',
      `stored record at ${where} is corrupt (${why}); the data on disk is damaged — restore the shard from a replica or backup`,
    );
  if (buf.length < 22 + 8) throw corrupt(`only ${buf.length} bytes`);
  if (buf[0] !== RECORD_FORMAT_VERSION) throw corrupt(`unknown format version ${buf[0]}`);
  const stored = buf.readUInt32BE(1);
  const actual = crc32(buf.subarray(CRC_START));
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
  const offset = Number(buf.readBigUInt64BE(5));
  const timestamp = Number(buf.readBigUInt64BE(13));
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
  const record: StoredRecord = { offset, tags, timestamp, headers, payload, crc: stored };
  if (key !== undefined) record.key = key;
  return record;
}
