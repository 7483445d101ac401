// Record batches v2 as bytes, for a broker that stores the producer's batches as they came and serves them back as
// they are (Kafka's own way: its log holds the batches, LogValidator only checks them). Here: the header read in
// place, a batch checked without building a record object (CRC-32C, sizes, record count against the offset range,
// each record's structure and offset delta, decompressed within a bound), and the two fields a broker writes: the
// base offset (not covered by the CRC, so patched without recomputing it) and the log-append time (covered: the CRC
// is recomputed, as Kafka's DefaultRecordBatch.setMaxTimestamp does).
// Layout (https://kafka.apache.org/documentation/#recordbatch): baseOffset int64 @0, batchLength int32 @8,
// partitionLeaderEpoch int32 @12, magic int8 @16, crc uint32 @17, attributes int16 @21, lastOffsetDelta int32 @23,
// baseTimestamp int64 @27, maxTimestamp int64 @35, producerId int64 @43, producerEpoch int16 @51,
// baseSequence int32 @53, recordCount int32 @57, records @61.
import { Compression, decompress } from './compression.js';
import { crc32c } from './crc32c.js';
import { CorruptRecordError, UnsupportedMagicError, type BatchFields } from './record-batch.js';
import { KafkaDecodeError } from './wire.js';

export const BATCH_HEADER_BYTES = 61;
const LENGTH_AT = 8;
const EPOCH_AT = 12;
const MAGIC_AT = 16;
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;
const LAST_DELTA_AT = 23;
const BASE_TIMESTAMP_AT = 27;
const MAX_TIMESTAMP_AT = 35;
const PRODUCER_ID_AT = 43;
const PRODUCER_EPOCH_AT = 51;
const BASE_SEQUENCE_AT = 53;
const COUNT_AT = 57;
const ATTR_TIMESTAMP_TYPE = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;

/** The header of one batch, and where its bytes are in the buffer it was read from. */
export interface BatchHeader extends BatchFields {
  /** byte range of the whole batch in its buffer. */
  start: number;
  end: number;
  recordCount: number;
}

const int64 = (buf: Buffer, at: number) => Number(buf.readBigInt64BE(at));

/**
 * The header of the batch at buf[at..]: its length is checked against the buffer, its magic must be 2; nothing else
 * is (the caller checks the CRC where the bytes come from outside).
 */
export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  if (buf.length - at < BATCH_HEADER_BYTES)
    throw new KafkaDecodeError(
      `record batch of ${buf.length - at} bytes is shorter than its ${BATCH_HEADER_BYTES}-byte header`,
    );
  const batchLength = buf.readInt32BE(at + LENGTH_AT);
  if (batchLength < BATCH_HEADER_BYTES - 12 || batchLength > buf.length - at - 12) {
    throw new KafkaDecodeError(`record batch length ${batchLength} with ${buf.length - at - 12} bytes left`);
  }
  const magic = buf.readInt8(at + MAGIC_AT);
  if (magic !== 2)
    throw new UnsupportedMagicError(`message format magic ${magic}: only record batches v2 are supported`);
  const attributes = buf.readInt16BE(at + ATTRIBUTES_AT);
  return {
    start: at,
    end: at + 12 + batchLength,
    baseOffset: int64(buf, at),
    attributes,
    compression: attributes & 7,
    timestampType: attributes & ATTR_TIMESTAMP_TYPE ? 1 : 0,
    transactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    control: (attributes & ATTR_CONTROL) !== 0,
    lastOffsetDelta: buf.readInt32BE(at + LAST_DELTA_AT),
    baseTimestamp: int64(buf, at + BASE_TIMESTAMP_AT),
    maxTimestamp: int64(buf, at + MAX_TIMESTAMP_AT),
    producerId: int64(buf, at + PRODUCER_ID_AT),
    producerEpoch: buf.readInt16BE(at + PRODUCER_EPOCH_AT),
    baseSequence: buf.readInt32BE(at + BASE_SEQUENCE_AT),
    recordCount: buf.readInt32BE(at + COUNT_AT),
  };
}

// A record walker over numbers, not objects: each read advances `pos`; every length is checked before it is used.
// Varints of up to 4 bytes (every length and delta of an ordinary record) take the bit-operation path.
let pos = 0;
let limit = 0;

function varuintSlow(buf: Buffer, what: string): number {
  let value = 0;
  for (let shift = 0; shift < 64; shift += 7) {
    if (pos >= limit) throw new KafkaDecodeError(`truncated record: ${what}`);
    const b = buf[pos++]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return value;
  }
  throw new KafkaDecodeError(`varint longer than 10 bytes: ${what}`);
}

/** zig-zag varint/varlong as a number (exact below 2^53, which every delta and length here is). */
function varint(buf: Buffer, what: string): number {
  let u: number;
  if (limit - pos >= 4) {
    let b = buf[pos]!;
    let v = b & 0x7f;
    let n = 1;
    while (b & 0x80 && n < 4) {
      b = buf[pos + n]!;
      v |= (b & 0x7f) << (7 * n);
      n++;
    }
    if (b & 0x80) u = varuintSlow(buf, what);
    else {
      pos += n;
      u = v;
    }
  } else {
    u = varuintSlow(buf, what);
  }
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

function skip(n: number, what: string): void {
  if (n < 0 || n > limit - pos)
    throw new KafkaDecodeError(`record ${what} of ${n} bytes with ${limit - pos} left`);
  pos += n;
}

/** checks `count` records in buf[start, end): structure, offset delta i for record i; returns the largest timestamp
 * delta. */
function walkRecords(buf: Buffer, start: number, end: number, count: number): number {
  pos = start;
  let maxDelta = -Infinity;
  for (let i = 0; i < count; i++) {
    limit = end;
    const length = varint(buf, 'length');
    if (length < 0 || length > end - pos)
      throw new KafkaDecodeError(`record of ${length} bytes with ${end - pos} left`);
    limit = pos + length;
    skip(1, 'attributes');
    const timestampDelta = varint(buf, 'timestamp delta');
    if (timestampDelta > maxDelta) maxDelta = timestampDelta;
    const offsetDelta = varint(buf, 'offset delta');
    if (offsetDelta !== i)
      throw new KafkaDecodeError(`record ${i} of a batch has offset delta ${offsetDelta}`);
    const keyLength = varint(buf, 'key length');
    if (keyLength >= 0) skip(keyLength, 'key');
    else if (keyLength !== -1) throw new KafkaDecodeError(`record key length ${keyLength}`);
    const valueLength = varint(buf, 'value length');
    if (valueLength >= 0) skip(valueLength, 'value');
    else if (valueLength !== -1) throw new KafkaDecodeError(`record value length ${valueLength}`);
    const headers = varint(buf, 'header count');
    if (headers < 0 || headers > limit - pos) throw new KafkaDecodeError(`record claims ${headers} headers`);
    for (let h = 0; h < headers; h++) {
      const hk = varint(buf, 'header key length');
      if (hk < 0) throw new KafkaDecodeError('record header with a null key');
      skip(hk, 'header key');
      const hv = varint(buf, 'header value length');
      if (hv >= 0) skip(hv, 'header value');
      else if (hv !== -1) throw new KafkaDecodeError(`record header value length ${hv}`);
    }
    if (pos !== limit) throw new KafkaDecodeError(`record has ${limit - pos} bytes after its headers`);
  }
  if (pos !== end)
    throw new KafkaDecodeError(`record batch has ${end - pos} bytes after its ${count} records`);
  return maxDelta;
}

export interface CheckBatchOptions {
  /** largest size the records of one batch may expand to when decompressed. */
  maxUncompressedBytes: number;
}

/** A checked batch: its header, and the largest timestamp its records carry. */
export interface CheckedBatch extends BatchHeader {
  /** baseTimestamp + the largest timestamp delta (what maxTimestamp must be for create-time batches). */
  recordsMaxTimestamp: number;
}

/**
 * Checks one batch at buf[at..] as a broker must before storing it: header and length, magic 2, CRC-32C, at least one
 * record and as many as its offset range (Kafka's "record count does not match the offset range"), every record's
 * structure and offset delta (decompressed within maxUncompressedBytes). Throws CorruptRecordError for a CRC
 * mismatch, UnsupportedMagicError, UnavailableCodecError, and KafkaDecodeError for the rest.
 */
export function checkBatch(buf: Buffer, at: number, options: CheckBatchOptions): CheckedBatch {
  const header = readBatchHeader(buf, at);
  const crc = buf.readUInt32BE(at + CRC_AT);
  const actual = crc32c(buf, at + ATTRIBUTES_AT, header.end);
  if (crc !== actual)
    throw new CorruptRecordError(`record batch CRC-32C mismatch: stored ${crc}, computed ${actual}`);
  const count = header.recordCount;
  if (count < 1 || count !== header.lastOffsetDelta + 1) {
    throw new KafkaDecodeError(
      `record batch with ${count} records and last offset delta ${header.lastOffsetDelta}`,
    );
  }
  let maxDelta: number;
  if (header.compression === Compression.none) {
    if (count > header.end - at - BATCH_HEADER_BYTES)
      throw new KafkaDecodeError(
        `batch claims ${count} records in ${header.end - at - BATCH_HEADER_BYTES} bytes`,
      );
    maxDelta = walkRecords(buf, at + BATCH_HEADER_BYTES, header.end, count);
  } else {
    const plain = decompress(
      header.compression,
      buf.subarray(at + BATCH_HEADER_BYTES, header.end),
      options.maxUncompressedBytes,
    );
    if (count > plain.length)
      throw new KafkaDecodeError(`batch claims ${count} records in ${plain.length} bytes`);
    maxDelta = walkRecords(plain, 0, plain.length, count);
  }
  return { ...header, recordsMaxTimestamp: header.baseTimestamp + maxDelta };
}

/**
 * Every batch of a Produce request's records, checked (checkBatch); at least one. A batch that is not a v2 batch or
 * does not fit is an error: nothing of a partition's data is stored unless all of it is good.
 */
export function checkBatches(data: Buffer, options: CheckBatchOptions): CheckedBatch[] {
  const out: CheckedBatch[] = [];
  let at = 0;
  while (at < data.length) {
    const batch = checkBatch(data, at, options);
    out.push(batch);
    at = batch.end;
  }
  if (out.length === 0) throw new KafkaDecodeError('no records');
  return out;
}

/** writes the base offset (and a partition leader epoch) into the batch at buf[at..]; neither is under the CRC. */
export function setBaseOffset(buf: Buffer, at: number, baseOffset: number, partitionLeaderEpoch = 0): void {
  buf.writeBigInt64BE(BigInt(baseOffset), at);
  buf.writeInt32BE(partitionLeaderEpoch, at + EPOCH_AT);
}

/**
 * Sets the batch's max timestamp and timestamp type (log-append time, or create time with the records' own max) and
 * recomputes its CRC-32C; does nothing when both are already so.
 */
export function setMaxTimestamp(buf: Buffer, at: number, timestampType: 0 | 1, maxTimestamp: number): void {
  const attributes = buf.readInt16BE(at + ATTRIBUTES_AT);
  const wanted = timestampType === 1 ? attributes | ATTR_TIMESTAMP_TYPE : attributes & ~ATTR_TIMESTAMP_TYPE;
  if (wanted === attributes && int64(buf, at + MAX_TIMESTAMP_AT) === maxTimestamp) return;
  buf.writeInt16BE(wanted, at + ATTRIBUTES_AT);
  buf.writeBigInt64BE(BigInt(maxTimestamp), at + MAX_TIMESTAMP_AT);
  const end = at + 12 + buf.readInt32BE(at + LENGTH_AT);
  buf.writeUInt32BE(crc32c(buf, at + ATTRIBUTES_AT, end), at + CRC_AT);
}

/** the offset one past the batch's last (base offset + last offset delta + 1). */
export function batchEndOffset(header: Pick<BatchHeader, 'baseOffset' | 'lastOffsetDelta'>): number {
  return header.baseOffset + header.lastOffsetDelta + 1;
}
