// Bad and unusual input over a raw socket, against a real broker: an ApiVersions newer than the broker's is answered
// in v0 with UNSUPPORTED_VERSION and the version list (KIP-511); an unknown API key or a version the broker does not
// offer gets UNSUPPORTED_VERSION on a connection that stays usable; a frame over the size limit, a negative size, a
// truncated body or a request before SASL closes only that connection, and the broker keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode, apiSpec, decodeResponse, encodeRequest } from '@robustmq/protocol/kafka';
import { RawKafkaClient, startTestKafkaBroker, type TestKafkaBroker } from '@robustmq/testing/kafka';

let broker: TestKafkaBroker;

beforeAll(async () => {
  broker = await startTestKafkaBroker({ sections: { kafka: { max_request_bytes: 64 * 1024 } } });
});

afterAll(async () => {
  await broker?.stop();
});

const header = (apiKey: number, apiVersion: number, correlationId: number) => {
  const b = Buffer.alloc(10);
  b.writeInt16BE(apiKey, 0);
  b.writeInt16BE(apiVersion, 2);
  b.writeInt32BE(correlationId, 4);
  b.writeInt16BE(-1, 8);
  return b;
};
const framed = (body: Buffer) =>
  Buffer.concat([
    Buffer.from([
      body.length >>> 24,
      (body.length >> 16) & 0xff,
      (body.length >> 8) & 0xff,
      body.length & 0xff,
    ]),
    body,
  ]);

describe('protocol errors', () => {
  it('ApiVersions v0 and v3 list the offered APIs', async () => {
    const raw = await RawKafkaClient.open(broker.handle.ports.kafka);
    for (const v of [0, 3]) {
      const body = (await raw.request(ApiKey.ApiVersions, v, {
        clientSoftwareName: 'raw',
        clientSoftwareVersion: '1',
      })) as { errorCode: number; apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[] };
      expect(body.errorCode).toBe(0);
      expect(body.apiKeys).toEqual(
        expect.arrayContaining([
          { apiKey: ApiKey.Produce, minVersion: 3, maxVersion: 9 },
          { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 12 },
        ]),
      );
      // each API is offered in the versions its messages are declared in (the codec's table), except the two whose
      // oldest versions carry a record format this broker does not store
      const narrowed = new Map<number, number>([
        [ApiKey.Produce, 3],
        [ApiKey.Fetch, 4],
      ]);
      for (const offered of body.apiKeys) {
        const [min, max] = apiSpec(offered.apiKey)!.request.validVersions;
        expect(offered).toEqual({
          apiKey: offered.apiKey,
          minVersion: narrowed.get(offered.apiKey) ?? min,
          maxVersion: max,
        });
      }
      expect(body.apiKeys).toHaveLength(21);
    }
    raw.close();
  });

  it('a too-new ApiVersions gets v0 with UNSUPPORTED_VERSION and the list; the connection stays usable', async () => {
    const raw = await RawKafkaClient.open(broker.handle.ports.kafka);
    // v9 of a request nobody can parse yet: header, then bytes of a body from the future
    raw.send(framed(Buffer.concat([header(ApiKey.ApiVersions, 9, 42), Buffer.from([0, 1, 2, 3])])));
    const body = decodeResponse(ApiKey.ApiVersions, 0, (await raw.frame())!);
    expect(body.correlationId).toBe(42);
    expect(body.body).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_VERSION });
    expect((body.body['apiKeys'] as unknown[]).length).toBeGreaterThan(5);
    expect(await raw.request(ApiKey.Metadata, 1, { topics: [] })).toMatchObject({
      brokers: [expect.objectContaining({ nodeId: 1 })],
    });
    raw.close();
  });

  it('an unknown API key and an unoffered version get UNSUPPORTED_VERSION, not a dropped connection', async () => {
    const raw = await RawKafkaClient.open(broker.handle.ports.kafka);
    raw.send(framed(Buffer.concat([header(999, 0, 7), Buffer.from('whatever')])));
    const f = (await raw.frame())!;
    expect(f.readInt32BE(0)).toBe(7);
    expect(f.readInt16BE(4)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    // Fetch v2 is below what this broker offers (record batches v2 need Fetch v4): answered, in Fetch v2's shape
    raw.send(
      encodeRequest(
        { apiKey: ApiKey.Fetch, apiVersion: 2, correlationId: 8, clientId: null },
        { replicaId: -1, maxWaitMs: 0, minBytes: 0, topics: [] },
      ),
    );
    expect(decodeResponse(ApiKey.Fetch, 2, (await raw.frame())!).correlationId).toBe(8);
    // a too-new Metadata: header v0 and the error
    raw.send(framed(Buffer.concat([header(ApiKey.Metadata, 77, 9), Buffer.alloc(3)])));
    const g = (await raw.frame())!;
    expect([g.readInt32BE(0), g.readInt16BE(4)]).toEqual([9, ErrorCode.UNSUPPORTED_VERSION]);
    expect(raw.closed).toBe(false);
    expect(
      await raw.request(ApiKey.Metadata, 9, { topics: [], allowAutoTopicCreation: false }),
    ).toMatchObject({ topics: [] });
    raw.close();
  });

  it.each([
    ['a frame over max_request_bytes', () => Buffer.from([0x00, 0x10, 0x00, 0x00])],
    ['a negative size', () => Buffer.from([0xff, 0xff, 0xff, 0xf0])],
    ['an absurd size', () => Buffer.from([0x7f, 0xff, 0xff, 0xff])],
    ['a frame shorter than a header', () => framed(Buffer.from([0, 3, 0]))],
    [
      'a truncated Metadata body',
      () => framed(Buffer.concat([header(ApiKey.Metadata, 1, 1), Buffer.from([0, 0, 0, 5, 0])])),
    ],
    [
      'an array length larger than the frame',
      () => framed(Buffer.concat([header(ApiKey.Metadata, 1, 1), Buffer.from([0x7f, 0xff, 0xff, 0xff])])),
    ],
    [
      'a Produce with a corrupt compact length',
      () =>
        framed(
          Buffer.concat([
            header(ApiKey.Produce, 9, 1).subarray(0, 8),
            Buffer.from([0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
          ]),
        ),
    ],
  ])('%s closes that connection only', async (_name, bytes) => {
    const raw = await RawKafkaClient.open(broker.handle.ports.kafka);
    raw.send(bytes());
    expect(await raw.closedByPeer()).toBe(true);
    const ok = await RawKafkaClient.open(broker.handle.ports.kafka);
    expect(await ok.request(ApiKey.ApiVersions, 0, {})).toMatchObject({ errorCode: 0 });
    ok.close();
  });

  it('a corrupt record batch is answered CORRUPT_MESSAGE for its partition', async () => {
    const raw = await RawKafkaClient.open(broker.handle.ports.kafka);
    await raw.request(ApiKey.Metadata, 9, { topics: [{ name: 'crc' }], allowAutoTopicCreation: true });
    const { encodeBatch } = await import('@robustmq/protocol/kafka');
    const batch = encodeBatch({
      baseOffset: 0,
      records: [{ timestamp: Date.now(), key: null, value: Buffer.from('x') }],
    });
    batch[batch.length - 1] ^= 1;
    const body = (await raw.request(ApiKey.Produce, 7, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 'crc', partitionData: [{ index: 0, records: batch }] }],
    })) as {
      responses: { partitionResponses: { errorCode: number }[] }[];
    };
    expect(body.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    raw.close();
  });
});
