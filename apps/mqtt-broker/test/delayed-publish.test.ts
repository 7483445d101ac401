// `$delayed/N/topic`: delivered to `topic` N seconds later, kept across a restart, and refused with a reason when
// N is not a number (0x90) or longer than mqtt.delayed_publish_max_s (0x83).
import { expect, it } from 'vitest';
import { collect, connectClient, mosquitto, sleep } from '@robustmq/testing';
import { useTestBroker } from '@robustmq/testing/broker';

const broker = useTestBroker({ delayed_publish_max_s: 60 });
const connect = broker.client;
const client = (protocolVersion: 4 | 5 = 5) => connect({ protocolVersion });

it('delivers $delayed/1/topic to topic after about a second, with its properties', async () => {
  const sub = await client();
  const got = collect(sub);
  await sub.subscribeAsync('later/#', { qos: 1 });
  const pub = await client();
  const start = Date.now();
  await pub.publishAsync('$delayed/1/later/a', 'hello', {
    qos: 1,
    properties: { contentType: 'text/plain' },
  });
  await sleep(300);
  expect(got.messages).toEqual([]);
  const [message] = await got.waitFor(1, 3_000);
  expect(message).toMatchObject({ topic: 'later/a', payload: 'hello', qos: 1 });
  expect(Date.now() - start).toBeGreaterThanOrEqual(900);
});

it('refuses a bad delay with PUBACK 0x90 (not a number) and 0x83 (too long), and delivers nothing', async () => {
  const pub = await client();
  await expect(pub.publishAsync('$delayed/abc/later/b', 'x', { qos: 1 })).rejects.toMatchObject({
    code: 0x90,
  });
  await expect(pub.publishAsync('$delayed/61/later/b', 'x', { qos: 1 })).rejects.toMatchObject({
    code: 0x83,
  });
  await expect(pub.publishAsync('$delayed/5', 'x', { qos: 1 })).rejects.toMatchObject({ code: 0x90 });
});

it('a delayed message survives a restart', async () => {
  const v4 = await connectClient(broker.url, { protocolVersion: 4 });
  await v4.publishAsync('$delayed/2/durable/t', 'kept', { qos: 1 });
  await v4.endAsync();
  await broker.restart();
  const sub = await client();
  const got = collect(sub);
  await sub.subscribeAsync('durable/t', { qos: 1 });
  expect((await got.waitFor(1, 4_000))[0]).toMatchObject({ topic: 'durable/t', payload: 'kept' });
});

it.skipIf(!mosquitto.installed)('mosquitto_pub to $delayed/1/… reaches mosquitto_sub', async () => {
  const connection = { port: broker.handle.ports.mqtt, version: 'mqttv5' } as const;
  const sub = mosquitto.sub({ ...connection, topic: 'mosq-later/t', count: 1, waitSeconds: 6 });
  await sleep(400);
  const pub = await mosquitto.pub({
    ...connection,
    topic: '$delayed/1/mosq-later/t',
    message: 'late',
    qos: 1,
  });
  expect(pub.code, pub.stderr).toBe(0);
  const result = await sub;
  expect(result.stdout.trim()).toBe('late');
});
