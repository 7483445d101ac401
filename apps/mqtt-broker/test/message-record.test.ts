// The message log's record layout: a message survives the trip through a record (framed payload, MQTT 5 properties
// as headers), records of the older header layout still read, and anything else — a placeholder for a failed
// append, a record some other writer put there, a damaged framed payload — is "not a message", never an exception.
import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '@robustmq/storage-adapter';
import { OutgoingPublish } from '../src/packets/outgoing-publish.js';
import { messageToRecord, recordToMessage } from '../src/storage/message-record.js';

function stored(record: ReturnType<typeof messageToRecord>, offset = 7): StoredRecord {
  const headers = Array.isArray(record.headers) ? record.headers : [];
  return {
    offset,
    timestamp: record.timestamp ?? 0,
    key: undefined,
    tags: [],
    headers,
    payload: record.payload,
    crc: 0,
  };
}

describe('message records', () => {
  it.each([
    new OutgoingPublish('a/b', Buffer.from('hello'), 1, false, undefined, 'client-1', 1_000),
    new OutgoingPublish('sensors/ü/温度', Buffer.alloc(0), 2, true, undefined, undefined, 2_000),
    // short ASCII strings are written a character at a time: either side of that bound, and a short non-ASCII one
    new OutgoingPublish('a'.repeat(64), Buffer.from('x'), 0, false, undefined, 'p'.repeat(65), 4_000),
    new OutgoingPublish('b'.repeat(65), Buffer.from('y'), 1, false, undefined, 'pub-ü', 5_000),
    new OutgoingPublish(
      't',
      Buffer.alloc(70_000, 9),
      0,
      true,
      {
        contentType: 'x/y',
        messageExpiryInterval: 60,
        userProperties: { a: ['1', '2'], b: 'c' },
        correlationData: Buffer.from([0, 255]),
        payloadFormatIndicator: true,
        responseTopic: 'r',
      },
      'ç'.repeat(300),
      3_000,
    ),
  ])('round-trips %#', (message) => {
    const record = messageToRecord(message);
    const back = recordToMessage(stored(record))!;
    expect(back).toBeDefined();
    expect([back.topic, back.qos, back.retain, back.publisher, back.timestamp, back.offset]).toEqual([
      message.topic,
      message.qos,
      message.retain,
      message.publisher,
      message.timestamp,
      7,
    ]);
    expect(back.payload.equals(message.payload)).toBe(true);
    expect(back.properties).toEqual(message.properties);
    if (!message.properties) expect(record.headers).toEqual([]);
  });

  it('reads records of the header layout', () => {
    const back = recordToMessage({
      offset: 3,
      timestamp: 5,
      tags: [],
      headers: [
        { name: 't', value: 'old/topic' },
        { name: 'f', value: '11' },
        { name: 'c', value: 'pub' },
        { name: 'ct', value: 'text/plain' },
      ],
      payload: Buffer.from('old'),
      crc: 0,
    })!;
    expect([back.topic, back.qos, back.retain, back.publisher, back.payload.toString()]).toEqual([
      'old/topic',
      1,
      true,
      'pub',
      'old',
    ]);
    expect(back.properties).toEqual({ contentType: 'text/plain' });
  });

  it('is not a message: placeholders, foreign records, damaged framed payloads', () => {
    const framed = messageToRecord(
      new OutgoingPublish('a/b', Buffer.from('x'), 1, false, undefined, 'client'),
    ).payload;
    const cases = [
      Buffer.alloc(0), // the placeholder of a failed append
      Buffer.from('some other writer'),
      framed.subarray(0, 3),
      framed.subarray(0, 6), // topic cut off
      framed.subarray(0, 8), // publisher length cut off
      framed.subarray(0, 11), // publisher cut off
    ];
    for (const payload of cases) {
      expect(
        recordToMessage({ offset: 0, timestamp: 0, tags: [], headers: [], payload, crc: 0 }),
      ).toBeUndefined();
    }
  });
});
