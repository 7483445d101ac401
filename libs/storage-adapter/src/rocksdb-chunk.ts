// How the rocksdb adapter stores records: the records of one append() call go under ONE RocksDB key (the key of
// the first record's offset) as a chunk, so an append of n records is one put, not n — the per-key cost of a RocksDB
// batch (building the op, the binding converting it, the memtable insert) was most of the append path. Chunks are
// cut at CHUNK_MAX_RECORDS / CHUNK_MAX_BYTES so reading one record never decodes a huge value.
//
//   u8 CHUNK_FORMAT, then per record: [u32 length][record (@robustmq/protocol/journal record-codec: CRC, offset, fields)]
//
// Offsets inside a chunk are consecutive from the key's offset, and each record keeps its own CRC and offset, so a
// damaged chunk is reported per record. A value that starts with the record format version instead is a single
// record under its own offset (the layout before chunks): both are read.
import {
  RECORD_FORMAT_VERSION,
  restampOffsetAt,
  encodeRecordBatch,
  readU64,
  type RecordFields,
} from '@robustmq/protocol/journal';
import type { StoredRecord } from './storage-adapter.js';
import { decodeStoredRecord } from './stored-record.js';
import { StorageError } from './storage-error.js';

export const CHUNK_FORMAT = 0x80;
export const CHUNK_MAX_RECORDS = 1024;
export const CHUNK_MAX_BYTES = 1024 * 1024;

export interface EncodedChunk {
  /** the stored value, offsets still 0: assignChunkOffsets sets them when the batch writer knows them. */
  value: Buffer;
  /** records in it; fields[i] of the append belong to the chunks in order. */
  count: number;
}

/** Encodes an append's records into chunks (capturing their payloads now). */
export function encodeChunks(fields: RecordFields[]): EncodedChunk[] {
  const n = fields.length;
  const { data, starts } = encodeRecordBatch(fields, 1);
  if (n === 1 || (n <= CHUNK_MAX_RECORDS && starts[n]! - starts[0]! <= CHUNK_MAX_BYTES)) {
    // one chunk (the usual case): the encoded batch with its format byte in front is the value, no copy
    data[0] = CHUNK_FORMAT;
    return [{ value: data, count: n }];
  }
  const chunks: EncodedChunk[] = [];
  for (let a = 0; a < fields.length;) {
    let b = a + 1;
    while (b < fields.length && b - a < CHUNK_MAX_RECORDS && starts[b + 1]! - starts[a]! <= CHUNK_MAX_BYTES)
      b++;
    const value = Buffer.allocUnsafe(1 + starts[b]! - starts[a]!);
    value[0] = CHUNK_FORMAT;
    data.copy(value, 1, starts[a]!, starts[b]!);
    chunks.push({ value, count: b - a });
    a = b;
  }
  return chunks;
}

/** Gives the chunk's records the offsets first, first + 1, … (and their CRCs: encodeChunks made them correct for
 * offset 0, so each is patched for the new offset instead of computed again). */
export function assignChunkOffsets(value: Buffer, first: number): void {
  let pos = 1;
  let offset = first;
  while (pos < value.length) {
    const end = pos + 4 + value.readUInt32BE(pos);
    restampOffsetAt(value, pos + 4, end, offset++);
    pos = end;
  }
}

function corrupt(where: string, why: string): StorageError {
  return new StorageError(
    'CORRUPT_RECORD',
    `stored record at ${where} is corrupt (${why}); the data on disk is damaged — restore the shard from a replica or backup`,
  );
}

/**
 * The records of a stored value (chunk or single record) with offsets in [from, to), decoded and checked, in
 * order. `keyOffset` is the offset in its key; `where(offset)` names a record in error messages.
 */
export function recordsInValue(
  value: Buffer,
  keyOffset: number,
  from: number,
  to: number,
  where: (offset: number) => string,
): StoredRecord[] {
  if (value[0] !== CHUNK_FORMAT) {
    if (keyOffset < from || keyOffset >= to) return [];
    return [checked(decodeStoredRecord(value, where(keyOffset)), keyOffset, where)];
  }
  const out: StoredRecord[] = [];
  let pos = 1;
  let offset = keyOffset;
  while (pos < value.length && offset < to) {
    if (pos + 4 > value.length) throw corrupt(where(offset), `chunk length field cut off at byte ${pos}`);
    const end = pos + 4 + value.readUInt32BE(pos);
    if (end > value.length)
      throw corrupt(where(offset), `chunk length field points past the end at byte ${pos}`);
    if (offset >= from)
      out.push(checked(decodeStoredRecord(value.subarray(pos + 4, end), where(offset)), offset, where));
    pos = end;
    offset++;
  }
  return out;
}

/** The last offset a stored value holds (for recovery: the shard's next offset follows it). */
export function lastOffsetInValue(
  value: Buffer,
  keyOffset: number,
  where: (offset: number) => string,
): number {
  if (value[0] !== CHUNK_FORMAT) return keyOffset;
  let pos = 1;
  let offset = keyOffset - 1;
  while (pos < value.length) {
    if (pos + 4 > value.length) throw corrupt(where(offset + 1), `chunk length field cut off at byte ${pos}`);
    const end = pos + 4 + value.readUInt32BE(pos);
    if (end > value.length || end - pos - 4 < 22)
      throw corrupt(where(offset + 1), `chunk length field is invalid at byte ${pos}`);
    offset++;
    // cheap consistency check without decoding: the record says which offset it is
    if (value[pos + 4] === RECORD_FORMAT_VERSION && readU64(value, pos + 4 + 5) !== offset) {
      throw corrupt(where(offset), `record says it is offset ${readU64(value, pos + 4 + 5)}`);
    }
    pos = end;
  }
  return offset;
}

function checked(record: StoredRecord, offset: number, where: (offset: number) => string): StoredRecord {
  if (record.offset !== offset) {
    throw new StorageError(
      'CORRUPT_RECORD',
      `record stored at ${where(offset)} says it is offset ${record.offset}; the database is damaged`,
    );
  }
  return record;
}
