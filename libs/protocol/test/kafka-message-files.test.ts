// Kafka's own message declarations (proto/kafka/*.json, verbatim from apache/kafka) as the codec reads them: every file
// of the API table is there and parses, names are camelCased, a declaration is cut at the codec's newest version (the
// fields of later versions are gone, so a decoded request carries no keys the broker never asked for), and a version
// beyond what the file declares is refused.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ApiKey,
  KAFKA_APIS,
  KAFKA_MESSAGE_DIR,
  KafkaReader,
  apiSpec,
  decodeMessage,
  encodeMessage,
  messageFromJson,
  parseMessageJson,
} from '../src/kafka/index.js';

const file = (name: string) =>
  parseMessageJson(readFileSync(new URL(`${name}.json`, KAFKA_MESSAGE_DIR), 'utf8'));

describe('Kafka message files', () => {
  it('every file in proto/kafka is one of the API table, request and response', () => {
    const names = readdirSync(KAFKA_MESSAGE_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
    const table = [...KAFKA_APIS.values()].flatMap((a) => [`${a.name}Request`, `${a.name}Response`]).sort();
    expect(names).toEqual(table);
    for (const api of KAFKA_APIS.values()) {
      expect(file(`${api.name}Request`).apiKey).toBe(api.apiKey);
      expect(api.request.spec.name).toBe(`${api.name}Request`);
    }
  });

  it('Fetch is cut at v12: topic ids (v13+) and replica state (v15+) are not read', () => {
    const upstream = file('FetchRequest');
    expect(upstream.validVersions).toBe('0-17');
    const fetch = apiSpec(ApiKey.Fetch)!;
    expect(fetch.request.validVersions).toEqual([0, 12]);
    const top = fetch.request.spec.fields.map((f) => f.name);
    expect(top).toContain('replicaId');
    expect(top).not.toContain('replicaState');
    const topics = fetch.request.spec.fields.find((f) => f.name === 'topics')!;
    expect(topics.fields!.map((f) => f.name)).toEqual(['topic', 'partitions']);
    // what a client writes in v12 decodes to exactly the fields of the cut declaration
    const bytes = encodeMessage(fetch.request, 12, {
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 7, partitionMaxBytes: 1024 }] }],
    }).result();
    const value = decodeMessage(fetch.request, 12, new KafkaReader(bytes));
    expect(Object.keys((value['topics'] as Record<string, unknown>[])[0]!)).toEqual(['topic', 'partitions']);
    expect(value).toMatchObject({ replicaId: -1, maxWaitMs: 500, sessionEpoch: -1 });
  });

  it('names are camelCased and defaults read from Kafka strings', () => {
    const spec = messageFromJson(file('JoinGroupRequest'), 9);
    expect(spec.fields.map((f) => f.name)).toEqual([
      'groupId',
      'sessionTimeoutMs',
      'rebalanceTimeoutMs',
      'memberId',
      'groupInstanceId',
      'protocolType',
      'protocols',
      'reason',
    ]);
    expect(spec.fields.find((f) => f.name === 'rebalanceTimeoutMs')!.default).toBe('-1');
  });

  it('a version beyond the file, or a file with commonStructs, is refused', () => {
    expect(() => messageFromJson(file('HeartbeatRequest'), 5)).toThrow(/declares v0-4, not v5/);
    expect(() => messageFromJson({ ...file('HeartbeatRequest'), commonStructs: [{}] }, 4)).toThrow(
      /commonStructs/,
    );
  });
});
