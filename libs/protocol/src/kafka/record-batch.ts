// Record batches, magic v2 (https://kafka.apache.org/documentation/#recordbatch): what Produce carries and Fetch
// returns. A batch's CRC-32C (attributes to the end) is checked before anything inside it is trusted; its records are
// decompressed (bounded) and parsed with every length checked. Message sets of magic 0 and 1 are refused
// (UNSUPPORTED_FOR_MESSAGE_FORMAT is the caller's answer): every client that speaks Produce v3+ writes v2 batches.
import { Compression, compress, decompress } from './compression.js';
import { crc32c } from './crc32c.js';
import { KafkaDecodeError, KafkaReader, KafkaWriter } from './wire.js';

export interface KafkaRecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  /** absolute offset (base offset + offset delta). */
  offset: number;
  /** absolute timestamp (base timestamp + delta). */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaRecordHeader[];
}

/** The header fields of a v2 batch: what a full decode (RecordBatch) and a header read (batch-bytes.ts) both give. */
export interface BatchFields {
  baseOffset: number;
  attributes: number;
  /** attributes & 7: the Compression id. */
  compression: number;
  /** attributes bit 3: 0 create time, 1 log append time. */
  timestampType: number;
  transactional: boolean;
  control: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

export interface RecordBatch extends BatchFields {
  partitionLeaderEpoch: number;
  magic: number;
  records: KafkaRecord[];
}

/** Thrown for a batch that fails its CRC (Kafka's CORRUPT_MESSAGE). */
export class CorruptRecordError extends KafkaDecodeError {}
/** Thrown for a message set of magic 0/1 (UNSUPPORTED_FOR_MESSAGE_FORMAT). */
export class UnsupportedMagicError extends KafkaDecodeError {}

const BATCH_OVERHEAD = 61; // header bytes up to and including the records count
const ATTR_TIMESTAMP_TYPE = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;

export interface DecodeBatchOptions {
  /** largest size the records of one batch may expand to when decompressed. */
  maxUncompressedBytes?: number;
  /** false skips parsing the records (the header and CRC are still checked). */
  records?: boolean;
}

function decodeRecords(
  r: KafkaReader,
  count: number,
  baseOffset: number,
  baseTimestamp: number,
): KafkaRecord[] {
  if (count < 0 || count > r.remaining)
    throw new KafkaDecodeError(`batch claims ${count} records in ${r.remaining} bytes`);
  const records: KafkaRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const length = r.varint();
    if (length < 0 || length > r.remaining)
      throw new KafkaDecodeError(`record of ${length} bytes in ${r.remaining}`);
    const end = r.offset + length;
    const rr = new KafkaReader(r.buf, r.offset, end);
    rr.int8(); // record attributes: unused
    const timestampDelta = rr.varlong();
    const offsetDelta = rr.varint();
    const keyLength = rr.varint();
    const key = keyLength < 0 ? null : rr.bytesOf(keyLength, 'record key');
    const valueLength = rr.varint();
    const value = valueLength < 0 ? null : rr.bytesOf(valueLength, 'record value');
    const headerCount = rr.varint();
    if (headerCount < 0 || headerCount > rr.remaining)
      throw new KafkaDecodeError(`record claims ${headerCount} headers`);
    const headers: KafkaRecordHeader[] = new Array(headerCount);
    for (let h = 0; h < headerCount; h++) {
      const hk = rr.varint();
      if (hk < 0) throw new KafkaDecodeError('record header with a null key');
      const headerKey = rr.bytesOf(hk, 'header key').toString('utf8');
      const hv = rr.varint();
      headers[h] = { key: headerKey, value: hv < 0 ? null : rr.bytesOf(hv, 'header value') };
    }
    if (rr.remaining !== 0) throw new KafkaDecodeError(`record has ${rr.remaining} bytes after its headers`);
    r.offset = end;
    records[i] = {
      offset: baseOffset + offsetDelta,
      timestamp: baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    };
  }
  return records;
}

/** Decodes one batch at r's position (r moves past it). */
export function decodeBatch(r: KafkaReader, options: DecodeBatchOptions = {}): RecordBatch {
  const baseOffset = r.int64();
  const batchLength = r.int32();
  if (batchLength < BATCH_OVERHEAD - 12 || batchLength > r.remaining) {
    throw new KafkaDecodeError(`record batch length ${batchLength} with ${r.remaining} bytes left`);
  }
  const end = r.offset + batchLength;
  const partitionLeaderEpoch = r.int32();
  const magic = r.int8();
  if (magic !== 2)
    throw new UnsupportedMagicError(`message format magic ${magic}: only record batches v2 are supported`);
  const crc = r.uint32();
  const actual = crc32c(r.buf, r.offset, end);
  if (crc !== actual)
    throw new CorruptRecordError(
      `record batch CRC-32C mismatch at base offset ${baseOffset}: stored ${crc}, computed ${actual}`,
    );
  const attributes = r.int16();
  const lastOffsetDelta = r.int32();
  const baseTimestamp = r.int64();
  const maxTimestamp = r.int64();
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const baseSequence = r.int32();
  const count = r.int32();
  const compression = attributes & 7;
  let records: KafkaRecord[] = [];
  if (options.records !== false) {
    const body = r.buf.subarray(r.offset, end);
    const plain =
      compression === Compression.none
        ? body
        : decompress(compression, body, options.maxUncompressedBytes ?? 64 * 1024 * 1024);
    const rr = new KafkaReader(plain);
    records = decodeRecords(rr, count, baseOffset, baseTimestamp);
    if (rr.remaining !== 0)
      throw new KafkaDecodeError(`record batch has ${rr.remaining} bytes after its ${count} records`);
  }
  r.offset = end;
  return {
    baseOffset,
    partitionLeaderEpoch,
    magic,
    attributes,
    compression,
    timestampType: attributes & ATTR_TIMESTAMP_TYPE ? 1 : 0,
    transactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    control: (attributes & ATTR_CONTROL) !== 0,
    lastOffsetDelta,
    baseTimestamp,
    maxTimestamp,
    producerId,
    producerEpoch,
    baseSequence,
    records,
  };
}

/** Decodes every batch of a Produce request's or Fetch response's records field. A trailing partial batch (which a
 * Fetch response may end with when cut at its size limit) is ignored when `allowPartial` is set. */
export function decodeBatches(
  data: Buffer,
  options: DecodeBatchOptions & { allowPartial?: boolean } = {},
): RecordBatch[] {
  const r = new KafkaReader(data);
  const batches: RecordBatch[] = [];
  while (r.remaining > 0) {
    if (options.allowPartial && (r.remaining < 12 || data.readInt32BE(r.offset + 8) > r.remaining - 12))
      break;
    batches.push(decodeBatch(r, options));
  }
  return batches;
}

export interface EncodeBatchInput {
  baseOffset: number;
  records: {
    timestamp: number;
    key: Buffer | null;
    value: Buffer | null;
    headers?: KafkaRecordHeader[];
    offsetDelta?: number;
  }[];
  compression?: number;
  partitionLeaderEpoch?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  timestampType?: number;
}

function encodeRecord(
  w: KafkaWriter,
  rec: EncodeBatchInput['records'][number],
  offsetDelta: number,
  baseTimestamp: number,
): void {
  const body = new KafkaWriter(64 + (rec.value?.length ?? 0) + (rec.key?.length ?? 0));
  body
    .int8(0)
    .varlong(rec.timestamp - baseTimestamp)
    .varint(offsetDelta);
  if (rec.key === null) body.varint(-1);
  else body.varint(rec.key.length).raw(rec.key);
  if (rec.value === null) body.varint(-1);
  else body.varint(rec.value.length).raw(rec.value);
  const headers = rec.headers ?? [];
  body.varint(headers.length);
  for (const h of headers) {
    const k = Buffer.from(h.key, 'utf8');
    body.varint(k.length).raw(k);
    if (h.value === null) body.varint(-1);
    else body.varint(h.value.length).raw(h.value);
  }
  const bytes = body.result();
  w.varint(bytes.length).raw(bytes);
}

/** Encodes one v2 batch with its CRC-32C. */
export function encodeBatch(input: EncodeBatchInput): Buffer {
  const n = input.records.length;
  if (n === 0) throw new RangeError('a record batch needs at least one record');
  let baseTimestamp = input.records[0]!.timestamp;
  let maxTimestamp = baseTimestamp;
  for (const rec of input.records) {
    if (rec.timestamp < baseTimestamp) baseTimestamp = rec.timestamp;
    if (rec.timestamp > maxTimestamp) maxTimestamp = rec.timestamp;
  }
  const recs = new KafkaWriter(256);
  input.records.forEach((rec, i) => encodeRecord(recs, rec, rec.offsetDelta ?? i, baseTimestamp));
  const compression = input.compression ?? Compression.none;
  const payload = compress(compression, recs.result());
  const lastOffsetDelta = input.records[n - 1]!.offsetDelta ?? n - 1;
  const attributes =
    compression |
    (input.timestampType ? ATTR_TIMESTAMP_TYPE : 0) |
    (input.transactional ? ATTR_TRANSACTIONAL : 0);
  const w = new KafkaWriter(BATCH_OVERHEAD + payload.length);
  w.int64(input.baseOffset);
  w.int32(BATCH_OVERHEAD - 12 + payload.length);
  w.int32(input.partitionLeaderEpoch ?? -1);
  w.int8(2);
  const crcAt = w.offset;
  w.uint32(0);
  w.int16(attributes)
    .int32(lastOffsetDelta)
    .int64(baseTimestamp)
    .int64(maxTimestamp)
    .int64(input.producerId ?? -1)
    .int16(input.producerEpoch ?? -1)
    .int32(input.baseSequence ?? -1)
    .int32(n)
    .raw(payload);
  const out = Buffer.from(w.result());
  out.writeUInt32BE(crc32c(out, crcAt + 4), crcAt);
  return out;
}

/** One record alone (offset and timestamp deltas 0): how a record that a storage record cannot hold field by field
 * (a binary key, a null value or header value) is kept whole. */
export function encodeRecordBody(rec: {
  key: Buffer | null;
  value: Buffer | null;
  headers?: KafkaRecordHeader[];
}): Buffer {
  const w = new KafkaWriter(32 + (rec.value?.length ?? 0) + (rec.key?.length ?? 0));
  encodeRecord(w, { timestamp: 0, ...rec }, 0, 0);
  return Buffer.from(w.result());
}

/** Reads what encodeRecordBody wrote; `offset` and `timestamp` are the caller's. */
export function decodeRecordBody(data: Buffer, offset: number, timestamp: number): KafkaRecord {
  const r = new KafkaReader(data);
  const [rec] = decodeRecords(r, 1, offset, timestamp);
  if (r.remaining !== 0) throw new KafkaDecodeError(`${r.remaining} bytes after a stored record`);
  return rec!;
}
