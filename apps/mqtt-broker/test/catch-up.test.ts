// A subscriber behind its in-flight window catches up from the message log (session/session.ts). On a lone broker the
// log keeps its recent messages in memory (storage/message-log.ts, RECENT_MESSAGES): a session only a little behind —
// the usual case when many publishers feed one subscriber faster than it acknowledges for a moment — takes them from
// there and reads no storage; one further behind reads storage (counted in mqtt_log_reads_total) a batch at a time,
// each batch read once (session/catch-up-reader.ts). Either way it gets every message, in publish order. Real broker
// on rocksdb storage, a raw client that withholds its PUBACKs, MQTT.js publishing.
import { describe, expect, it } from 'vitest';
import type { IPublishPacket } from '@robustmq/protocol';
import { RawClient, sleep, waitUntil } from '@robustmq/testing';
import { useTestBroker } from '@robustmq/testing/broker';
import { CATCH_UP_BATCH } from '../src/session/catch-up-reader.js';
import { RECENT_MESSAGES } from '../src/storage/message-log.js';

const broker = useTestBroker({}, { storage: 'rocksdb' });

/** storage reads by sessions catching up, as /metrics reports them. */
async function logReads(): Promise<number> {
  const metrics = await (await fetch(`${broker.http}/metrics`)).text();
  const line = metrics.split('\n').find((l) => /^mqtt_log_reads_total[ {]/.test(l));
  if (line === undefined) throw new Error('mqtt_log_reads_total is not in /metrics');
  return Number(line.split(' ').pop());
}

/** Receives `total` messages, acknowledging what has arrived each time the client waits (so the window reopens in
 * steps, as a real client's acknowledgements come); returns the payloads in arrival order. */
async function receiveAll(raw: RawClient, total: number): Promise<string[]> {
  const received: string[] = [];
  while (received.length < total) {
    const first = (await raw.next('publish', 10_000)) as IPublishPacket;
    const batch = [first];
    for (let p = raw.packets.findIndex((x) => x.cmd === 'publish'); p >= 0;) {
      batch.push(raw.packets.splice(p, 1)[0] as IPublishPacket);
      p = raw.packets.findIndex((x) => x.cmd === 'publish');
    }
    for (const packet of batch) {
      received.push(packet.payload.toString());
      raw.send({ cmd: 'puback', messageId: packet.messageId! }, 5);
    }
  }
  return received;
}

async function laggingSubscriber(
  clientId: string,
  topic: string,
  receiveMaximum: number,
): Promise<RawClient> {
  const [raw] = await RawClient.connected(
    broker.handle.ports.mqtt,
    clientId,
    { version: 5, properties: { receiveMaximum } },
    broker.scope,
  );
  raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 1 }] }, 5);
  await raw.next('suback');
  return raw;
}

describe('a subscriber behind its in-flight window', () => {
  it('a little behind: catches up from the log kept in memory, in publish order, without reading storage', async () => {
    const raw = await laggingSubscriber('near-sub', 'catch/near', 10);
    const pub = await broker.client({ clientId: 'near-pub' });
    const readsBefore = await logReads();
    const start = broker.handle.broker.log.nextOffset;
    const total = 500;
    for (let i = 0; i < total; i++) pub.publish('catch/near', String(i), { qos: 1 });
    // everything accepted and durable while the subscriber acknowledges nothing: the session is 490 behind
    await waitUntil('all published', () => broker.handle.broker.log.durableOffset >= start + total);
    await sleep(100);
    expect(await receiveAll(raw, total)).toEqual(Array.from({ length: total }, (_, i) => String(i)));
    expect(await logReads()).toBe(readsBefore);
    // caught up, nobody reads the log: what becomes durable from now on is not kept for anyone
    await waitUntil('the subscriber is live again', () => broker.handle.broker.logReaderCount === 0);
    await pub.publishAsync('catch/near', 'last', { qos: 1 });
    const log = broker.handle.broker.log;
    expect(log.memoryOffset).toBe(log.durableOffset);
  });

  it('further behind than the log keeps in memory: reads storage for the rest, still in publish order, each record once', async () => {
    const raw = await laggingSubscriber('far-sub', 'catch/far', 100);
    const pub = await broker.client({ clientId: 'far-pub' });
    const readsBefore = await logReads();
    const start = broker.handle.broker.log.nextOffset;
    const total = RECENT_MESSAGES + 1_000;
    for (let i = 0; i < total; i++) pub.publish('catch/far', String(i), { qos: 1 });
    await waitUntil('all published', () => broker.handle.broker.log.durableOffset >= start + total, {
      timeoutMs: 30_000,
    });
    await sleep(100);
    expect(await receiveAll(raw, total)).toEqual(Array.from({ length: total }, (_, i) => String(i)));
    // ~900 messages came from storage, 100 per acknowledgement round: two reads of CATCH_UP_BATCH (the second one
    // read ahead), the rest of each batch kept for the next rounds; reading again each round took one per round
    const reads = (await logReads()) - readsBefore;
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(Math.ceil((total - RECENT_MESSAGES) / CATCH_UP_BATCH) + 1);
  });
});
