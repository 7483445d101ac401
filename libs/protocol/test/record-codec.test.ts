// The stored record format: round trip, CRC coverage of every byte, and bounds checks on damaged input.
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Portable } from '../src/journal/crc32.js';
import { assignOffset, decodeRecord, encodeRecord, type RecordFields } from '../src/journal/record-codec.js';

const sample: RecordFields = {
  key: 'sensors/1',
  tags: ['a', 'ü'],
  timestamp: 1_700_000_000_123,
  headers: [
    { name: 'x', value: '1' },
    { name: 'x', value: '' },
  ],
  payload: Buffer.from('payload ✓'),
};

describe('crc32', () => {
  it('matches the standard check value and zlib', () => {
    const check = Buffer.from('123456789');
    expect(crc32Portable(check)).toBe(0xcbf43926);
    expect(crc32(check)).toBe(0xcbf43926);
    const native = (zlib as unknown as { crc32?: (b: Buffer) => number }).crc32;
    const random = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff));
    if (native) expect(crc32Portable(random)).toBe(native(random));
    expect(crc32Portable(Buffer.alloc(0))).toBe(0);
  });
});

describe('record codec', () => {
  it('round-trips every field', () => {
    const decoded = decodeRecord(encodeRecord(42, sample), 'test');
    expect(decoded).toMatchObject({ ...sample, offset: 42, payload: sample.payload });
    const bare = decodeRecord(
      encodeRecord(0, { tags: [], timestamp: 0, headers: [], payload: Buffer.alloc(0) }),
      'test',
    );
    expect(bare.key).toBeUndefined();
    expect(bare.payload.length).toBe(0);
  });

  it('assignOffset rewrites the offset and keeps the CRC valid', () => {
    const buf = encodeRecord(0, sample);
    assignOffset(buf, 2 ** 40);
    expect(decodeRecord(buf, 'test').offset).toBe(2 ** 40);
  });

  it('detects a flipped bit anywhere in the record', () => {
    const buf = encodeRecord(7, sample);
    for (let i = 0; i < buf.length; i++) {
      const damaged = Buffer.from(buf);
      damaged[i]! ^= 0x01;
      expect(() => decodeRecord(damaged, `byte ${i}`), `byte ${i}`).toThrow(
        expect.objectContaining({ code: 'CORRUPT_RECORD' }),
      );
    }
  });

  it('reports truncated or overlong input as CORRUPT_RECORD, not as a crash', () => {
    const buf = encodeRecord(7, sample);
    for (const cut of [0, 5, 21, 30, buf.length - 1]) {
      expect(() => decodeRecord(buf.subarray(0, cut), 'cut')).toThrow(
        expect.objectContaining({ code: 'CORRUPT_RECORD' }),
      );
    }
    expect(() => decodeRecord(Buffer.concat([buf, Buffer.from([0])]), 'long')).toThrow(
      expect.objectContaining({ code: 'CORRUPT_RECORD' }),
    );
  });
});
