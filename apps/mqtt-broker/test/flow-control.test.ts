// A lone broker whose publishers send faster than it stores (storage/message-log.ts): what one poll phase reads is
// appended while the phase goes on, APPEND_NOW_AT messages at a time; and while BACKLOG_HIGH accepted messages wait
// to be durable, the sockets of the clients publishing them stop being read — at once, at the handle
// (transport/read-gate.ts) — and are read again once the backlog is down to BACKLOG_LOW. Nothing is dropped: every
// message is acknowledged and delivered in order. Real broker on rocksdb storage, a raw publisher, an MQTT.js
// subscriber.
import { describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { encodePacket } from '@robustmq/protocol';
import type { AppendRecord } from '@robustmq/storage-adapter';
import { RawClient, connectPacket, sleep, waitUntil } from '@robustmq/testing';
import { useTestBroker } from '@robustmq/testing/broker';
import { APPEND_NOW_AT, BACKLOG_HIGH, type MessageLog } from '../src/storage/message-log.js';

const broker = useTestBroker({}, { storage: 'rocksdb' });

/** `count` QoS 1 PUBLISH packets to `topic` with payloads `${from}` … `${from + count - 1}`, as one buffer. */
function publishes(topic: string, from: number, count: number): Buffer {
  return Buffer.concat(
    Array.from({ length: count }, (_, k) =>
      encodePacket(
        {
          cmd: 'publish',
          topic,
          payload: Buffer.from(String(from + k)),
          qos: 1,
          messageId: ((from + k) % 0xffff) + 1,
          retain: false,
          dup: false,
        },
        4,
      ),
    ),
  );
}

async function publisher(clientId: string): Promise<RawClient> {
  const raw = await RawClient.open(broker.handle.ports.mqtt, 4, broker.scope);
  raw.send(connectPacket(clientId));
  await raw.next('connack');
  return raw;
}

function pubacks(raw: RawClient): number {
  return raw.packets.filter((p) => p.cmd === 'puback').length;
}

async function subscriber(topic: string): Promise<string[]> {
  const sub = await broker.client({ clientId: `${topic.replace(/\W/g, '-')}-sub` });
  await sub.subscribeAsync(topic, { qos: 1 });
  const got: string[] = [];
  sub.on('message', (_topic, payload) => got.push(payload.toString()));
  return got;
}

const upTo = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i));

/** Makes every append wait for `held` first; returns the sizes of the appends asked for and the undo. */
function holdAppends(log: MessageLog, held: Promise<void>): { sizes: number[]; restore: () => void } {
  const storage = log.storage;
  const realAppend = storage.append.bind(storage);
  const sizes: number[] = [];
  storage.append = async (shard: string, records: AppendRecord[], options) => {
    sizes.push(records.length);
    await held;
    return realAppend(shard, records, options);
  };
  return { sizes, restore: () => (storage.append = realAppend) };
}

describe('a lone broker whose storage is behind its publishers', () => {
  it('appends a flood while reading it: the first append goes as soon as APPEND_NOW_AT messages wait', async () => {
    const got = await subscriber('flow/now');
    const raw = await publisher('flow-now');
    const log = broker.handle.broker.log as MessageLog;
    const appends = holdAppends(log, Promise.resolve());
    try {
      // one socket write, read in one poll phase: before, the first append waited for that phase to end and took
      // everything read by then
      const count = 4 * APPEND_NOW_AT;
      raw.socket.write(publishes('flow/now', 0, count));
      await waitUntil('every PUBACK', () => pubacks(raw) === count, { timeoutMs: 30_000 });
      await waitUntil('every message delivered', () => got.length === count, { timeoutMs: 30_000 });
      expect(got).toEqual(upTo(count));
      expect(appends.sizes[0]).toBe(APPEND_NOW_AT);
    } finally {
      appends.restore();
    }
  }, 60_000);

  it('paces a publisher far ahead of storage: appends stay within BACKLOG_HIGH, every message is acknowledged and delivered in order', async () => {
    const got = await subscriber('flow/flood');
    const raw = await publisher('flow-flood');
    const log = broker.handle.broker.log as MessageLog;
    const before = log.appendStats.largestBatch;
    // one socket write, more than BACKLOG_HIGH messages: without flow control the broker reads all of it as fast as
    // it can decode, whatever storage has taken
    const count = BACKLOG_HIGH + 30_000;
    raw.socket.write(publishes('flow/flood', 0, count));
    await waitUntil('every PUBACK', () => pubacks(raw) === count, { timeoutMs: 30_000 });
    await waitUntil('every message delivered', () => got.length === count, { timeoutMs: 30_000 });
    expect(got).toEqual(upTo(count));
    expect(Math.max(before, log.appendStats.largestBatch)).toBeLessThanOrEqual(BACKLOG_HIGH);
  }, 60_000);

  it('reads nothing more from a paused publisher until storage catches up', async () => {
    const got = await subscriber('flow/held');
    const raw = await publisher('flow-held');
    const log = broker.handle.broker.log as MessageLog;
    let release!: () => void;
    // storage takes its time: appends wait until the test lets them go
    const appends = holdAppends(log, new Promise<void>((resolve) => (release = resolve)));
    try {
      const first = BACKLOG_HIGH + 10;
      raw.socket.write(publishes('flow/held', 0, first));
      await waitUntil('the log backlogged', () => log.backlogged);
      const socket = broker.handle.broker.connectionOf('flow-held')!.socket as Socket;
      await sleep(50);
      const readBefore = socket.bytesRead;
      // small writes, as a device sends: a socket that is only paused goes on being read until its buffer holds a
      // high-water mark's worth (16 KiB), one read per write
      const more = 50;
      for (let k = 0; k < more; k++) {
        raw.socket.write(publishes('flow/held', first + k, 1));
        await sleep(4);
      }
      await sleep(100);
      expect(socket.bytesRead).toBe(readBefore);
      expect(pubacks(raw)).toBe(0);
      release();
      await waitUntil('every PUBACK', () => pubacks(raw) === first + more, { timeoutMs: 30_000 });
      await waitUntil('every message delivered', () => got.length === first + more, { timeoutMs: 30_000 });
      expect(got).toEqual(upTo(first + more));
      expect(socket.bytesRead).toBeGreaterThan(readBefore);
    } finally {
      appends.restore();
      release();
    }
  }, 60_000);
});
