// QoS 0 outside the message log (`[mqtt] qos0_log`, docs/architecture.md "QoS 0 outside the message log"): a lone
// broker appends a QoS 0 message only when a session that reads the log — a persistent session whose client is
// away, a session catching up behind a full in-flight window — subscribes to it. Every promise the log kept for
// QoS 0 is checked here with real clients (MQTT.js, a raw client, mosquitto_pub/mosquitto_sub): live subscribers
// get every message in publish order, away persistent sessions get what was published meanwhile (in order with
// QoS 1), a lagging subscriber gets QoS 0 and QoS 1 in publish order, retained QoS 0 survives a restart, wills are
// delivered as before. The suite runs on the suite's storage (MQTT_TEST_STORAGE): on journal storage the broker is
// one of a cluster, whose shared log carries every message (cross-broker delivery: test/cluster.test.ts).
import { describe, expect, it } from 'vitest';
import type { IPublishPacket } from '@robustmq/protocol';
import {
  collect,
  connectClient,
  connectPacket,
  mosquitto,
  RawClient,
  sleep,
  waitUntil,
} from '@robustmq/testing';
import { startTestBroker, useTestBroker, type TestBroker } from '@robustmq/testing/broker';

const broker = useTestBroker();
const client = broker.client;

/** whether the broker keeps its own log (QoS 0 may skip it) rather than the cluster's shared one. */
const lone = (b: { handle: TestBroker['handle'] } = broker): boolean => !b.handle.broker.log.shared;

/** the log's next offset and the count of QoS 0 messages kept out of it. */
function logState(b: { handle: TestBroker['handle'] } = broker): { next: number; unlogged: number } {
  const core = b.handle.broker;
  return { next: core.log.nextOffset, unlogged: core.stats.qos0Unlogged };
}

describe('QoS 0 to subscribers that are all live', () => {
  it('reaches every subscriber in publish order without an append; the count is in /metrics', async () => {
    const q0 = await client({ clientId: 'live-q0' });
    const q1 = await client({ clientId: 'live-q1', protocolVersion: 5 });
    await q0.subscribeAsync('q0/live/+', { qos: 0 });
    await q1.subscribeAsync('q0/live/#', { qos: 1 });
    const got0 = collect(q0);
    const got1 = collect(q1);
    const before = logState();
    const pub = await client({ clientId: 'live-pub' });
    const total = 300;
    for (let i = 0; i < total; i++) pub.publish('q0/live/a', String(i), { qos: 0 });
    const expected = Array.from({ length: total }, (_, i) => String(i));
    expect((await got0.waitFor(total)).map((m) => m.payload)).toEqual(expected);
    expect((await got1.waitFor(total)).map((m) => m.payload)).toEqual(expected);
    expect(got1.messages.every((m) => m.qos === 0)).toBe(true);
    const after = logState();
    if (lone()) {
      expect(after.next).toBe(before.next);
      expect(after.unlogged - before.unlogged).toBe(total);
      const metrics = await (await fetch(`${broker.http}/metrics`)).text();
      const line = metrics.split('\n').find((l) => /^mqtt_qos0_unlogged_total[ {]/.test(l));
      expect(Number(line?.split(' ').pop())).toBeGreaterThanOrEqual(total);
    } else {
      // the cluster's shared log carries every message (other brokers' subscribers read it)
      expect(after.next - before.next).toBe(total);
      expect(after.unlogged).toBe(before.unlogged);
    }
  });
});

describe('persistent sessions whose client is away', () => {
  it('get the QoS 0 published meanwhile, in order with QoS 1; QoS 0 nobody away wants stays out of the log', async () => {
    const away = await client({ clientId: 'away-sub', clean: false });
    await away.subscribeAsync('q0/away/#', { qos: 1 });
    await away.endAsync();
    await waitUntil('the away session to read the log', () => broker.handle.broker.logReaderCount > 0);
    const live = await client({ clientId: 'away-live' });
    await live.subscribeAsync('q0/#', { qos: 1 });
    const gotLive = collect(live);

    const pub = await client({ clientId: 'away-pub' });
    const total = 100;
    const before = logState();
    for (let i = 0; i < total; i++) pub.publish('q0/away/t', String(i), { qos: i % 2 === 0 ? 0 : 1 });
    // a topic the away session does not subscribe to: live subscribers only
    for (let i = 0; i < 10; i++) pub.publish('q0/elsewhere', `e${i}`, { qos: 0 });
    await gotLive.waitFor(total + 10);
    const after = logState();
    if (lone()) {
      expect(after.next - before.next).toBe(total);
      expect(after.unlogged - before.unlogged).toBe(10);
    }

    // collecting from before CONNECT: the queued messages may arrive in the same read as the CONNACK
    let got!: ReturnType<typeof collect>;
    await client({ clientId: 'away-sub', clean: false }, (back) => (got = collect(back)));
    const messages = await got.waitFor(total, 10_000);
    expect(messages.map((m) => m.payload)).toEqual(Array.from({ length: total }, (_, i) => String(i)));
    expect(messages.map((m) => m.qos)).toEqual(Array.from({ length: total }, (_, i) => i % 2));
    await sleep(100);
    expect(got.messages.length).toBe(total); // nothing of q0/elsewhere
  });

  it.skipIf(!mosquitto.installed)(
    'mosquitto_sub -c gets the QoS 0 mosquitto_pub sent while it was away',
    async () => {
      const port = broker.handle.ports.mqtt;
      const away = { port, version: 'mqttv311', id: 'mosq-away', topic: 'q0/mosq/#', qos: 1 } as const;
      // -c: a persistent session; -E: exit once subscribed, leaving the session with its subscription
      const first = await mosquitto.sub({ ...away, args: ['-c', '-E'] });
      expect(first.code, first.stderr).toBe(0);
      const live = mosquitto.sub({ port, id: 'mosq-live', topic: 'q0/mosq/#', count: 3, waitSeconds: 8 });
      await waitUntil('mosquitto_sub to subscribe', () =>
        broker.handle.broker.listClients().some((c) => c.clientId === 'mosq-live' && c.subscriptions === 1),
      );
      for (const message of ['one', 'two', 'three']) {
        const sent = await mosquitto.pub({ port, id: 'mosq-pub', topic: 'q0/mosq/x', message, qos: 0 });
        expect(sent.code, sent.stderr).toBe(0);
      }
      const liveOut = await live;
      expect(liveOut.stdout.trim().split('\n')).toEqual(['one', 'two', 'three']);
      const back = await mosquitto.sub({ ...away, args: ['-c'], count: 3, waitSeconds: 8 });
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout.trim().split('\n')).toEqual(['one', 'two', 'three']);
    },
  );
});

describe('a subscriber behind its in-flight window', () => {
  it('gets QoS 0 and QoS 1 of one publisher in publish order while it catches up from the log', async () => {
    // Receive Maximum 2: the third unacknowledged QoS 1 message sends the session to read the log
    const [raw] = await RawClient.connected(
      broker.handle.ports.mqtt,
      'lag-sub',
      { version: 5, properties: { receiveMaximum: 2 } },
      broker.scope,
    );
    raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'q0/lag', qos: 1 }] }, 5);
    await raw.next('suback');
    const pub = await client({ clientId: 'lag-pub' });
    const total = 60;
    for (let i = 0; i < total; i++) pub.publish('q0/lag', String(i), { qos: i % 3 === 0 ? 0 : 1 });
    await sleep(200); // everything is accepted while the subscriber acknowledges nothing
    const received: string[] = [];
    const deadline = Date.now() + 10_000;
    let seen = 0;
    while (received.length < total && Date.now() < deadline) {
      const packet = (await raw.next('publish', 5_000)) as IPublishPacket;
      seen++;
      received.push(packet.payload.toString());
      if (packet.qos === 1) raw.send({ cmd: 'puback', messageId: packet.messageId! }, 5);
    }
    expect(seen).toBe(total);
    expect(received).toEqual(Array.from({ length: total }, (_, i) => String(i)));
  });
});

describe('wills', () => {
  it('a QoS 0 will reaches a live subscriber and an away persistent session', async () => {
    const away = await client({ clientId: 'will-away', clean: false });
    await away.subscribeAsync('q0/will', { qos: 0 });
    await away.endAsync();
    const live = await client({ clientId: 'will-live' });
    await live.subscribeAsync('q0/will', { qos: 0 });
    const gotLive = collect(live);
    const raw = await RawClient.open(broker.handle.ports.mqtt, 4, broker.scope);
    raw.send({
      ...connectPacket('will-owner'),
      will: { topic: 'q0/will', payload: Buffer.from('gone'), qos: 0, retain: false },
    } as never);
    await raw.next('connack');
    raw.destroy(); // no DISCONNECT: the will goes out
    expect((await gotLive.waitFor(1)).map((m) => m.payload)).toEqual(['gone']);
    let got!: ReturnType<typeof collect>;
    await client({ clientId: 'will-away', clean: false }, (back) => (got = collect(back)));
    expect((await got.waitFor(1, 5_000)).map((m) => m.payload)).toEqual(['gone']);
  });
});

describe('retained QoS 0 and the setting', () => {
  it('a retained QoS 0 message kept out of the log is in the retained store and survives a restart', async () => {
    const own = await startTestBroker();
    broker.scope.add(own);
    const pub = await connectClient(own.url, { clientId: 'ret-pub' }, broker.scope);
    const before = logState(own);
    await pub.publishAsync('q0/retained', 'kept', { qos: 0, retain: true });
    await pub.endAsync();
    if (lone(own)) {
      await waitUntil(
        'the message to be routed',
        () => own.handle.broker.stats.qos0Unlogged > before.unlogged,
      );
      expect(logState(own).next).toBe(before.next);
    }
    await sleep(200); // the retained store's write (a QoS 0 publisher waits for nothing)
    await own.restart();
    const sub = await connectClient(own.url, { clientId: 'ret-sub' }, broker.scope);
    const got = collect(sub);
    await sub.subscribeAsync('q0/retained', { qos: 0 });
    expect((await got.waitFor(1, 5_000)).map((m) => m.payload)).toEqual(['kept']);
  });

  it('qos0_log = "always" appends every QoS 0 message', async () => {
    const own = await startTestBroker({ qos0_log: 'always' });
    broker.scope.add(own);
    const sub = await connectClient(own.url, { clientId: 'always-sub' }, broker.scope);
    await sub.subscribeAsync('q0/always', { qos: 0 });
    const got = collect(sub);
    const pub = await connectClient(own.url, { clientId: 'always-pub' }, broker.scope);
    const before = logState(own);
    for (let i = 0; i < 20; i++) pub.publish('q0/always', String(i), { qos: 0 });
    await got.waitFor(20);
    expect(logState(own).next - before.next).toBe(20);
    expect(logState(own).unlogged).toBe(before.unlogged);
  });
});
