// MQTT 5 features with real clients over real sockets: topic aliases both ways, Receive Maximum both ways, Maximum
// Packet Size both ways, subscription identifiers (several for overlapping subscriptions, kept across a restart),
// request/response and the other forwarded properties, AUTH, and reason strings on negative answers (unless the
// client asked for none). MQTT.js and mosquitto_pub/sub for the well-behaved side, a raw socket for the rest.
import { describe, expect, it } from 'vitest';
import {
  encodePacket,
  type IDisconnectPacket,
  type IPublishPacket,
  type IPubrecPacket,
  type ISubackPacket,
  type Packet,
} from '@robustmq/protocol';
import type { MqttClient } from 'mqtt';
import { connectClient, connectPacket, RawClient, mosquitto, sleep } from '@robustmq/testing';
import { startTestBroker, useTestBroker } from '@robustmq/testing/broker';

const broker = useTestBroker(
  { topic_alias_max: 10, receive_maximum: 3, max_awaiting_rel: 3 },
  {},
  { protocolVersion: 5 },
);
const client = broker.client;

/** A raw MQTT 5 connection, CONNECTed with the given properties. */
async function raw5(clientId: string, properties: Record<string, unknown> = {}): Promise<RawClient> {
  const [raw, connack] = await RawClient.connected(broker.handle.ports.mqtt, clientId, {
    version: 5,
    properties,
  });
  expect(connack.reasonCode).toBe(0);
  return raw;
}

function publishPacket(topic: string, payload: string, extra: Partial<IPublishPacket> = {}): Packet {
  return {
    cmd: 'publish',
    topic,
    payload: Buffer.from(payload),
    qos: 0,
    dup: false,
    retain: false,
    ...extra,
  } as Packet;
}

async function expectDisconnect(raw: RawClient, reasonCode: number): Promise<IDisconnectPacket> {
  const disconnect = (await raw.next('disconnect')) as IDisconnectPacket;
  expect(disconnect.reasonCode).toBe(reasonCode);
  expect(await raw.closesWithin(2_000)).toBe(true);
  return disconnect;
}

type Message = { topic: string; payload: string; properties: Record<string, unknown> | undefined };

function messages(c: MqttClient): Message[] {
  const out: Message[] = [];
  c.on('message', (topic, payload, packet) =>
    out.push({
      topic,
      payload: payload.toString(),
      properties: packet.properties as Record<string, unknown>,
    }),
  );
  return out;
}

async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('topic alias', () => {
  it('inbound: MQTT.js assigns aliases up to our Topic Alias Maximum and every message arrives under its topic', async () => {
    const sub = await client();
    const got = messages(sub);
    await sub.subscribeAsync('alias-in/#');
    const pub = await client({ autoAssignTopicAlias: true });
    for (let i = 0; i < 30; i++) await pub.publishAsync(`alias-in/${i % 15}`, `m${i}`);
    await until(() => got.length === 30);
    expect(got.map((m) => m.topic)).toEqual(Array.from({ length: 30 }, (_, i) => `alias-in/${i % 15}`));
  });

  it('inbound: a raw client sets an alias, then publishes with an empty topic', async () => {
    const sub = await client();
    const got = messages(sub);
    await sub.subscribeAsync('alias-raw/#');
    const raw = await raw5('alias-raw');
    raw.send(publishPacket('alias-raw/a', 'one', { properties: { topicAlias: 4 } }), 5);
    raw.send(publishPacket('', 'two', { properties: { topicAlias: 4 } }), 5);
    raw.send(publishPacket('alias-raw/b', 'three', { properties: { topicAlias: 4 } }), 5);
    raw.send(publishPacket('', 'four', { properties: { topicAlias: 4 } }), 5);
    await until(() => got.length === 4);
    expect(got.map((m) => `${m.topic}=${m.payload}`)).toEqual([
      'alias-raw/a=one',
      'alias-raw/a=two',
      'alias-raw/b=three',
      'alias-raw/b=four',
    ]);
    raw.destroy();
  });

  it.each([
    ['alias 0', 0, 'x/t', 0x94],
    ['alias above our maximum', 11, 'x/t', 0x94],
    ['unknown alias with an empty topic', 3, '', 0x82],
  ])('%s → DISCONNECT 0x%s', async (_name, alias, topic, code) => {
    const raw = await raw5(`alias-bad-${alias}`);
    raw.send(publishPacket(topic, 'x', { properties: { topicAlias: alias } }), 5);
    const disconnect = await expectDisconnect(raw, code);
    expect(disconnect.properties?.reasonString).toMatch(/alias/);
  });

  it('outbound: the broker assigns aliases when CONNECT allows them (LRU beyond the maximum)', async () => {
    const raw = await raw5('alias-out', { topicAliasMaximum: 2 });
    raw.send(
      { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'alias-out/#', qos: 0 }] } as Packet,
      5,
    );
    await raw.next('suback');
    const pub = await client();
    for (const t of ['a', 'a', 'b', 'a', 'c', 'b', 'a']) await pub.publishAsync(`alias-out/${t}`, t);
    const seen: { topic: string; alias: unknown; payload: string }[] = [];
    for (let i = 0; i < 7; i++) {
      const p = (await raw.next('publish')) as IPublishPacket;
      seen.push({ topic: p.topic, alias: p.properties?.topicAlias, payload: p.payload.toString() });
    }
    expect(seen).toEqual([
      { topic: 'alias-out/a', alias: 1, payload: 'a' },
      { topic: '', alias: 1, payload: 'a' },
      { topic: 'alias-out/b', alias: 2, payload: 'b' },
      { topic: '', alias: 1, payload: 'a' },
      // the least recently used (b, alias 2) gives its alias to c
      { topic: 'alias-out/c', alias: 2, payload: 'c' },
      { topic: 'alias-out/b', alias: 1, payload: 'b' },
      { topic: 'alias-out/a', alias: 2, payload: 'a' },
    ]);
    raw.destroy();
  });

  it('outbound: MQTT.js with topicAliasMaximum gets every topic right, while a 3.1.1 subscriber of the same messages gets plain topics', async () => {
    const v5 = await client({ properties: { topicAliasMaximum: 3 } });
    const v4 = await client({ protocolVersion: 4 });
    const got5 = messages(v5);
    const got4 = messages(v4);
    await v5.subscribeAsync('alias-mix/#', { qos: 1 });
    await v4.subscribeAsync('alias-mix/#', { qos: 1 });
    const pub = await client();
    const topics = Array.from({ length: 40 }, (_, i) => `alias-mix/${(i * 7) % 5}`);
    for (const t of topics) await pub.publishAsync(t, t, { qos: 1 });
    await until(() => got5.length === 40 && got4.length === 40);
    expect(got5.map((m) => m.topic)).toEqual(topics);
    expect(got4.map((m) => m.topic)).toEqual(topics);
  });
});

describe('receive maximum', () => {
  it('is announced, and a client exceeding it with unacknowledged QoS 2 gets DISCONNECT 0x93', async () => {
    const [raw, connack] = await RawClient.connected(broker.handle.ports.mqtt, 'rm-exceed', { version: 5 });
    expect(connack.properties?.receiveMaximum).toBe(3);
    // QoS 1 + QoS 2 mixed: two QoS 2 awaiting PUBREL, then two more QoS 1 at once
    raw.send(publishPacket('rm/t', 'a', { qos: 2, messageId: 1 }), 5);
    raw.send(publishPacket('rm/t', 'b', { qos: 2, messageId: 2 }), 5);
    await raw.next('pubrec');
    await raw.next('pubrec');
    // one write, so both arrive before the first is durable (and acknowledged)
    raw.socket.write(
      Buffer.concat([
        encodePacket(publishPacket('rm/t', 'c', { qos: 1, messageId: 3 }), 5),
        encodePacket(publishPacket('rm/t', 'd', { qos: 1, messageId: 4 }), 5),
      ]),
    );
    await expectDisconnect(raw, 0x93);
  });

  it('max_awaiting_rel caps the Receive Maximum announced (MQTT 5: beyond it DISCONNECT 0x93), closed connection for 3.1.1', async () => {
    const wide = await startTestBroker({ max_awaiting_rel: 2 });
    try {
      const [raw, connack] = await RawClient.connected(wide.handle.ports.mqtt, 'rel-cap', { version: 5 });
      // receive_maximum is 65535, but the broker keeps only 2 QoS 2 ids awaiting PUBREL: it promises no more
      expect(connack.properties?.receiveMaximum).toBe(2);
      for (let id = 1; id <= 2; id++)
        raw.send(publishPacket('cap/t', `m${id}`, { qos: 2, messageId: id }), 5);
      const codes = [];
      for (let i = 0; i < 2; i++) codes.push(((await raw.next('pubrec')) as IPubrecPacket).reasonCode ?? 0);
      expect(codes).toEqual([0, 0]);
      raw.send(publishPacket('cap/t', 'm3', { qos: 2, messageId: 3 }), 5);
      await expectDisconnect(raw, 0x93);
      raw.destroy();

      const [v4] = await RawClient.connected(wide.handle.ports.mqtt, 'rel-cap-4', { version: 4 });
      for (let id = 1; id <= 3; id++) v4.send(publishPacket('cap/t', `m${id}`, { qos: 2, messageId: id }));
      expect(await v4.closesWithin(2_000)).toBe(true);
    } finally {
      await wide.stop();
    }
  });

  it("the client's Receive Maximum limits our QoS 1 messages in flight to it", async () => {
    const raw = await raw5('rm-client', { receiveMaximum: 2 });
    raw.send(
      { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'rm-client/t', qos: 1 }] } as Packet,
      5,
    );
    await raw.next('suback');
    const pub = await client();
    for (let i = 0; i < 6; i++) await pub.publishAsync('rm-client/t', `m${i}`, { qos: 1 });
    await sleep(200);
    expect(raw.packets.filter((p) => p.cmd === 'publish')).toHaveLength(2);
    const received: string[] = [];
    while (received.length < 6) {
      const p = (await raw.next('publish')) as IPublishPacket;
      received.push(p.payload.toString());
      raw.send({ cmd: 'puback', messageId: p.messageId! } as Packet, 5);
    }
    expect(received).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    raw.destroy();
  });
});

describe('maximum packet size', () => {
  it("never sends a PUBLISH larger than the client's Maximum Packet Size: dropped for it and counted", async () => {
    const raw = await raw5('mps-small', { maximumPacketSize: 200 });
    raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'mps/t', qos: 1 }] } as Packet, 5);
    await raw.next('suback');
    const big = await client();
    const got = messages(big);
    await big.subscribeAsync('mps/t', { qos: 1 });
    const before = broker.handle.broker.stats.packetsTooLarge;
    await big.publishAsync('mps/t', 'small-1', { qos: 1 });
    await big.publishAsync('mps/t', 'x'.repeat(500), { qos: 1 });
    await big.publishAsync('mps/t', 'small-2', { qos: 1 });
    await until(() => got.length === 3);
    const small: string[] = [];
    for (let i = 0; i < 2; i++) {
      const p = (await raw.next('publish')) as IPublishPacket;
      small.push(p.payload.toString());
      raw.send({ cmd: 'puback', messageId: p.messageId! } as Packet, 5);
    }
    expect(small).toEqual(['small-1', 'small-2']);
    expect(broker.handle.broker.stats.packetsTooLarge).toBe(before + 1);
    raw.destroy();
  });

  it('drops the reason string from an answer that would exceed the client maximum; a CONNACK that cannot fit closes', async () => {
    const tiny = await RawClient.open(broker.handle.ports.mqtt, 5);
    tiny.send(connectPacket('mps-tiny', { version: 5, properties: { maximumPacketSize: 12 } }), 5);
    expect(await tiny.closesWithin(2_000)).toBe(true);
    expect(tiny.packets).toEqual([]);

    const roomy = await raw5('mps-reason', { maximumPacketSize: 60 });
    roomy.send(
      {
        cmd: 'subscribe',
        messageId: 2,
        subscriptions: [{ topic: `bad/#/${'x'.repeat(100)}`, qos: 0 }],
      } as Packet,
      5,
    );
    const suback = (await roomy.next('suback')) as ISubackPacket;
    expect(suback.granted).toEqual([0x8f]);
    expect(suback.properties?.reasonString).toBeUndefined();
    roomy.destroy();
  });
});

describe('subscription identifiers and forwarded properties', () => {
  it('delivers every matching subscription identifier with one copy', async () => {
    const sub = await client();
    const got = messages(sub);
    await sub.subscribeAsync('sid/+', { qos: 1, properties: { subscriptionIdentifier: 5 } });
    await sub.subscribeAsync('sid/#', { qos: 0, properties: { subscriptionIdentifier: 7 } });
    await sub.subscribeAsync('sid/plain', { qos: 0 });
    const pub = await client();
    await pub.publishAsync('sid/plain', 'p', { qos: 1 });
    await pub.publishAsync('sid', 'only-hash', { qos: 1 });
    await until(() => got.length === 2);
    expect([...(got[0]!.properties!.subscriptionIdentifier as number[])].sort()).toEqual([5, 7]);
    expect(got[1]!.properties!.subscriptionIdentifier).toBe(7);
  });

  it('keeps subscription identifiers of a persistent session across a restart', async () => {
    const options = { clientId: 'sid-persist', clean: false, properties: { sessionExpiryInterval: 300 } };
    const first = await connectClient(broker.url, { protocolVersion: 5, ...options });
    await first.subscribeAsync('sidp/t', { qos: 1, properties: { subscriptionIdentifier: 42 } });
    await first.endAsync();
    await broker.restart();
    const pub = await client();
    await pub.publishAsync('sidp/t', 'after-restart', { qos: 1 });
    // listening before CONNECT: what the session kept may come right behind the CONNACK
    let got: Message[] = [];
    await connectClient(
      broker.url,
      { protocolVersion: 5, ...options },
      broker.scope,
      (c) => (got = messages(c)),
    );
    await until(() => got.length === 1);
    expect(got[0]!.properties!.subscriptionIdentifier).toBe(42);
  });

  it('passes response topic, correlation data, user properties, payload format indicator and content type through', async () => {
    const responder = await client();
    await responder.subscribeAsync('rr/request', { qos: 1 });
    responder.on('message', (_topic, payload, packet) => {
      const p = packet.properties!;
      void responder.publishAsync(p.responseTopic!, `re:${payload.toString()}`, {
        qos: 1,
        properties: {
          correlationData: p.correlationData!,
          userProperties: p.userProperties!,
          contentType: p.contentType!,
          payloadFormatIndicator: true,
        },
      });
    });
    const requester = await client();
    const got = messages(requester);
    await requester.subscribeAsync('rr/response/me', { qos: 1 });
    await requester.publishAsync('rr/request', 'ping', {
      qos: 1,
      properties: {
        responseTopic: 'rr/response/me',
        correlationData: Buffer.from([1, 2, 3]),
        userProperties: { trace: 'abc', multi: ['x', 'y'] },
        contentType: 'text/plain',
        payloadFormatIndicator: true,
      },
    });
    await until(() => got.length === 1);
    expect(got[0]!.payload).toBe('re:ping');
    expect(got[0]!.properties).toMatchObject({
      correlationData: Buffer.from([1, 2, 3]),
      userProperties: { trace: 'abc', multi: ['x', 'y'] },
      contentType: 'text/plain',
      payloadFormatIndicator: true,
    });
  });

  it.skipIf(!mosquitto.installed)(
    'mosquitto_sub -V mqttv5 sees subscription identifier and properties from mosquitto_pub',
    async () => {
      const connection = { port: broker.handle.ports.mqtt, version: 'mqttv5' } as const;
      const sub = mosquitto.sub({
        ...connection,
        topic: 'mosq5/#',
        count: 1,
        waitSeconds: 8,
        properties: [['subscribe', 'subscription-identifier', '9']],
        format: '%S|%C|%R|%D|%F|%P|%p',
      });
      await sleep(400);
      const pub = await mosquitto.pub({
        ...connection,
        topic: 'mosq5/x',
        message: 'hello',
        qos: 1,
        properties: [
          ['publish', 'content-type', 'text/plain'],
          ['publish', 'response-topic', 'mosq5/reply'],
          ['publish', 'correlation-data', 'corr'],
          ['publish', 'payload-format-indicator', '1'],
          ['publish', 'user-property', 'k', 'v'],
        ],
      });
      expect(pub.code, pub.stderr).toBe(0);
      const result = await sub;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe('9|text/plain|mosq5/reply|corr|1|k:v|hello');
    },
  );
});

describe('AUTH and reason strings', () => {
  it('CONNECT with an authentication method → CONNACK 0x8C with a reason string', async () => {
    const [raw, connack] = await RawClient.connected(broker.handle.ports.mqtt, 'auth-method', {
      version: 5,
      properties: { authenticationMethod: 'SCRAM-SHA-1' },
    });
    expect(connack.reasonCode).toBe(0x8c);
    expect(connack.properties?.reasonString).toMatch(/authentication/);
    expect(await raw.closesWithin(2_000)).toBe(true);
  });

  it('an AUTH packet without an authentication method → DISCONNECT 0x82', async () => {
    const raw = await raw5('auth-packet');
    raw.send({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'x' } } as Packet, 5);
    const disconnect = await expectDisconnect(raw, 0x82);
    expect(disconnect.properties?.reasonString).toMatch(/AUTH/);
  });

  it('SUBACK failures carry a reason string unless Request Problem Information is 0', async () => {
    const talkative = await raw5('rpi-1');
    talkative.send(
      {
        cmd: 'subscribe',
        messageId: 1,
        subscriptions: [
          { topic: 'a/#/b', qos: 0 },
          { topic: '$share/g', qos: 0 },
          { topic: 'ok', qos: 1 },
        ],
      } as Packet,
      5,
    );
    const suback = (await talkative.next('suback')) as ISubackPacket;
    expect(suback.granted).toEqual([0x8f, 0x8f, 1]);
    expect(suback.properties?.reasonString).toMatch(/invalid topic filter a\/#\/b.*\$share/);
    talkative.destroy();

    const quiet = await raw5('rpi-0', { requestProblemInformation: false });
    quiet.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#/b', qos: 0 }] } as Packet, 5);
    const quietSuback = (await quiet.next('suback')) as ISubackPacket;
    expect(quietSuback.granted).toEqual([0x8f]);
    expect(quietSuback.properties?.reasonString).toBeUndefined();
    quiet.destroy();
  });
});
