// MQTT in, Kafka out (and back) with real clients against real servers started by the test: a placement center, a
// journal server, an MQTT broker in cluster mode (its messages in the journal's shared shard) and a Kafka broker with
// a bridge `sensors/#` ↔ Kafka topic `sensors`. mosquitto_pub and MQTT.js publish, kafkajs and kcat consume with the
// MQTT topic as key and the MQTT 5 properties as headers; kafkajs produces and an MQTT.js subscriber receives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import {
  startTestBroker,
  startTestJournalCluster,
  type TestBroker,
  type TestJournalCluster,
} from '@robustmq/testing/broker';
import { kcatRead, startTestKafkaBroker, type TestKafkaBroker } from '@robustmq/testing/kafka';
import { collect, connectClient, mosquitto, sleep, waitFor, type MqttClient } from '@robustmq/testing';

let cluster: TestJournalCluster;
let mqttBroker: TestBroker;
let kafkaBroker: TestKafkaBroker;
let kafka: Kafka;
let consumer: Consumer;
/** every record of the Kafka topic `sensors`, as a kafkajs group member reads them. */
const fromMqtt: KafkaMessage[] = [];
let publisher: MqttClient;

beforeAll(async () => {
  cluster = await startTestJournalCluster();
  mqttBroker = await startTestBroker(
    {},
    {
      storage: 'journal',
      placement: [cluster.placementAddress],
      sections: { auth: { allow_anonymous: true, acl_default: 'allow' } },
    },
  );
  kafkaBroker = await startTestKafkaBroker({
    placement: [cluster.placementAddress],
    sections: {
      kafka: {
        bridges: [
          {
            name: 'sensors',
            mqtt_filter: 'sensors/#',
            kafka_topic: 'sensors',
            mqtt_topic: 'sensors/from-kafka',
            qos: 1,
          },
        ],
      },
    },
  });
  kafka = new Kafka({
    clientId: 'bridge-test',
    brokers: [kafkaBroker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await waitFor('the bridge created its Kafka topic', async () =>
    (await admin.listTopics()).includes('sensors'),
  );
  await admin.disconnect();
  consumer = kafka.consumer({ groupId: 'bridge-readers', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'sensors', fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void fromMqtt.push(message) });
  publisher = await connectClient(mqttBroker.url, { clientId: 'bridge-pub', protocolVersion: 5 });
  // the bridge starts copying at the end of the MQTT log as it is when it first starts: publish until one arrives
  await waitFor('the bridge copying MQTT to Kafka', async () => {
    await publisher.publishAsync('sensors/probe', 'probe', { qos: 1 });
    await sleep(100);
    return fromMqtt.length > 0;
  });
}, 60_000);

afterAll(async () => {
  await publisher?.endAsync();
  await consumer?.disconnect();
  await kafkaBroker?.stop();
  await mqttBroker?.stop();
  await cluster?.close();
});

const header = (m: KafkaMessage, name: string) => {
  const v = m.headers?.[name];
  return Buffer.isBuffer(v) ? v.toString() : Array.isArray(v) ? v.map(String) : v;
};

describe('MQTT ↔ Kafka bridge', () => {
  it('MQTT messages on the filter are Kafka records: key = MQTT topic, headers = MQTT 5 properties, order kept', async () => {
    const before = fromMqtt.length;
    const published = await mosquitto.pub({
      port: new URL(mqttBroker.url).port,
      version: 'mqttv5',
      qos: 1,
      topic: 'sensors/room1/temp',
      message: '21.5',
      properties: [
        ['publish', 'user-property', 'site', 'berlin'],
        ['publish', 'content-type', 'text/plain'],
      ],
    });
    expect(published.code, published.stderr).toBe(0);
    await publisher.publishAsync('elsewhere/x', 'not bridged', { qos: 1 });
    for (let i = 0; i < 20; i++) {
      await publisher.publishAsync('sensors/room2/hum', `h${i}`, {
        qos: 1,
        properties: { userProperties: { seq: String(i) }, correlationData: Buffer.from([i]) },
      });
    }
    await waitFor('21 bridged records', () => fromMqtt.length - before >= 21);
    const got = fromMqtt.slice(before).filter((m) => m.key!.toString() !== 'sensors/probe');
    // one list, so a failure shows everything that arrived
    expect(got.map((m) => `${m.key!.toString()}=${m.value!.toString()}`)).toEqual([
      'sensors/room1/temp=21.5',
      ...Array.from({ length: 20 }, (_, i) => `sensors/room2/hum=h${i}`),
    ]);
    const first = got[0]!;
    expect(first.key!.toString()).toBe('sensors/room1/temp');
    expect(first.value!.toString()).toBe('21.5');
    expect(header(first, 'site')).toBe('berlin');
    expect(header(first, 'mqtt.content_type')).toBe('text/plain');
    expect(header(first, 'mqtt.qos')).toBe('1');
    const rest = got.slice(1);
    expect(rest.map((m) => m.value!.toString())).toEqual(Array.from({ length: 20 }, (_, i) => `h${i}`));
    expect(rest.map((m) => header(m, 'seq'))).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(rest.every((m) => m.key!.toString() === 'sensors/room2/hum')).toBe(true);
    expect(got.some((m) => m.value!.toString() === 'not bridged')).toBe(false);
    const metrics = await (await fetch(`${kafkaBroker.http}/metrics`)).text();
    const copied = Number(
      /^kafka_bridge_records_total\{[^}]*bridge="sensors"[^}]*direction="mqtt-to-kafka"[^}]*\} (\d+)$/m.exec(
        metrics,
      )?.[1],
    );
    expect(copied).toBeGreaterThanOrEqual(21);

    // librdkafka sees the same records in the same order
    const read = await kcatRead(kafkaBroker.bootstrap, 'sensors', { partition: 'all', format: '%k=%s\\n' });
    const kcatLines = read.filter((l) => !l.startsWith('sensors/probe='));
    expect(kcatLines).toEqual(got.map((m) => `${m.key!.toString()}=${m.value!.toString()}`));
  });

  it('Kafka records on the topic reach MQTT subscribers: the key as topic when it matches, else mqtt_topic', async () => {
    const sub = await connectClient(mqttBroker.url, { clientId: 'bridge-sub', protocolVersion: 5 });
    const got = collect(sub);
    const properties = new Map<string, unknown>();
    sub.on('message', (topic, _payload, packet) => properties.set(topic, packet.properties?.userProperties));
    await sub.subscribeAsync('sensors/#', { qos: 1 });
    const producer = kafka.producer();
    await producer.connect();
    // the Kafka → MQTT direction also starts at the end of the partition as it was when the bridge started
    await waitFor('the bridge copying Kafka to MQTT', async () => {
      await producer.send({ topic: 'sensors', messages: [{ key: 'sensors/kprobe', value: 'probe' }] });
      await sleep(100);
      return got.messages.some((m) => m.topic === 'sensors/kprobe');
    });
    const mark = got.messages.length;
    await producer.send({
      topic: 'sensors',
      messages: [
        { key: 'sensors/cmd/fan', value: 'on', headers: { trace: 't-1' } },
        { key: null, value: 'no key' },
      ],
    });
    await producer.disconnect();
    await waitFor(
      '2 messages from Kafka',
      () => got.messages.slice(mark).filter((m) => m.topic !== 'sensors/kprobe').length >= 2,
    );
    const fromKafka = got.messages.slice(mark).filter((m) => m.topic !== 'sensors/kprobe');
    expect(fromKafka.map((m) => `${m.topic}=${m.payload}@${m.qos}`)).toEqual([
      'sensors/cmd/fan=on@1',
      'sensors/from-kafka=no key@1',
    ]);
    expect(properties.get('sensors/cmd/fan')).toEqual({ trace: 't-1' });
    // what came from Kafka is not copied back into Kafka: the topic holds the produced record once
    await sleep(500);
    expect(fromMqtt.filter((m) => m.key?.toString() === 'sensors/cmd/fan')).toHaveLength(1);
    await sub.endAsync();
  });
});
