// A failed message-log append fails only its own batch: those QoS 1/2 publishers are never acknowledged (MQTT 5:
// PUBACK/PUBREC 0x80; 3.1.1: the connection is closed without an ack), and the very next batch is stored, delivered
// and acknowledged as usual — also to a persistent session that was offline across the failure, which gets every
// stored message and nothing of the failed batch. Storage really fails here: the broker's own memory adapter has its
// append() wrapped so that the next calls on the message shard reject — before writing, or after writing (a storage
// that wrote but could not say so).
import mqtt from 'mqtt';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodePacket, type IPubackPacket, type IPubrecPacket, type Packet } from '@robustmq/protocol';
import type { StorageAdapter } from '@robustmq/storage-adapter';
import { MESSAGE_SHARD } from '../src/index.js';
import { collect, connectClient, connectPacket, RawClient, sleep, testScope } from '@robustmq/testing';
import { useTestBroker } from '@robustmq/testing/broker';

type FailMode = 'before-write' | 'after-write';

/** Makes the next `count` appends to the message shard fail, in the given way. */
function failingAppends(storage: StorageAdapter): {
  failNext(count: number, mode: FailMode): void;
  failed: number;
} {
  const realAppend = storage.append.bind(storage);
  const state = { left: 0, mode: 'before-write' as FailMode, failed: 0 };
  storage.append = async (shard, records) => {
    if (shard !== MESSAGE_SHARD || state.left === 0) return realAppend(shard, records);
    state.left--;
    state.failed++;
    if (state.mode === 'after-write') await realAppend(shard, records);
    throw new Error('injected storage failure');
  };
  return {
    failNext(count, mode) {
      state.left = count;
      state.mode = mode;
    },
    get failed() {
      return state.failed;
    },
  };
}

/** Sends packets in one socket write, so the broker reads them in one turn and they share one append. */
function sendTogether(client: RawClient, packets: Packet[], version: 4 | 5): void {
  client.socket.write(Buffer.concat(packets.map((p) => encodePacket(p, version))));
}

const broker = useTestBroker({}, { storage: 'memory' });
const eachTest = testScope('each');
let failures: ReturnType<typeof failingAppends>;

beforeAll(async () => {
  failures = failingAppends(broker.handle.broker.storage);
});

async function raw(clientId: string, version: 4 | 5): Promise<RawClient> {
  const client = await RawClient.open(broker.handle.ports.mqtt, version, eachTest);
  client.send(connectPacket(clientId, { version }), version);
  await client.next('connack');
  return client;
}

describe.each(['before-write', 'after-write'] as const)('an append that fails %s', (mode) => {
  it('MQTT 5: the failed QoS 1 and QoS 2 publishes get reason 0x80, the next ones are stored and acknowledged', async () => {
    const topic = `fail5/${mode}`;
    const sub = await broker.client({ protocolVersion: 5, clientId: `sub5-${mode}` });
    await sub.subscribeAsync(topic, { qos: 1 });
    const got = collect(sub);
    const pub = await raw(`pub5-${mode}`, 5);

    failures.failNext(1, mode);
    sendTogether(
      pub,
      [
        {
          cmd: 'publish',
          topic,
          payload: Buffer.from('lost-1'),
          qos: 1,
          messageId: 1,
          retain: false,
          dup: false,
        },
        {
          cmd: 'publish',
          topic,
          payload: Buffer.from('lost-2'),
          qos: 2,
          messageId: 2,
          retain: false,
          dup: false,
        },
      ],
      5,
    );
    expect(((await pub.next('puback')) as IPubackPacket).reasonCode).toBe(0x80);
    expect(((await pub.next('pubrec')) as IPubrecPacket).reasonCode).toBe(0x80);

    pub.send(
      {
        cmd: 'publish',
        topic,
        payload: Buffer.from('kept'),
        qos: 1,
        messageId: 3,
        retain: false,
        dup: false,
      },
      5,
    );
    const ack = (await pub.next('puback')) as IPubackPacket;
    expect(ack.messageId).toBe(3);
    expect(ack.reasonCode ?? 0).toBe(0);
    const messages = await got.waitFor(3);
    // online subscribers get messages as they are routed, before storage answers
    expect(messages.map((m) => m.payload)).toContain('kept');
    expect(broker.handle.broker.log.failed).toBeUndefined();
  });

  it('MQTT 3.1.1: the failed publisher is disconnected without an ack; a new connection publishes fine', async () => {
    const topic = `fail4/${mode}`;
    const pub = await raw(`pub4-${mode}`, 4);
    failures.failNext(1, mode);
    pub.send({
      cmd: 'publish',
      topic,
      payload: Buffer.from('lost'),
      qos: 1,
      messageId: 7,
      retain: false,
      dup: false,
    });
    expect(await pub.closesWithin(2_000)).toBe(true);
    expect(pub.packets.filter((p) => p.cmd === 'puback')).toEqual([]);

    const again = await raw(`pub4-${mode}`, 4);
    again.send({
      cmd: 'publish',
      topic,
      payload: Buffer.from('kept'),
      qos: 1,
      messageId: 8,
      retain: false,
      dup: false,
    });
    expect((await again.next('puback')).messageId).toBe(8);
  });
});

it('a persistent session offline across failed appends gets every stored message in order and none of the failed', async () => {
  const topic = 'fail/offline';
  const options = {
    protocolVersion: 5 as const,
    clean: false,
    clientId: 'offline-sub',
    properties: { sessionExpiryInterval: 300 },
  };
  const first = await connectClient(broker.url, options);
  await first.subscribeAsync(topic, { qos: 1 });
  await first.endAsync();

  const pub = await raw('offline-pub', 5);
  let id = 1;
  const publish = (...payloads: string[]): void =>
    sendTogether(
      pub,
      payloads.map((p) => ({
        cmd: 'publish',
        topic,
        payload: Buffer.from(p),
        qos: 1,
        messageId: id++,
        retain: false,
        dup: false,
      })),
      5,
    );
  const acks = async (count: number): Promise<number[]> => {
    const codes: number[] = [];
    for (let i = 0; i < count; i++) codes.push(((await pub.next('puback')) as IPubackPacket).reasonCode ?? 0);
    return codes;
  };

  publish('a');
  expect(await acks(1)).toEqual([0]);
  failures.failNext(1, 'before-write');
  publish('lost-1', 'lost-2');
  expect(await acks(2)).toEqual([0x80, 0x80]);
  failures.failNext(1, 'after-write');
  publish('lost-3');
  expect(await acks(1)).toEqual([0x80]);
  publish('b');
  await sleep(5); // its own turn, so its own append
  publish('c');
  expect(await acks(2)).toEqual([0, 0]);

  // listening before CONNECT: the stored messages follow the CONNACK at once
  const again = broker.scope.add(mqtt.connect(broker.url, { ...options, reconnectPeriod: 0 }), (c) =>
    c.endAsync(true),
  );
  const got = collect(again);
  const messages = await got.waitFor(3);
  await sleep(200);
  // 'lost-3' was written by the storage that then failed: it may come back (at least once), the others may not
  expect(messages.map((m) => m.payload).filter((p) => p !== 'lost-3')).toEqual(['a', 'b', 'c']);
  expect(failures.failed).toBe(6);
});
