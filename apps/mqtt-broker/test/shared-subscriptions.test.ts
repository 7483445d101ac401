// Shared subscriptions `$share/<group>/<filter>`: each message goes to exactly one member of a group, round robin,
// at that member's QoS; groups are independent of each other and of plain subscriptions; when a member leaves the
// others carry on; bad share names get SUBACK 0x8F (MQTT 5) / 0x80 (3.1.1). MQTT.js 5 and 3.1.1, and mosquitto_sub.
import { expect, it } from 'vitest';
import type { ISubackPacket, Packet } from '@robustmq/protocol';
import { collect, connectClient, RawClient, mosquitto, sleep } from '@robustmq/testing';
import { useTestBroker } from '@robustmq/testing/broker';

const broker = useTestBroker({}, {}, { protocolVersion: 5 });
const client = broker.client;

it('is announced, and a group gets each message exactly once, round robin, next to a plain subscriber', async () => {
  const members = await Promise.all([client(), client(), client({ protocolVersion: 4 })]);
  const got = members.map(collect);
  for (const m of members) await m.subscribeAsync('$share/g1/jobs/+', { qos: 1 });
  const other = await client();
  const otherGot = collect(other);
  await other.subscribeAsync('$share/g2/jobs/#', { qos: 0 });
  const plain = await client();
  const plainGot = collect(plain);
  await plain.subscribeAsync('jobs/#');
  const pub = await client();
  for (let i = 0; i < 30; i++) await pub.publishAsync(`jobs/${i}`, `job-${i}`, { qos: 1 });
  await plainGot.waitFor(30);
  await otherGot.waitFor(30);
  await sleep(100);
  const counts = got.map((g) => g.messages.length);
  expect(counts).toEqual([10, 10, 10]);
  const all = got.flatMap((g) => g.messages.map((m) => m.payload)).sort();
  expect(new Set(all).size).toBe(30);
  // QoS per member subscription: min(message, subscription)
  expect(got[0]!.messages.every((m) => m.qos === 1)).toBe(true);
  expect(otherGot.messages.every((m) => m.qos === 0)).toBe(true);
});

it('when a member disconnects the others receive everything', async () => {
  const [a, b] = await Promise.all([client(), client()]);
  const gotA = collect(a);
  const gotB = collect(b);
  await a.subscribeAsync('$share/g3/leave/t', { qos: 1 });
  await b.subscribeAsync('$share/g3/leave/t', { qos: 1 });
  const pub = await client();
  for (let i = 0; i < 4; i++) await pub.publishAsync('leave/t', `before-${i}`, { qos: 1 });
  await sleep(100);
  expect(gotA.messages.length + gotB.messages.length).toBe(4);
  await a.endAsync();
  for (let i = 0; i < 6; i++) await pub.publishAsync('leave/t', `after-${i}`, { qos: 1 });
  await sleep(100);
  expect(gotB.messages.filter((m) => m.payload.startsWith('after')).map((m) => m.payload)).toEqual(
    Array.from({ length: 6 }, (_, i) => `after-${i}`),
  );
});

it('unsubscribing leaves the group; the subscription count includes shared members', async () => {
  const c = await client();
  const before = broker.handle.broker.subscriptionCount;
  await c.subscribeAsync('$share/g4/u/t');
  expect(broker.handle.broker.subscriptionCount).toBe(before + 1);
  await c.unsubscribeAsync('$share/g4/u/t');
  expect(broker.handle.broker.subscriptionCount).toBe(before);
  expect(broker.handle.broker.listSharedGroups().some((g) => g.group === 'g4')).toBe(false);
});

it('refuses bad share names with SUBACK 0x8F (5) and 0x80 (3.1.1), and No Local on a shared subscription is a protocol error', async () => {
  // MQTT.js checks filters itself, so a raw client sends what it would not
  const [raw] = await RawClient.connected(broker.handle.ports.mqtt, 'share-bad', { version: 5 });
  const bad = ['$share/g', '$share//t', '$share/g+/t', '$share/g#/t', '$share/g/a/#/b', '$share/ok/t'];
  raw.send(
    { cmd: 'subscribe', messageId: 1, subscriptions: bad.map((topic) => ({ topic, qos: 1 })) } as Packet,
    5,
  );
  expect(((await raw.next('suback')) as ISubackPacket).granted).toEqual([0x8f, 0x8f, 0x8f, 0x8f, 0x8f, 1]);
  raw.destroy();
  const c5 = await client();
  const c4 = await client({ protocolVersion: 4 });
  await expect(c4.subscribeAsync('$share/g')).rejects.toMatchObject({ packet: { granted: [0x80] } });
  const closed = new Promise<void>((resolve) => c5.once('close', () => resolve()));
  c5.subscribe('$share/g5/t', { qos: 0, nl: true });
  await closed;
});

it('a persistent member keeps its shared subscription across a reconnect', async () => {
  const options = { clientId: 'share-persistent', clean: false, properties: { sessionExpiryInterval: 60 } };
  const first = await connectClient(broker.url, { protocolVersion: 5, ...options });
  await first.subscribeAsync('$share/g6/p/t', { qos: 1 });
  await first.endAsync();
  const again = await client(options);
  const got = collect(again);
  const pub = await client();
  await pub.publishAsync('p/t', 'back', { qos: 1 });
  expect((await got.waitFor(1))[0]!.payload).toBe('back');
});

it("a persistent member's session expiring while it is away gives its unacknowledged messages to another member", async () => {
  // a member that never acknowledges: each message it gets stays in flight with its session
  const [silent] = await RawClient.connected(broker.handle.ports.mqtt, 'share-expiring', {
    version: 5,
    clean: false,
    properties: { sessionExpiryInterval: 1 },
  });
  silent.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$share/g7/x/t', qos: 1 }] }, 5);
  await silent.next('suback');
  const stays = await client();
  const got = collect(stays);
  await stays.subscribeAsync('$share/g7/x/t', { qos: 1 });
  const pub = await client();
  for (let i = 0; i < 10; i++) await pub.publishAsync('x/t', `x${i}`, { qos: 1 });
  await got.waitFor(5);
  const unacknowledged = silent.packets
    .filter((p) => p.cmd === 'publish')
    .map((p) => (p as { payload: Buffer }).payload.toString());
  expect(unacknowledged).toHaveLength(5);
  silent.destroy();
  // the session expires a second later; its 5 messages go to the member that stays, once
  const all = (await got.waitFor(10, 5_000)).map((m) => m.payload).sort();
  expect(all).toEqual(Array.from({ length: 10 }, (_, i) => `x${i}`).sort());
  await sleep(200);
  expect(got.messages).toHaveLength(10);
});

/** A clean member of `$share/<group>/<topic>` that never acknowledges: what it gets stays in flight. */
async function silentMember(clientId: string, filter: string): Promise<RawClient> {
  const [silent] = await RawClient.connected(broker.handle.ports.mqtt, clientId, { version: 5 });
  silent.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos: 1 }] }, 5);
  await silent.next('suback');
  return silent;
}

function publishes(raw: RawClient): { payload: string; messageId: number }[] {
  return raw.packets
    .filter((p) => p.cmd === 'publish')
    .map((p) => {
      const publish = p as { payload: Buffer; messageId: number };
      return { payload: publish.payload.toString(), messageId: publish.messageId };
    });
}

it('a clean member leaving while others of its group stay: its unacknowledged messages go to them, once', async () => {
  const silent = await silentMember('share-leaving', '$share/g8/l/t');
  const stays = await client();
  const got = collect(stays);
  await stays.subscribeAsync('$share/g8/l/t', { qos: 1 });
  const pub = await client();
  for (let i = 0; i < 10; i++) await pub.publishAsync('l/t', `l${i}`, { qos: 1 });
  await got.waitFor(5);
  expect(publishes(silent)).toHaveLength(5);
  // its session ends with the connection: the 5 it did not acknowledge are the group's (MQTT 5 §4.8.2)
  silent.destroy();
  const all = (await got.waitFor(10, 5_000)).map((m) => m.payload).sort();
  expect(all).toEqual(Array.from({ length: 10 }, (_, i) => `l${i}`).sort());
  await sleep(200);
  expect(got.messages).toHaveLength(10);
});

it('a member that unsubscribes keeps what it has in flight (MQTT-3.10.4-3); what it has not acknowledged when its session ends goes to the group', async () => {
  const silent = await silentMember('share-unsubscribing', '$share/g9/u/t');
  const stays = await client();
  const got = collect(stays);
  await stays.subscribeAsync('$share/g9/u/t', { qos: 1 });
  const pub = await client();
  for (let i = 0; i < 10; i++) await pub.publishAsync('u/t', `u${i}`, { qos: 1 });
  await got.waitFor(5);
  silent.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['$share/g9/u/t'] } as Packet, 5);
  await silent.next('unsuback');
  await sleep(200);
  expect(got.messages).toHaveLength(5); // not given to the other member while the unsubscribed one may complete them
  // it completes one, then its session ends with the other four unacknowledged
  const held = publishes(silent);
  expect(held).toHaveLength(5);
  silent.send({ cmd: 'puback', messageId: held[0]!.messageId } as Packet, 5);
  await sleep(100);
  silent.destroy();
  await got.waitFor(9, 5_000);
  await sleep(200);
  const payloads = got.messages.map((m) => m.payload);
  expect(payloads).not.toContain(held[0]!.payload);
  expect(payloads.sort()).toEqual(
    Array.from({ length: 10 }, (_, i) => `u${i}`)
      .filter((m) => m !== held[0]!.payload)
      .sort(),
  );
});

it.skipIf(!mosquitto.installed)('mosquitto_sub -V mqttv5 members of a group split the messages', async () => {
  const subs = [0, 1].map(() =>
    mosquitto.sub({
      port: broker.handle.ports.mqtt,
      version: 'mqttv5',
      topic: '$share/mq/mosq/share',
      qos: 1,
      waitSeconds: 3,
    }),
  );
  await sleep(500);
  const pub = await client();
  for (let i = 0; i < 10; i++) await pub.publishAsync('mosq/share', `m${i}`, { qos: 1 });
  const outputs = await Promise.all(subs);
  const lines = outputs.flatMap((o) => o.stdout.trim().split('\n').filter(Boolean));
  expect(lines.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
  expect(outputs.every((o) => o.stdout.trim().length > 0)).toBe(true);
});
