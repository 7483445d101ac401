// Publish/subscribe through a real broker with MQTT.js clients of each protocol version: wildcards, unsubscribe,
// $-topics, QoS 1, overlapping subscriptions and will messages.
import { describe, expect, it } from 'vitest';
import { collect, connectClient, sleep } from '@robustmq/testing';
import { useTestBroker } from '@robustmq/testing/broker';

const broker = useTestBroker();
const client = broker.client;

const versions = [
  { name: 'MQTT 3.1', options: { protocolVersion: 3, protocolId: 'MQIsdp' } },
  { name: 'MQTT 3.1.1', options: { protocolVersion: 4 } },
  { name: 'MQTT 5.0', options: { protocolVersion: 5 } },
] as const;

describe.each(versions)('$name', ({ name, options }) => {
  const prefix = `v-${name.replace(/\W/g, '')}`;

  it('delivers to exact, + and # subscribers and not to others', async () => {
    const exact = await client({ ...options, clientId: `${prefix}-exact` });
    const plus = await client({ ...options, clientId: `${prefix}-plus` });
    const hash = await client({ ...options, clientId: `${prefix}-hash` });
    const other = await client({ ...options, clientId: `${prefix}-other` });
    const publisher = await client({ ...options, clientId: `${prefix}-pub` });
    const got = { exact: collect(exact), plus: collect(plus), hash: collect(hash), other: collect(other) };

    expect((await exact.subscribeAsync(`${prefix}/sensors/1/temp`))[0]!.qos).toBe(0);
    await plus.subscribeAsync(`${prefix}/sensors/+/temp`);
    await hash.subscribeAsync(`${prefix}/#`);
    await other.subscribeAsync(`${prefix}/actuators/+`);

    await publisher.publishAsync(`${prefix}/sensors/1/temp`, '21.5');
    await publisher.publishAsync(`${prefix}/sensors/2/humidity`, '40');

    expect(await got.exact.waitFor(1)).toEqual([
      { topic: `${prefix}/sensors/1/temp`, payload: '21.5', qos: 0 },
    ]);
    expect((await got.plus.waitFor(1)).map((m) => m.payload)).toEqual(['21.5']);
    expect((await got.hash.waitFor(2)).map((m) => m.payload)).toEqual(['21.5', '40']);
    await sleep(100);
    expect(got.other.messages).toEqual([]);
    expect(got.exact.messages).toHaveLength(1);
    expect(got.plus.messages).toHaveLength(1);
  });

  it('grants and delivers QoS 1 and 2', async () => {
    const sub = await client({ ...options, clientId: `${prefix}-q1sub` });
    const pub = await client({ ...options, clientId: `${prefix}-q1pub` });
    const got = collect(sub);
    const granted = await sub.subscribeAsync(`${prefix}/q1`, { qos: 2 });
    expect(granted[0]!.qos).toBe(2);
    await pub.publishAsync(`${prefix}/q1`, 'once', { qos: 1 });
    await pub.publishAsync(`${prefix}/q1`, 'twice', { qos: 2 });
    expect(await got.waitFor(2)).toEqual([
      { topic: `${prefix}/q1`, payload: 'once', qos: 1 },
      { topic: `${prefix}/q1`, payload: 'twice', qos: 2 },
    ]);
  });
});

it('clients of different versions talk to each other', async () => {
  const v3 = await client({ protocolVersion: 3, protocolId: 'MQIsdp', clientId: 'mix-v3' });
  const v5 = await client({ protocolVersion: 5, clientId: 'mix-v5' });
  const got3 = collect(v3);
  const got5 = collect(v5);
  await v3.subscribeAsync('mix/+');
  await v5.subscribeAsync('mix/#');
  await v5.publishAsync('mix/a', 'from v5', { properties: { contentType: 'text/plain' } });
  await v3.publishAsync('mix/b', 'from v3');
  expect((await got3.waitFor(2)).map((m) => m.payload).sort()).toEqual(['from v3', 'from v5']);
  expect((await got5.waitFor(2)).map((m) => m.payload).sort()).toEqual(['from v3', 'from v5']);
});

it("MQTT 5 No Local keeps a client's own messages from it", async () => {
  const self = await client({ protocolVersion: 5, clientId: 'nolocal-self' });
  const other = await client({ protocolVersion: 5, clientId: 'nolocal-other' });
  const gotSelf = collect(self);
  const gotOther = collect(other);
  await self.subscribeAsync('nolocal/t', { qos: 1, nl: true });
  await other.subscribeAsync('nolocal/t', { qos: 1 });
  await self.publishAsync('nolocal/t', 'mine', { qos: 1, properties: { userProperties: { k: 'v' } } });
  await other.publishAsync('nolocal/t', 'theirs', { qos: 1 });
  expect((await gotSelf.waitFor(1)).map((m) => m.payload)).toEqual(['theirs']);
  expect((await gotOther.waitFor(2)).map((m) => m.payload)).toEqual(['mine', 'theirs']);
  await sleep(50);
  expect(gotSelf.messages).toHaveLength(1);
});

it('unsubscribe stops delivery', async () => {
  const sub = await client({ clientId: 'unsub-sub' });
  const pub = await client({ clientId: 'unsub-pub' });
  const got = collect(sub);
  await sub.subscribeAsync('unsub/topic');
  await pub.publishAsync('unsub/topic', 'before');
  await got.waitFor(1);
  await sub.unsubscribeAsync('unsub/topic');
  await pub.publishAsync('unsub/topic', 'after');
  // a round trip on another topic proves the broker handled "after" before we look
  await sub.subscribeAsync('unsub/marker');
  await pub.publishAsync('unsub/marker', 'marker');
  expect((await got.waitFor(2)).map((m) => m.payload)).toEqual(['before', 'marker']);
});

it('$SYS topics are not matched by # or +, only by filters that name $SYS', async () => {
  const all = await client({ clientId: 'dollar-all' });
  const sys = await client({ clientId: 'dollar-sys' });
  const pub = await client({ clientId: 'dollar-pub' });
  const gotAll = collect(all);
  const gotSys = collect(sys);
  await all.subscribeAsync(['#', '+/x']);
  await sys.subscribeAsync('$SYS/#');
  await pub.publishAsync('$SYS/x', 'system');
  await pub.publishAsync('plain/marker', 'marker');
  expect((await gotSys.waitFor(1)).map((m) => m.topic)).toEqual(['$SYS/x']);
  await gotAll.waitFor(1);
  await sleep(50);
  expect(gotAll.messages.map((m) => m.topic)).not.toContain('$SYS/x');
});

it('overlapping subscriptions deliver one copy', async () => {
  const sub = await client({ clientId: 'overlap-sub' });
  const pub = await client({ clientId: 'overlap-pub' });
  const got = collect(sub);
  await sub.subscribeAsync(['overlap/+', 'overlap/#', 'overlap/a']);
  await pub.publishAsync('overlap/a', 'one');
  await pub.publishAsync('overlap/b', 'two');
  await got.waitFor(2);
  await sleep(50);
  expect(got.messages.map((m) => m.payload)).toEqual(['one', 'two']);
});

it('publishes the will of a client that vanishes, not of one that says DISCONNECT', async () => {
  const watcher = await client({ clientId: 'will-watcher' });
  const got = collect(watcher);
  await watcher.subscribeAsync('will/+');
  const polite = await connectClient(broker.url, {
    clientId: 'will-polite',
    will: { topic: 'will/polite', payload: Buffer.from('bye'), qos: 0, retain: false },
  });
  await polite.endAsync();
  const rude = await connectClient(broker.url, {
    clientId: 'will-rude',
    will: { topic: 'will/rude', payload: Buffer.from('gone'), qos: 0, retain: false },
  });
  rude.stream.destroy();
  expect(await got.waitFor(1)).toEqual([{ topic: 'will/rude', payload: 'gone', qos: 0 }]);
  await sleep(50);
  expect(got.messages).toHaveLength(1);
});

it('a second connection with the same client id takes over', async () => {
  const first = await connectClient(broker.url, { clientId: 'takeover' });
  const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
  const second = await client({ clientId: 'takeover' });
  await firstClosed;
  expect(second.connected).toBe(true);
  expect(broker.handle.broker.listClients().filter((c) => c.clientId === 'takeover')).toHaveLength(1);
  await first.endAsync(true);
});

it('MQTT 5 clients are told what is available and get an assigned client id', async () => {
  const c = await client({ protocolVersion: 5, clientId: '' });
  const props =
    (c as unknown as { connackPacket?: { properties?: Record<string, unknown> } }).connackPacket
      ?.properties ?? {};
  expect(props).toMatchObject({
    topicAliasMaximum: broker.config.mqtt.topic_alias_max,
    // never more than the QoS 2 messages it keeps awaiting PUBREL
    receiveMaximum: Math.min(broker.config.mqtt.receive_maximum, broker.config.mqtt.max_awaiting_rel),
    maximumPacketSize: broker.config.mqtt.max_packet_size,
  });
  // retain, shared subscriptions, subscription identifiers and wildcards are available: the spec's defaults, so the
  // CONNACK leaves them out (§3.2.2.3) and a client with a small Maximum Packet Size still gets its CONNACK
  for (const name of [
    'retainAvailable',
    'sharedSubscriptionAvailable',
    'subscriptionIdentifiersAvailable',
    'wildcardSubscriptionAvailable',
  ]) {
    expect(props[name], name).toBeUndefined();
  }
  expect(typeof props.assignedClientIdentifier).toBe('string');
});
