// The Kafka codec, table-driven: every declared request and response round-trips in every version it declares;
// hand-assembled bytes from the protocol guide decode to what they say; record batches agree byte for byte with
// kafkajs's encoder (an independent implementation) and survive every compression codec; and malformed input of
// every kind is a KafkaDecodeError, never a crash or a huge allocation.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  ApiKey,
  Compression,
  CorruptRecordError,
  FrameSplitter,
  KAFKA_APIS,
  KafkaDecodeError,
  KafkaReader,
  KafkaWriter,
  UnsupportedMagicError,
  crc32c,
  decodeBatches,
  decodeMessage,
  decodeRequest,
  decodeResponse,
  defaultMessage,
  encodeBatch,
  encodeMessage,
  encodeRequest,
  encodeResponse,
  parseVersions,
  type CompiledMessage,
} from '../src/kafka/index.js';

const require = createRequire(import.meta.url);

const versionsOf = (m: CompiledMessage): number[] => {
  const out: number[] = [];
  for (let v = m.validVersions[0]; v <= m.validVersions[1]; v++) out.push(v);
  return out;
};

describe('primitive types', () => {
  const cases: [string, (w: KafkaWriter) => void, string, (r: KafkaReader) => unknown, unknown][] = [
    ['uvarint 0', (w) => w.uvarint(0), '00', (r) => r.uvarint(), 0],
    ['uvarint 300', (w) => w.uvarint(300), 'ac02', (r) => r.uvarint(), 300],
    ['uvarint 2^32-1', (w) => w.uvarint(0xffffffff), 'ffffffff0f', (r) => r.uvarint(), 0xffffffff],
    ['varint -1 (zig-zag)', (w) => w.varint(-1), '01', (r) => r.varint(), -1],
    ['varint 1', (w) => w.varint(1), '02', (r) => r.varint(), 1],
    ['varint -64', (w) => w.varint(-64), '7f', (r) => r.varint(), -64],
    ['varlong -2^40', (w) => w.varlong(-(2 ** 40)), 'ffffffffff3f', (r) => r.varlong(), -(2 ** 40)],
    ['string "kafka"', (w) => w.string('kafka', false), '00056b61666b61', (r) => r.string(false), 'kafka'],
    ['null string', (w) => w.string(null, false), 'ffff', (r) => r.string(false), null],
    ['compact string "ab"', (w) => w.string('ab', true), '036162', (r) => r.string(true), 'ab'],
    ['compact null string', (w) => w.string(null, true), '00', (r) => r.string(true), null],
    [
      'compact bytes',
      (w) => w.bytes(Buffer.from([1, 2]), true),
      '030102',
      (r) => r.bytes(true),
      Buffer.from([1, 2]),
    ],
    ['bytes', (w) => w.bytes(Buffer.from([9]), false), '0000000109', (r) => r.bytes(false), Buffer.from([9])],
    [
      'uuid',
      (w) => w.uuid('0102030405060708090a0b0c0d0e0f10'),
      '0102030405060708090a0b0c0d0e0f10',
      (r) => r.uuid(),
      '01020304-0506-0708-090a-0b0c0d0e0f10',
    ],
    ['int64 -1', (w) => w.int64(-1), 'ffffffffffffffff', (r) => r.int64(), -1],
  ];
  it.each(cases)('%s', (_name, write, hex, read, value) => {
    const w = new KafkaWriter(1);
    write(w);
    expect(w.result().toString('hex')).toBe(hex);
    const r = new KafkaReader(Buffer.from(hex, 'hex'));
    expect(read(r)).toEqual(value);
    expect(r.remaining).toBe(0);
  });

  it('refuses lengths longer than the input, without allocating them', () => {
    expect(() => new KafkaReader(Buffer.from('7fffffff', 'hex')).bytes(false)).toThrow(KafkaDecodeError);
    expect(() => new KafkaReader(Buffer.from('7fffffff', 'hex')).arrayLength(false)).toThrow(
      KafkaDecodeError,
    );
    expect(() => new KafkaReader(Buffer.from('ffffffffff7f', 'hex')).uvarint()).toThrow(KafkaDecodeError);
    expect(() => new KafkaReader(Buffer.from('00ff', 'hex')).string(false)).toThrow(KafkaDecodeError);
  });

  it('parses version ranges as Kafka writes them', () => {
    expect(parseVersions('3+')).toEqual([3, Number.MAX_SAFE_INTEGER]);
    expect(parseVersions('0-2')).toEqual([0, 2]);
    expect(parseVersions('5')).toEqual([5, 5]);
    expect(parseVersions('none')).toEqual([1, 0]);
  });
});

/** a value with every field set to something that is not its default, as far as `version` carries it. */
function sample(fields: CompiledMessage['fields'], version: number, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    const prim = (): unknown => {
      switch (f.kind) {
        case 'bool':
          return true;
        case 'string':
          return `s${i}-${depth}`;
        case 'uuid':
          return '01234567-89ab-cdef-0123-456789abcdef';
        case 'bytes':
        case 'records':
          return Buffer.from([i, depth, 7]);
        case 'int8':
          return 3;
        case 'int64':
          return 2 ** 40 + i;
        default:
          return 1000 + i;
      }
    };
    if (f.array)
      out[f.name] =
        f.kind === 'struct'
          ? [sample(f.fields, version, depth + 1), sample(f.fields, version, depth + 1)]
          : [prim(), prim()];
    else out[f.name] = f.kind === 'struct' ? sample(f.fields, version, depth + 1) : prim();
  });
  return out;
}

/** what decoding gives back for `value` at `version`: fields the version lacks fall back to their defaults. */
function expected(
  fields: CompiledMessage['fields'],
  version: number,
  value: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const present = version >= f.versions[0] && version <= f.versions[1];
    const v = value[f.name];
    if (!present) out[f.name] = f.defaultValue();
    else if (f.kind === 'struct' && f.array)
      out[f.name] = (v as Record<string, unknown>[]).map((x) => expected(f.fields, version, x));
    else if (f.kind === 'struct') out[f.name] = expected(f.fields, version, v as Record<string, unknown>);
    else out[f.name] = v;
  }
  return out;
}

describe('every declared message round-trips in every version', () => {
  const cases = [...KAFKA_APIS.values()].flatMap((api) =>
    [api.request, api.response].flatMap((m) =>
      versionsOf(m).map((v) => [`${m.spec.name} v${v}`, m, v] as const),
    ),
  );
  it.each(cases)('%s', (_name, message, version) => {
    const value = sample(message.fields, version);
    const bytes = Buffer.from(encodeMessage(message, version, value).result());
    const r = new KafkaReader(bytes);
    expect(decodeMessage(message, version, r)).toEqual(expected(message.fields, version, value));
    expect(r.remaining).toBe(0);
    // and the all-defaults message too (empty arrays, nulls, tagged fields left out)
    const d = defaultMessage(message);
    expect(
      decodeMessage(
        message,
        version,
        new KafkaReader(Buffer.from(encodeMessage(message, version, d).result())),
      ),
    ).toEqual(d);
  });
});

describe('known bytes', () => {
  it('ApiVersions v0 request, as every client sends it first', () => {
    // size 14 | api key 18 | version 0 | correlation id 1 | client id "kcat" — v0 has no body
    const frame = Buffer.from(
      '0012' + '0000' + '00000001' + '0004' + Buffer.from('kcat').toString('hex'),
      'hex',
    );
    expect(decodeRequest(frame)).toEqual({
      header: { apiKey: 18, apiVersion: 0, correlationId: 1, clientId: 'kcat' },
      body: { clientSoftwareName: '', clientSoftwareVersion: '' },
    });
    expect(
      encodeRequest({ apiKey: 18, apiVersion: 0, correlationId: 1, clientId: 'kcat' }, {}).toString('hex'),
    ).toBe('0000000e' + frame.toString('hex'));
  });

  it('ApiVersions v3 request: header v2 (tagged fields) and compact strings', () => {
    const hex =
      '0012' + '0003' + '00000007' + '0002' + '6964' + '00' + '04' + '6c6962' + '04' + '322e30' + '00';
    expect(decodeRequest(Buffer.from(hex, 'hex'))).toEqual({
      header: { apiKey: 18, apiVersion: 3, correlationId: 7, clientId: 'id' },
      body: { clientSoftwareName: 'lib', clientSoftwareVersion: '2.0' },
    });
  });

  it('ApiVersions v3 response keeps header v0 (no tagged fields after the correlation id)', () => {
    const bytes = encodeResponse(ApiKey.ApiVersions, 3, 7, {
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
      throttleTimeMs: 0,
    });
    // size | correlation id | error 0 | compact array of 1 | key 18 min 0 max 3 | element tags | throttle | tags
    expect(bytes.toString('hex')).toBe(
      '00000013' + '00000007' + '0000' + '02' + '0012' + '0000' + '0003' + '00' + '00000000' + '00',
    );
    expect(decodeResponse(ApiKey.ApiVersions, 3, bytes.subarray(4)).body).toMatchObject({
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
    });
  });

  it('Metadata v1 request for all topics is a null array', () => {
    const frame = Buffer.from('0003' + '0001' + '00000002' + 'ffff' + 'ffffffff', 'hex');
    expect(decodeRequest(frame).body).toEqual({
      topics: null,
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
  });

  it('a tagged field is written only when set, and read back', () => {
    const api = KAFKA_APIS.get(ApiKey.Fetch)!;
    const part = { partitionIndex: 0, errorCode: 0, highWatermark: 5, records: null };
    const plain = Buffer.from(
      encodeMessage(api.response, 12, { responses: [{ topic: 't', partitions: [part] }] }).result(),
    );
    const tagged = Buffer.from(
      encodeMessage(api.response, 12, {
        responses: [
          { topic: 't', partitions: [{ ...part, currentLeader: { leaderId: 4, leaderEpoch: 9 } }] },
        ],
      }).result(),
    );
    // tag 1, size 9 (two varint-free int32 + the struct's empty tag section)
    expect(tagged.length - plain.length).toBe(1 + 1 + 9);
    expect(
      (
        decodeMessage(api.response, 12, new KafkaReader(tagged)) as {
          responses: { partitions: { currentLeader: unknown }[] }[];
        }
      ).responses[0]!.partitions[0]!.currentLeader,
    ).toEqual({ leaderId: 4, leaderEpoch: 9 });
  });

  it('an unknown API key or version decodes the header only', () => {
    const frame = Buffer.from('03e7' + '0000' + '00000009' + 'ffff' + 'deadbeef', 'hex');
    expect(decodeRequest(frame)).toEqual({
      header: { apiKey: 999, apiVersion: 0, correlationId: 9, clientId: null },
      body: undefined,
    });
    const tooNew = Buffer.from('0003' + '0063' + '00000009' + 'ffff', 'hex');
    expect(decodeRequest(tooNew).body).toBeUndefined();
  });

  it('CRC-32C check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});

describe('record batches v2', () => {
  const recordsWithNulls = [
    {
      timestamp: 1_700_000_000_000,
      key: Buffer.from('k1'),
      value: Buffer.from('hello'),
      headers: [{ key: 'h', value: Buffer.from('v') }],
    },
    { timestamp: 1_700_000_000_005, key: null, value: Buffer.from('world'), headers: [] },
    { timestamp: 1_700_000_000_002, key: Buffer.alloc(0), value: null, headers: [{ key: 'n', value: null }] },
  ];

  it('agrees byte for byte with kafkajs', async () => {
    // kafkajs writes no null header values
    const records = recordsWithNulls.map((r) => ({
      ...r,
      headers: r.headers.map((h) => ({ key: h.key, value: h.value ?? Buffer.from('x') })),
    }));
    const kafkajsBatch = (
      require('kafkajs/src/protocol/recordBatch/v0') as {
        RecordBatch: (o: unknown) => Promise<{ buffer: Buffer }>;
      }
    ).RecordBatch;
    const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: unknown) => unknown;
    const Long = require('kafkajs/src/utils/long') as { fromValue(v: number): unknown };
    const base = records[0]!.timestamp;
    const theirs = (
      await kafkajsBatch({
        firstOffset: Long.fromValue(0),
        firstTimestamp: base,
        maxTimestamp: 1_700_000_000_005,
        partitionLeaderEpoch: -1,
        lastOffsetDelta: 2,
        producerId: Long.fromValue(-1),
        producerEpoch: -1,
        firstSequence: -1,
        records: records.map((r, i) =>
          kafkajsRecord({
            offsetDelta: i,
            timestampDelta: r.timestamp - base,
            key: r.key,
            value: r.value,
            headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value])),
          }),
        ),
      })
    ).buffer;
    const ours = encodeBatch({ baseOffset: 0, records });
    expect(ours.toString('hex')).toBe(theirs.toString('hex'));
    const [batch] = decodeBatches(theirs);
    expect(
      batch!.records.map((r) => ({ timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })),
    ).toEqual(records);
    expect(batch!.records.map((r) => r.offset)).toEqual([0, 1, 2]);
  });

  const records = recordsWithNulls;

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)('round-trips compressed with %s', (codec) => {
    const many = Array.from({ length: 200 }, (_, i) => ({
      timestamp: 1000 + i,
      key: Buffer.from(`key-${i}`),
      value: Buffer.alloc(100, i),
      headers: [],
    }));
    const bytes = Buffer.concat([
      encodeBatch({ baseOffset: 10, records: many, compression: Compression[codec] }),
      encodeBatch({ baseOffset: 210, records: records.slice(0, 1) }),
    ]);
    const batches = decodeBatches(bytes);
    expect(batches.map((b) => b.compression)).toEqual([Compression[codec], 0]);
    expect(batches[0]!.records.map((r) => r.value)).toEqual(many.map((r) => r.value));
    expect(batches[0]!.records[199]!.offset).toBe(209);
    expect(batches[1]!.records[0]!.offset).toBe(210);
  });

  it('refuses a corrupted batch (CRC), a legacy magic, and a decompression bomb', () => {
    const good = encodeBatch({ baseOffset: 0, records });
    const bad = Buffer.from(good);
    bad[bad.length - 3] ^= 0xff;
    expect(() => decodeBatches(bad)).toThrow(CorruptRecordError);
    const legacy = Buffer.from(good);
    legacy[16] = 1;
    expect(() => decodeBatches(legacy)).toThrow(UnsupportedMagicError);
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const bomb = encodeBatch({
        baseOffset: 0,
        records: [{ timestamp: 0, key: null, value: Buffer.alloc(1_000_000), headers: [] }],
        compression: Compression[codec],
      });
      expect(() => decodeBatches(bomb, { maxUncompressedBytes: 100_000 }), codec).toThrow(KafkaDecodeError);
    }
  });

  it('every truncation of a batch is a decode error, a partial tail is skipped when allowed', () => {
    const good = encodeBatch({ baseOffset: 0, records, compression: Compression.gzip });
    for (let n = 1; n < good.length; n++)
      expect(() => decodeBatches(good.subarray(0, n)), `${n} bytes`).toThrow(KafkaDecodeError);
    expect(decodeBatches(Buffer.concat([good, good.subarray(0, 30)]), { allowPartial: true })).toHaveLength(
      1,
    );
  });
});

describe('framing', () => {
  it('splits a byte stream into frames across any chunking', () => {
    const frames = [Buffer.from('aa', 'hex'), Buffer.alloc(0), Buffer.alloc(300, 1)];
    const stream = Buffer.concat(
      frames.map((f) => Buffer.concat([Buffer.from([0, 0, f.length >> 8, f.length & 0xff]), f])),
    );
    for (const step of [1, 3, 7, 1000]) {
      const s = new FrameSplitter(1024);
      const got: Buffer[] = [];
      for (let i = 0; i < stream.length; i += step) got.push(...s.push(stream.subarray(i, i + step)));
      expect(got).toEqual(frames);
    }
  });

  it('refuses a negative or oversized frame before buffering it', () => {
    expect(() => new FrameSplitter(1024).push(Buffer.from('ffffffff', 'hex'))).toThrow(KafkaDecodeError);
    expect(() => new FrameSplitter(1024).push(Buffer.from('7fffffff', 'hex'))).toThrow(
      /larger than the limit/,
    );
  });

  it('a truncated or padded request body is a decode error', () => {
    const req = encodeRequest(
      { apiKey: ApiKey.Metadata, apiVersion: 9, correlationId: 1, clientId: 'c' },
      { topics: [{ name: 'a' }], allowAutoTopicCreation: false },
    );
    const frame = req.subarray(4);
    expect(decodeRequest(frame).body).toMatchObject({ topics: [{ name: 'a' }] });
    for (let n = 8; n < frame.length; n++)
      expect(() => decodeRequest(frame.subarray(0, n)), `${n} bytes`).toThrow(KafkaDecodeError);
    expect(() => decodeRequest(Buffer.concat([frame, Buffer.from([0])]))).toThrow(KafkaDecodeError);
  });
});
