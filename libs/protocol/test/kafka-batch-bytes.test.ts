// Record batches checked and patched as bytes (batch-bytes.ts), the way the Kafka broker stores a producer's batches:
// what a client writes passes and says what it holds; each kind of damage is refused with the error the broker turns
// into a Kafka code; the base offset and log-append time written in leave a batch every decoder still accepts.
import { describe, expect, it } from 'vitest';
import {
  Compression,
  CorruptRecordError,
  KafkaDecodeError,
  KafkaReader,
  UnsupportedMagicError,
  batchEndOffset,
  checkBatch,
  checkBatches,
  crc32c,
  decodeBatch,
  decodeBatches,
  encodeBatch,
  readBatchHeader,
  setBaseOffset,
  setMaxTimestamp,
} from '../src/kafka/index.js';

const LIMIT = { maxUncompressedBytes: 1 << 20 };
const T0 = 1_700_000_000_000;

const batchOf = (
  n: number,
  compression: number = Compression.none,
  extra: Partial<Parameters<typeof encodeBatch>[0]> = {},
) =>
  encodeBatch({
    baseOffset: 0,
    compression,
    records: Array.from({ length: n }, (_, i) => ({
      timestamp: T0 + ((i * 7) % 5),
      key: i % 3 === 0 ? null : Buffer.from(`k${i}`),
      value: i % 4 === 1 ? null : Buffer.from(`value-${i}`),
      headers:
        i % 2
          ? [
              { key: 'h', value: Buffer.from('x') },
              { key: 'n', value: null },
            ]
          : [],
    })),
    ...extra,
  });

/** re-signs a batch after a test changed bytes under its CRC. */
function resign(buf: Buffer, at = 0): Buffer {
  const end = at + 12 + buf.readInt32BE(at + 8);
  buf.writeUInt32BE(crc32c(buf, at + 21, end), at + 17);
  return buf;
}

describe('checkBatch', () => {
  it.each([
    ['none', Compression.none],
    ['gzip', Compression.gzip],
    ['snappy', Compression.snappy],
    ['lz4', Compression.lz4],
    ['zstd', Compression.zstd],
  ])('passes a %s batch and reports its header and records max timestamp', (_name, compression) => {
    const buf = batchOf(12, compression, { producerId: 42, producerEpoch: 3, baseSequence: 100 });
    const b = checkBatch(buf, 0, LIMIT);
    expect(b).toMatchObject({
      start: 0,
      end: buf.length,
      recordCount: 12,
      lastOffsetDelta: 11,
      compression,
      producerId: 42,
      producerEpoch: 3,
      baseSequence: 100,
      timestampType: 0,
    });
    expect(b.recordsMaxTimestamp).toBe(T0 + 4);
    expect(b.maxTimestamp).toBe(T0 + 4);
  });

  it('reads lengths and deltas of every varint size (1 to 6 bytes)', () => {
    const records = Array.from({ length: 300 }, (_, i) => ({
      timestamp: T0 + (i === 299 ? 2 ** 40 : i),
      key: null,
      value: Buffer.alloc(i === 7 ? 300_000 : i % 50),
    }));
    const b = checkBatch(encodeBatch({ baseOffset: 0, records }), 0, LIMIT);
    expect([b.recordCount, b.recordsMaxTimestamp]).toEqual([300, T0 + 2 ** 40]);
  });

  it('walks several batches of one produce request', () => {
    const data = Buffer.concat([batchOf(3), batchOf(1, Compression.gzip), batchOf(5)]);
    expect(checkBatches(data, LIMIT).map((b) => [b.end - b.start, b.recordCount])).toEqual([
      [batchOf(3).length, 3],
      [batchOf(1, Compression.gzip).length, 1],
      [batchOf(5).length, 5],
    ]);
  });

  const damaged: [string, () => Buffer, new (...args: never[]) => Error][] = [
    [
      'a flipped value byte (CRC)',
      () => {
        const b = batchOf(4);
        b[b.length - 3] ^= 1;
        return b;
      },
      CorruptRecordError,
    ],
    [
      'magic 1',
      () => {
        const b = batchOf(2);
        b[16] = 1;
        return b;
      },
      UnsupportedMagicError,
    ],
    [
      'a length past the end',
      () => {
        const b = batchOf(2);
        b.writeInt32BE(b.length, 8);
        return b;
      },
      KafkaDecodeError,
    ],
    ['a truncated batch', () => batchOf(2).subarray(0, 40), KafkaDecodeError],
    [
      'a count that is not the offset range',
      () => {
        const b = batchOf(3);
        b.writeInt32BE(5, 23);
        return resign(b);
      },
      KafkaDecodeError,
    ],
    [
      'no records',
      () => {
        const b = batchOf(1);
        b.writeInt32BE(0, 57);
        b.writeInt32BE(-1, 23);
        return resign(b);
      },
      KafkaDecodeError,
    ],
    [
      'more records claimed than present',
      () => {
        const b = batchOf(3);
        b.writeInt32BE(4, 57);
        b.writeInt32BE(3, 23);
        return resign(b);
      },
      KafkaDecodeError,
    ],
    // record 0's offset delta (byte after length varint, attributes, timestamp delta) set to 1 (zig-zag 2)
    [
      'an offset delta out of order',
      () => {
        const b = batchOf(2);
        b[61 + 1 + 1 + 1] = 2;
        return resign(b);
      },
      KafkaDecodeError,
    ],
    [
      'bytes after the records',
      () => {
        const b = Buffer.concat([batchOf(2), Buffer.from([0])]);
        b.writeInt32BE(b.readInt32BE(8) + 1, 8);
        return resign(b);
      },
      KafkaDecodeError,
    ],
  ];
  it.each(damaged)('refuses %s', (_what, make, kind) => {
    expect(() => checkBatches(make(), LIMIT)).toThrow(kind);
  });

  it('refuses a compressed batch that expands beyond the bound', () => {
    const big = encodeBatch({
      baseOffset: 0,
      compression: Compression.gzip,
      records: [{ timestamp: T0, key: null, value: Buffer.alloc(200_000) }],
    });
    expect(() => checkBatch(big, 0, { maxUncompressedBytes: 100_000 })).toThrow(KafkaDecodeError);
    expect(checkBatch(big, 0, { maxUncompressedBytes: 300_000 }).recordCount).toBe(1);
  });
});

describe('patching a stored batch', () => {
  it('writes the base offset without touching the CRC: the batch still decodes, with its records at the new offsets', () => {
    const buf = batchOf(4);
    const crc = buf.readUInt32BE(17);
    setBaseOffset(buf, 0, 1_234_567);
    expect(buf.readUInt32BE(17)).toBe(crc);
    const [batch] = decodeBatches(buf);
    expect(batch!.records.map((r) => r.offset)).toEqual([1_234_567, 1_234_568, 1_234_569, 1_234_570]);
    expect(batchEndOffset(readBatchHeader(buf))).toBe(1_234_571);
  });

  it('sets log-append time and re-signs; a wrong create-time max is corrected', () => {
    const buf = batchOf(3);
    setMaxTimestamp(buf, 0, 1, T0 + 99);
    const appended = decodeBatch(new KafkaReader(buf));
    expect([appended.timestampType, appended.maxTimestamp]).toEqual([1, T0 + 99]);
    const wrong = batchOf(3);
    wrong.writeBigInt64BE(BigInt(T0 + 1000), 35);
    resign(wrong);
    const checked = checkBatch(wrong, 0, LIMIT);
    expect(checked.maxTimestamp).toBe(T0 + 1000);
    setMaxTimestamp(wrong, 0, 0, checked.recordsMaxTimestamp);
    expect(checkBatch(wrong, 0, LIMIT).maxTimestamp).toBe(T0 + 4);
  });

  it('patches a batch in the middle of a request without disturbing its neighbours', () => {
    const data = Buffer.concat([batchOf(2), batchOf(3), batchOf(1)]);
    const [, second] = checkBatches(data, LIMIT);
    setBaseOffset(data, second!.start, 77);
    setMaxTimestamp(data, second!.start, 1, T0 + 5);
    expect(decodeBatches(data).map((b) => [b.baseOffset, b.timestampType])).toEqual([
      [0, 0],
      [77, 1],
      [0, 0],
    ]);
  });
});
