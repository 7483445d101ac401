// The journal's framed batch encoding and the range CRC it relies on: crc32Range agrees with crc32 of the same
// bytes for every length (the JavaScript and native paths), and encodeRecordBatch produces exactly the bytes
// encodeRecord does, each behind its u32 length, so the leader can store them as they arrive.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Range, crc32WithNewPrefix } from '../src/journal/crc32.js';
import {
  assignOffset,
  assignOffsetAt,
  decodeRecord,
  encodeRecord,
  encodeRecordBatch,
  readU64,
  restampOffsetAt,
  writeU64,
  type RecordFields,
} from '../src/journal/record-codec.js';

describe('crc32Range', () => {
  it('equals crc32 of the subarray for every length and alignment', () => {
    const data = randomBytes(3000);
    for (const start of [0, 1, 3, 7]) {
      for (let len = 0; len < 1100; len += len < 40 ? 1 : 37) {
        expect(crc32Range(data, start, start + len), `start ${start} len ${len}`).toBe(
          crc32(data.subarray(start, start + len)),
        );
      }
    }
  });
});

describe('crc32WithNewPrefix', () => {
  it('gives the CRC of the message with its first 8 bytes changed, for any length and change', () => {
    for (const rest of [0, 1, 7, 8, 92, 125, 700]) {
      for (let trial = 0; trial < 20; trial++) {
        const a = randomBytes(8 + rest);
        const b = Buffer.from(a);
        randomBytes(8).copy(b, 0);
        const patched = crc32WithNewPrefix(
          crc32(a),
          (a.readUInt32BE(0) ^ b.readUInt32BE(0)) >>> 0,
          (a.readUInt32BE(4) ^ b.readUInt32BE(4)) >>> 0,
          rest,
        );
        expect(patched, `rest ${rest}`).toBe(crc32(b));
      }
    }
  });
});

describe('encodeRecordBatch', () => {
  const records: RecordFields[] = [
    { tags: [], timestamp: 1_700_000_000_123, headers: [], payload: Buffer.from('plain') },
    {
      key: 'ключ',
      tags: ['a', 'b'],
      timestamp: 2 ** 50,
      headers: [{ name: 'h', value: 'v€' }],
      payload: randomBytes(700),
    },
    { key: '', tags: [], timestamp: 0, headers: [], payload: Buffer.alloc(0) },
  ];

  it('frames the same bytes encodeRecord makes, and assignOffsetAt matches assignOffset', () => {
    const { data, starts } = encodeRecordBatch(records);
    expect(starts.length).toBe(records.length + 1);
    expect(starts[records.length]).toBe(data.length);
    records.forEach((r, i) => {
      const start = starts[i]! + 4;
      const end = starts[i + 1]!;
      expect(data.readUInt32BE(starts[i]!)).toBe(end - start);
      expect(data.subarray(start, end).equals(encodeRecord(0, r))).toBe(true);
      assignOffsetAt(data, start, end, 2 ** 40 + i);
      const single = encodeRecord(0, r);
      assignOffset(single, 2 ** 40 + i);
      expect(data.subarray(start, end).equals(single)).toBe(true);
      const decoded = decodeRecord(data.subarray(start, end), 'test');
      expect(decoded.offset).toBe(2 ** 40 + i);
      expect(decoded.payload.equals(r.payload)).toBe(true);
      expect(decoded.key).toBe(r.key);
    });
  });

  it('restampOffsetAt patches each CRC to what assignOffsetAt computes', () => {
    const { data, starts } = encodeRecordBatch(records);
    const expected = Buffer.from(data);
    for (let i = 0; i < records.length; i++) {
      for (const offset of [7, 2 ** 33 + 1, 123_456_789 + i]) {
        restampOffsetAt(data, starts[i]! + 4, starts[i + 1]!, offset);
        assignOffsetAt(expected, starts[i]! + 4, starts[i + 1]!, offset);
        expect(data.equals(expected)).toBe(true);
      }
    }
  });

  it('writes and reads u64 values exactly up to the largest safe integer', () => {
    const buf = Buffer.alloc(8);
    for (const n of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER]) {
      writeU64(buf, 0, n);
      expect(buf.readBigUInt64BE(0)).toBe(BigInt(n));
      expect(readU64(buf, 0)).toBe(n);
    }
  });
});
