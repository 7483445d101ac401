// Cheap looks into an encoded record (the record-codec.ts layout of @robustmq/protocol/journal) without verifying its
// CRC: the server needs offsets, timestamps and payload sizes to index and page, while CRC verification happens where records are accepted (append,
// replicate, recovery) and again in the client that reads them.
import { crc32Range, readU64 } from '@robustmq/protocol/journal';

export const RECORD_OFFSET_AT = 5;
export const RECORD_TIMESTAMP_AT = 13;

export function recordOffset(record: Buffer): number {
  return readU64(record, RECORD_OFFSET_AT);
}

export function recordTimestamp(record: Buffer): number {
  return readU64(record, RECORD_TIMESTAMP_AT);
}

/** the payload length, found by walking the variable-length fields; -1 if the record is too short to say. */
export function payloadLength(record: Buffer): number {
  return payloadLengthAt(record, 0);
}

/** payloadLength of the record starting at `start` inside a larger buffer. */
export function payloadLengthAt(record: Buffer, start: number): number {
  try {
    // the common record has no key, tags or headers: its payload length sits right after the two counts
    if (
      (record[start + 21]! & 1) === 0 &&
      record.readUInt16BE(start + 22) === 0 &&
      record.readUInt16BE(start + 24) === 0
    ) {
      return record.readUInt32BE(start + 26);
    }
    let pos = start + 22;
    if (record[start + 21]! & 1) pos += 4 + record.readUInt32BE(pos);
    const tags = record.readUInt16BE(pos);
    pos += 2;
    for (let i = 0; i < tags; i++) pos += 2 + record.readUInt16BE(pos);
    const headers = record.readUInt16BE(pos);
    pos += 2;
    for (let i = 0; i < headers; i++) {
      pos += 2 + record.readUInt16BE(pos);
      pos += 4 + record.readUInt32BE(pos);
    }
    return record.readUInt32BE(pos);
  } catch {
    return -1;
  }
}

/** the key and tags of a record (for the key and tag indexes); tags repeated within the record are counted once. */
export function recordKeyAndTags(record: Buffer, start = 0): { key: string | undefined; tags: string[] } {
  let pos = start + 22;
  let key: string | undefined;
  if (record[start + 21]! & 1) {
    const len = record.readUInt32BE(pos);
    key = record.toString('utf8', pos + 4, pos + 4 + len);
    pos += 4 + len;
  }
  const count = record.readUInt16BE(pos);
  pos += 2;
  const tags = new Set<string>();
  for (let i = 0; i < count; i++) {
    const len = record.readUInt16BE(pos);
    tags.add(record.toString('utf8', pos + 2, pos + 2 + len));
    pos += 2 + len;
  }
  return { key, tags: [...tags] };
}

/**
 * checks an encoded record from the network without building objects: known version, every length inside the
 * buffer, nothing trailing, and the CRC. Returns a reason when it is not acceptable.
 */
export function checkRecord(record: Buffer): string | undefined {
  return checkRecordAt(record, 0, record.length);
}

/** checkRecord for the record at record[start, end) inside a larger buffer (a framed batch). */
export function checkRecordAt(record: Buffer, start: number, end: number): string | undefined {
  if (end - start < 30) return `record of ${end - start} bytes is shorter than the 30-byte minimum`;
  if (record[start] !== 1) return `unknown record format version ${record[start]}`;
  // the common record (no key, tags or headers) is checked with plain byte reads: this runs for every record
  // arriving at a leader or follower
  if (
    (record[start + 21]! |
      record[start + 22]! |
      record[start + 23]! |
      record[start + 24]! |
      record[start + 25]!) ===
    0
  ) {
    const payload =
      record[start + 26]! * 0x1000000 +
      ((record[start + 27]! << 16) | (record[start + 28]! << 8) | record[start + 29]!);
    if (start + 30 + payload !== end)
      return start + 30 + payload > end
        ? 'payload past the end'
        : `${end - start - 30 - payload} trailing bytes`;
    const stored =
      record[start + 1]! * 0x1000000 +
      ((record[start + 2]! << 16) | (record[start + 3]! << 8) | record[start + 4]!);
    return crc32Range(record, start + 5, end) === stored ? undefined : 'CRC mismatch';
  }
  let pos = start + 22;
  const need = (n: number) => pos + n <= end;
  if (record[start + 21]! & 1) {
    if (!need(4)) return 'key length past the end';
    pos += 4 + record.readUInt32BE(pos);
  }
  if (!need(2)) return 'tag count past the end';
  const tags = record.readUInt16BE(pos);
  pos += 2;
  for (let i = 0; i < tags; i++) {
    if (!need(2)) return 'tag length past the end';
    pos += 2 + record.readUInt16BE(pos);
  }
  if (!need(2)) return 'header count past the end';
  const headers = record.readUInt16BE(pos);
  pos += 2;
  for (let i = 0; i < headers; i++) {
    if (!need(2)) return 'header name past the end';
    pos += 2 + record.readUInt16BE(pos);
    if (!need(4)) return 'header value past the end';
    pos += 4 + record.readUInt32BE(pos);
  }
  if (!need(4)) return 'payload length past the end';
  pos += 4 + record.readUInt32BE(pos);
  if (pos !== end) return pos > end ? 'payload past the end' : `${end - pos} trailing bytes`;
  if (crc32Range(record, start + 5, end) !== record.readUInt32BE(start + 1)) return 'CRC mismatch';
  return undefined;
}
