// Retained messages with real clients: set, replace, clear with an empty payload, delivery on subscribe (with
// RETAIN = 1, also to mosquitto_sub), MQTT 5 Retain Handling 0/1/2 and Retain As Published, message expiry, and
// survival across a broker restart (the suite runs on rocksdb and on journal storage: MQTT_TEST_STORAGE).
import type { MqttClient } from 'mqtt';
import { expect, it } from 'vitest';
import { collect, mosquitto, sleep } from '@robustmq/testing';
import { useTestBroker } from '@robustmq/testing/broker';

const broker = useTestBroker();
const client = broker.client;

interface RetainedSeen {
  payload: string;
  retain: boolean;
  qos: number;
}

function collectFlags(c: MqttClient): RetainedSeen[] {
  const seen: RetainedSeen[] = [];
  c.on('message', (_topic, payload, packet) =>
    seen.push({ payload: payload.toString(), retain: packet.retain, qos: packet.qos }),
  );
  return seen;
}

it('sets, replaces and clears a retained message, and delivers it on subscribe with RETAIN = 1', async () => {
  const pub = await client({ clientId: 'ret-pub' });
  await pub.publishAsync('ret/a', 'first', { qos: 1, retain: true });
  await pub.publishAsync('ret/a', 'second', { qos: 1, retain: true });

  const s1 = await client({ clientId: 'ret-s1' });
  const seen1 = collectFlags(s1);
  await s1.subscribeAsync('ret/+', { qos: 1 });
  await waitUntil(() => seen1.length >= 1);
  expect(seen1).toEqual([{ payload: 'second', retain: true, qos: 1 }]);

  // a live message to an existing subscriber is not flagged retained (MQTT-3.3.1-9)
  await pub.publishAsync('ret/a', 'third', { qos: 0, retain: true });
  await waitUntil(() => seen1.length >= 2);
  expect(seen1[1]).toEqual({ payload: 'third', retain: false, qos: 0 });

  await pub.publishAsync('ret/a', '', { qos: 1, retain: true });
  const s2 = await client({ clientId: 'ret-s2' });
  const seen2 = collectFlags(s2);
  await s2.subscribeAsync('ret/#', { qos: 1 });
  await sleep(200);
  expect(seen2).toEqual([]);
});

it('MQTT 5: retain handling 0/1/2 and retain as published', async () => {
  const pub = await client({ clientId: 'rh-pub', protocolVersion: 5 });
  await pub.publishAsync('rh/x', 'kept', { qos: 1, retain: true });
  const sub = await client({ clientId: 'rh-sub', protocolVersion: 5 });
  const seen = collectFlags(sub);

  await sub.subscribeAsync('rh/never', { qos: 1, rh: 2 });
  await sub.subscribeAsync('rh/+', { qos: 1, rh: 1 });
  await waitUntil(() => seen.length >= 1);
  // rh 1: an existing subscription gets nothing again
  await sub.subscribeAsync('rh/+', { qos: 1, rh: 1 });
  // rh 0: always
  await sub.subscribeAsync('rh/x', { qos: 0, rh: 0 });
  await waitUntil(() => seen.length >= 2);
  await sleep(150);
  expect(seen).toEqual([
    { payload: 'kept', retain: true, qos: 1 },
    { payload: 'kept', retain: true, qos: 0 },
  ]);

  // rh 2 never sends retained messages; retain-as-published keeps the flag on live messages
  const rap = await client({ clientId: 'rh-rap', protocolVersion: 5 });
  const rapSeen = collectFlags(rap);
  await rap.subscribeAsync('rh/x', { qos: 1, rh: 2, rap: true });
  await pub.publishAsync('rh/x', 'live', { qos: 1, retain: true });
  await waitUntil(() => rapSeen.length >= 1);
  expect(rapSeen).toEqual([{ payload: 'live', retain: true, qos: 1 }]);
});

it('MQTT 5: an expired retained message is not delivered', async () => {
  const pub = await client({ clientId: 'rexp-pub', protocolVersion: 5 });
  await pub.publishAsync('rexp/a', 'short', {
    qos: 1,
    retain: true,
    properties: { messageExpiryInterval: 1 },
  });
  await pub.publishAsync('rexp/b', 'long', {
    qos: 1,
    retain: true,
    properties: { messageExpiryInterval: 100 },
  });
  await sleep(2100);
  const sub = await client({ clientId: 'rexp-sub', protocolVersion: 5 });
  const got: { topic: string; expiry: number | undefined }[] = [];
  sub.on('message', (topic, _p, packet) =>
    got.push({ topic, expiry: packet.properties?.messageExpiryInterval }),
  );
  await sub.subscribeAsync('rexp/+', { qos: 1 });
  await waitUntil(() => got.length >= 1);
  await sleep(150);
  expect(got).toHaveLength(1);
  expect(got[0]!.topic).toBe('rexp/b');
  // the interval is what is left, not what was published (MQTT-3.3.2-6)
  expect(got[0]!.expiry).toBeLessThanOrEqual(98);
});

it.skipIf(!mosquitto.installed)('mosquitto_sub sees a retained message', async () => {
  const pub = await client({ clientId: 'ret-mosq' });
  await pub.publishAsync('ret/mosq', 'for mosquitto', { qos: 1, retain: true });
  // run asynchronously: the broker runs in this process and must keep serving while mosquitto_sub waits
  const out = await mosquitto.sub({
    port: broker.handle.ports.mqtt,
    version: 'mqttv311',
    topic: 'ret/mosq',
    count: 1,
    waitSeconds: 5,
    verbose: true,
  });
  expect(out.stdout.trim()).toBe('ret/mosq for mosquitto');
});

it('retained messages survive a restart', async () => {
  const pub = await client({ clientId: 'ret-durable' });
  await pub.publishAsync('durable/r', 'still here', { qos: 1, retain: true });
  await pub.publishAsync('durable/gone', 'x', { qos: 1, retain: true });
  await pub.publishAsync('durable/gone', '', { qos: 1, retain: true });
  await broker.restart();
  const sub = await client({ clientId: 'ret-after' });
  const got = collect(sub);
  await sub.subscribeAsync('durable/#', { qos: 1 });
  expect(await got.waitFor(1)).toEqual([{ topic: 'durable/r', payload: 'still here', qos: 1 }]);
  await sleep(150);
  expect(got.messages).toHaveLength(1);
});

async function waitUntil(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
