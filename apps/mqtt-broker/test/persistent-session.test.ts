// Persistent sessions with real clients: messages missed while offline come back from the log in order, unacked
// QoS 1 messages are resent with DUP, QoS 2 is exactly once both ways, and session expiry, will delay and message
// expiry behave as MQTT 5 says. Also: a QoS 1 PUBACK is sent only once the message is durable in
// storage (the suite runs on rocksdb, memory and journal storage: MQTT_TEST_STORAGE, see @robustmq/testing/broker).
import { describe, expect, it } from 'vitest';
import type { IPublishPacket } from '@robustmq/protocol';
import { collect, connectClient, connectPacket, RawClient, sleep } from '@robustmq/testing';
import { startTestBroker, useTestBroker } from '@robustmq/testing/broker';

const broker = useTestBroker();
const client = broker.client;

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe.each([
  { label: 'MQTT 3.1.1', options: { protocolVersion: 4 as const, clean: false } },
  {
    label: 'MQTT 5',
    options: { protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 300 } },
  },
])('$label persistent session', ({ label, options }) => {
  const id = label.replace(/\W/g, '');

  it('receives 10,000 QoS 1 messages missed while offline, in order, and says session present', async () => {
    const first = await connectClient(broker.url, { ...options, clientId: `${id}-offline` });
    expect(first.connected).toBe(true);
    await first.subscribeAsync(`${id}/bulk`, { qos: 1 });
    await first.endAsync();

    const pub = await client({ clientId: `${id}-bulk-pub` });
    const total = 10_000;
    await Promise.all(
      Array.from({ length: total }, (_, i) => pub.publishAsync(`${id}/bulk`, String(i), { qos: 1 })),
    );

    // collecting from before CONNECT: the queued messages may arrive in the same read as the CONNACK
    let got!: ReturnType<typeof collect>;
    const again = await client({ ...options, clientId: `${id}-offline` }, (c) => (got = collect(c)));
    expect(
      (again as unknown as { connackPacket: { sessionPresent: boolean } }).connackPacket.sessionPresent,
    ).toBe(true);
    const messages = await got.waitFor(total, 30_000);
    expect(messages.map((m) => Number(m.payload))).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(messages.every((m) => m.qos === 1)).toBe(true);
  });
});

it('resends an unacknowledged QoS 1 message with DUP after a reconnect, and only once acked not again', async () => {
  const raw = await RawClient.open(broker.handle.ports.mqtt);
  raw.send(connectPacket('dup-sub', { clean: false }));
  await raw.next('connack');
  raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'dup/t', qos: 1 }] });
  await raw.next('suback');
  const pub = await client({ clientId: 'dup-pub' });
  await pub.publishAsync('dup/t', 'unacked', { qos: 1 });
  const first = (await raw.next('publish')) as IPublishPacket;
  expect(first.dup).toBe(false);
  raw.destroy();
  await raw.closed;

  const again = await RawClient.open(broker.handle.ports.mqtt);
  again.send(connectPacket('dup-sub', { clean: false }));
  expect(await again.next('connack')).toMatchObject({ sessionPresent: true });
  const resent = (await again.next('publish')) as IPublishPacket;
  expect(resent).toMatchObject({ dup: true, messageId: first.messageId, topic: 'dup/t' });
  expect(resent.payload.toString()).toBe('unacked');
  again.send({ cmd: 'puback', messageId: resent.messageId! });
  await sleep(100);
  again.destroy();
  await again.closed;

  const third = await RawClient.open(broker.handle.ports.mqtt);
  third.send(connectPacket('dup-sub', { clean: false }));
  await third.next('connack');
  await expect(third.next('publish', 300)).rejects.toThrow(/no publish/);
  third.destroy();
});

it('QoS 2 is exactly once in both directions, also when the publisher resends and the subscriber reconnects', async () => {
  const sub = await client({ clientId: 'q2-sub', protocolVersion: 5 });
  const got = collect(sub);
  await sub.subscribeAsync('q2/t', { qos: 2 });

  // inbound: a resent PUBLISH (DUP) before PUBREL is not delivered again
  const [raw] = await RawClient.connected(broker.handle.ports.mqtt, 'q2-pub', { clean: false });
  const sendOne = (dup: boolean) =>
    raw.send({
      cmd: 'publish',
      topic: 'q2/t',
      payload: Buffer.from('one'),
      qos: 2,
      messageId: 7,
      dup,
      retain: false,
    });
  sendOne(false);
  expect(await raw.next('pubrec')).toMatchObject({ messageId: 7 });
  sendOne(true);
  expect(await raw.next('pubrec')).toMatchObject({ messageId: 7 });
  raw.send({ cmd: 'pubrel', messageId: 7 });
  expect(await raw.next('pubcomp')).toMatchObject({ messageId: 7 });
  raw.destroy();
  await got.waitFor(1);
  await sleep(200);
  expect(got.messages).toEqual([{ topic: 'q2/t', payload: 'one', qos: 2 }]);

  // outbound: after PUBREC the broker resends PUBREL, never the PUBLISH
  const out = await RawClient.open(broker.handle.ports.mqtt);
  out.send(connectPacket('q2-out', { clean: false }));
  await out.next('connack');
  out.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'q2/out', qos: 2 }] });
  await out.next('suback');
  await sub.publishAsync('q2/out', 'exactly once', { qos: 2 });
  const publish = (await out.next('publish')) as IPublishPacket;
  expect(publish.qos).toBe(2);
  out.send({ cmd: 'pubrec', messageId: publish.messageId! });
  expect(await out.next('pubrel')).toMatchObject({ messageId: publish.messageId });
  out.destroy();
  await out.closed;
  const back = await RawClient.open(broker.handle.ports.mqtt);
  back.send(connectPacket('q2-out', { clean: false }));
  await back.next('connack');
  expect(await back.next('pubrel')).toMatchObject({ messageId: publish.messageId });
  back.send({ cmd: 'pubcomp', messageId: publish.messageId! });
  await expect(back.next('publish', 300)).rejects.toThrow(/no publish/);
  back.destroy();
});

it('MQTT 5 session expiry ends the session; the will is published after its delay unless the client returns', async () => {
  const watcher = await client({ clientId: 'will-watch', protocolVersion: 5 });
  const wills: { topic: string; at: number }[] = [];
  watcher.on('message', (topic) => wills.push({ topic, at: Date.now() }));
  await watcher.subscribeAsync('wd/#', { qos: 1 });

  /** a persistent MQTT 5 session with a will `delay` seconds after the connection dies */
  const withWill = (clientId: string, sessionExpiryInterval: number, topic: string, delay: number) =>
    connectClient(broker.url, {
      clientId,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval },
      will: {
        topic,
        payload: Buffer.from('gone'),
        qos: 1,
        retain: false,
        properties: { willDelayInterval: delay },
      },
    });
  // dies, comes back within the delay: no will
  const returning = await withWill('wd-returning', 60, 'wd/returning', 1);
  // dies and stays away: will after ~1 s
  const leaving = await withWill('wd-leaving', 60, 'wd/leaving', 1);
  // session expires (1 s) before the will delay (30 s): the will goes at expiry
  const expiring = await withWill('wd-expiring', 1, 'wd/expiring', 30);
  const diedAt = Date.now();
  for (const c of [returning, leaving, expiring]) c.stream.destroy();
  await sleep(300);
  expect(wills).toEqual([]);
  /** reconnects `clientId` to its persistent session: whether the CONNACK says the session was there */
  const sessionPresent = async (clientId: string, sessionExpiryInterval: number) => {
    const c = await client({
      clientId,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval },
    });
    return (c as unknown as { connackPacket: { sessionPresent: boolean } }).connackPacket.sessionPresent;
  };
  expect(await sessionPresent('wd-returning', 60)).toBe(true);
  await waitUntil(() => wills.length >= 2, 4_000);
  await sleep(300);
  expect(wills.map((w) => w.topic).sort()).toEqual(['wd/expiring', 'wd/leaving']);
  for (const w of wills) expect(w.at - diedAt).toBeGreaterThanOrEqual(900);

  // the expired session is gone
  expect(await sessionPresent('wd-expiring', 1)).toBe(false);
});

it('MQTT 5 message expiry: a message that expires while the subscriber is away is not delivered', async () => {
  const first = await connectClient(broker.url, {
    clientId: 'mexp-sub',
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: 60 },
  });
  await first.subscribeAsync('mexp/t', { qos: 1 });
  await first.endAsync();
  const pub = await client({ clientId: 'mexp-pub', protocolVersion: 5 });
  await pub.publishAsync('mexp/t', 'short', { qos: 1, properties: { messageExpiryInterval: 1 } });
  await pub.publishAsync('mexp/t', 'long', { qos: 1, properties: { messageExpiryInterval: 60 } });
  await sleep(2_100);
  const got: { payload: string; expiry: number | undefined }[] = [];
  await client(
    { clientId: 'mexp-sub', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 60 } },
    (sub) =>
      sub.on('message', (_t, payload, packet) =>
        got.push({ payload: payload.toString(), expiry: packet.properties?.messageExpiryInterval }),
      ),
  );
  await waitUntil(() => got.length >= 1);
  await sleep(200);
  expect(got).toHaveLength(1);
  expect(got[0]!.payload).toBe('long');
  expect(got[0]!.expiry).toBeLessThanOrEqual(58);
});

it('sends PUBACK only once the message is readable from storage', async () => {
  const own = await startTestBroker();
  try {
    // the log's own durable read: the broker's storage, or the cluster's shared log when the storage is the journal
    const log = own.handle.broker.log;
    const base = log.nextOffset;
    const pub = await connectClient(own.url, { clientId: 'durable-pub' });
    const checks: Promise<unknown>[] = [];
    let acks = 0;
    pub.on('packetreceive', (packet) => {
      if (packet.cmd !== 'puback') return;
      // issued synchronously when the PUBACK arrives: storage shows only durable records, so this sees the state
      // at that moment (messages are acked in order, so the n-th PUBACK is for offset base + n)
      const offset = base + acks++;
      checks.push(log.read(offset, 1).then((records) => records[0]?.offset));
    });
    const total = 200;
    await Promise.all(
      Array.from({ length: total }, (_, i) => pub.publishAsync('durable/t', `m${i}`, { qos: 1 })),
    );
    const offsets = await Promise.all(checks);
    expect(offsets).toEqual(Array.from({ length: total }, (_, i) => base + i));
    await pub.endAsync();
  } finally {
    await own.stop();
  }
});
