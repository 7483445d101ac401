// Configured limits: topic levels and length (PUBLISH → DISCONNECT 0x90, SUBSCRIBE → SUBACK 0x8F/0x80), how far a
// session may fall behind before QoS 0 is dropped for it (mqtt.max_queued_messages, counted), and a subscriber that
// stops reading its socket, which must not stall the publisher or a fast subscriber.
import { beforeAll, expect, it } from 'vitest';
import { connect } from 'node:net';
import type { IDisconnectPacket, Packet } from '@robustmq/protocol';
import { encodePacket } from '@robustmq/protocol';
import { collect, connectClient, mqttClients, RawClient, sleep, testScope } from '@robustmq/testing';
import { startTestBroker, type TestBroker } from '@robustmq/testing/broker';

const scope = testScope();
/** the broker's Receive Maximum here: small, so the flood below always runs into it (a publisher must respect it). */
const RECEIVE_MAXIMUM = 100;
let broker: TestBroker;

beforeAll(async () => {
  broker = scope.add(
    await startTestBroker({
      max_topic_levels: 4,
      max_topic_length: 40,
      max_write_buffer_bytes: 256 * 1024,
      receive_maximum: RECEIVE_MAXIMUM,
    }),
  );
});

const client = mqttClients(scope, () => broker.url, { protocolVersion: 5 });

it.each([
  ['too many levels', 'a/b/c/d/e', /5 levels/],
  ['too long', `t/${'x'.repeat(40)}`, /longer than 40/],
])(
  'PUBLISH to a topic with %s → DISCONNECT 0x90 with a reason string (MQTT 5), closed (3.1.1)',
  async (_name, topic, reason) => {
    const [raw] = await RawClient.connected(broker.handle.ports.mqtt, `limit-${topic.length}`, {
      version: 5,
    });
    raw.send({ cmd: 'publish', topic, payload: Buffer.from('x'), qos: 0, dup: false, retain: false }, 5);
    const disconnect = (await raw.next('disconnect')) as IDisconnectPacket;
    expect(disconnect.reasonCode).toBe(0x90);
    expect(disconnect.properties?.reasonString).toMatch(reason);

    const [v4] = await RawClient.connected(broker.handle.ports.mqtt, `limit4-${topic.length}`, {
      version: 4,
    });
    v4.send({ cmd: 'publish', topic, payload: Buffer.from('x'), qos: 0, dup: false, retain: false });
    expect(await v4.closesWithin(2_000)).toBe(true);
  },
);

it('SUBSCRIBE beyond the limits fails only that filter (0x8F / 0x80)', async () => {
  const c5 = await client();
  const granted = await c5
    .subscribeAsync(['ok/+', 'a/b/c/d/#'], { qos: 1 })
    .catch((err: { packet: { granted: number[] } }) => err.packet.granted);
  expect(
    Array.isArray(granted) && typeof granted[0] === 'number'
      ? granted
      : (granted as { qos: number }[]).map((g) => g.qos),
  ).toEqual([1, 0x8f]);
});

it('a session far behind the log skips QoS 0 first (counted); QoS 1 all arrive', async () => {
  const lagging = await startTestBroker({ max_queued_messages: 10 });
  try {
    const options = {
      protocolVersion: 5 as const,
      clientId: 'lagging',
      clean: false,
      properties: { sessionExpiryInterval: 60 },
    };
    const first = await connectClient(lagging.url, options);
    await first.subscribeAsync('lag/#', { qos: 1 });
    await first.endAsync();
    const pub = await connectClient(lagging.url, { protocolVersion: 5 });
    for (let i = 0; i < 20; i++) await pub.publishAsync('lag/q0', `q0-${i}`, { qos: 0 });
    for (let i = 0; i < 5; i++) await pub.publishAsync('lag/q1', `q1-${i}`, { qos: 1 });
    await pub.endAsync();
    const dropped = lagging.handle.broker.stats.messagesDropped;
    // listening before CONNECT: what the session kept may come right behind the CONNACK
    let got: ReturnType<typeof collect> | undefined;
    const again = await connectClient(lagging.url, options, undefined, (c) => (got = collect(c)));
    await got!.waitFor(10);
    await sleep(200);
    expect(got!.messages.map((m) => m.payload)).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `q0-${i + 15}`),
      ...Array.from({ length: 5 }, (_, i) => `q1-${i}`),
    ]);
    expect(lagging.handle.broker.stats.messagesDropped - dropped).toBe(15);
    await again.endAsync();
  } finally {
    await lagging.stop();
  }
});

it('a subscriber that stops reading does not stall the publisher or a fast subscriber', async () => {
  // the stalled one: subscribes (QoS 0 and QoS 1) and then never reads its socket again
  const stalled = connect(broker.handle.ports.mqtt, '127.0.0.1');
  await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
  stalled.write(
    encodePacket(
      {
        cmd: 'connect',
        clientId: 'stalled',
        protocolVersion: 4,
        protocolId: 'MQTT',
        clean: true,
        keepalive: 0,
      } as Packet,
      4,
    ),
  );
  stalled.write(
    encodePacket(
      {
        cmd: 'subscribe',
        messageId: 1,
        subscriptions: [
          { topic: 'flood/0', qos: 0 },
          { topic: 'flood/1', qos: 1 },
        ],
      } as Packet,
      4,
    ),
  );
  await sleep(200);
  stalled.pause();

  const fast = await client({ protocolVersion: 4 });
  const got = collect(fast);
  await fast.subscribeAsync('flood/#', { qos: 1 });
  const pub = await client();
  // the publisher is gone if the broker disconnected it (MQTT.js would leave its publishes pending forever)
  const disconnected = new Promise<never>((_resolve, reject) => {
    pub.once('disconnect', (packet) =>
      reject(
        new Error(
          `publisher disconnected: reason 0x${packet.reasonCode?.toString(16)} ${packet.properties?.reasonString ?? ''}`,
        ),
      ),
    );
    pub.once('close', () => reject(new Error('publisher connection closed')));
  });
  const payload = Buffer.alloc(8 * 1024, 7);
  const count = 2000; // ~16 MB: the QoS 0 half alone (8 MB) is beyond what the kernel buffers of the stalled socket hold (4 MB send + its receive buffer)
  const start = Date.now();
  // the QoS 0 half first: while the stalled session only gets QoS 0 it stays live, so what its full socket cannot
  // take is dropped and counted (once its QoS 1 window is full it reads the log instead, where nothing is dropped).
  // As fast as MQTT 5 lets it: at most Receive Maximum unacknowledged (MQTT-3.3.4-7). MQTT.js does not keep to the
  // server's Receive Maximum itself, and the broker rightly disconnects a client that sends more (0x93) — which is
  // what made this test hang under load, when durable appends (and so PUBACKs) fell 1,000 messages behind.
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await pub.publishAsync(`flood/${i < count / 2 ? 0 : 1}`, payload, { qos: 1 });
    }
  };
  await Promise.race([Promise.all(Array.from({ length: RECEIVE_MAXIMUM }, sender)), disconnected]);
  await got.waitFor(count, 20_000);
  expect(Date.now() - start).toBeLessThan(20_000);
  expect(got.messages).toHaveLength(count);
  expect(broker.handle.broker.stats.messagesDropped).toBeGreaterThan(0); // QoS 0 to the stalled one
  stalled.destroy();
});
