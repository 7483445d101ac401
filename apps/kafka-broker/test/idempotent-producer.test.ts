// Idempotent producers against a real Kafka broker, placement center and journal server started by the test:
// kafkajs and librdkafka (kcat) idempotent producers store each record once; a retried batch — the same Produce
// request sent again, as a client does when an answer is lost — is answered with its first offset and not stored
// again, also after the broker restarted (the state is rebuilt from the log); sequence gaps and fenced epochs get
// Kafka's errors. The raw requests are encoded by kafkajs's own protocol encoders, not by the codec under test.
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startTestJournalCluster, type TestJournalCluster } from '@robustmq/testing/broker';
import {
  kcat,
  kcatProps,
  kcatRead,
  startTestKafkaBroker,
  type TestKafkaBroker,
} from '@robustmq/testing/kafka';

const require = createRequire(import.meta.url);
type Encoded = { buffer: Buffer };
const kjsRequest = require('kafkajs/src/protocol/request') as (o: {
  correlationId: number;
  clientId: string;
  request: unknown;
}) => Promise<Encoded>;
const kjsInitProducerId = require('kafkajs/src/protocol/requests/initProducerId/v1/request') as (
  o: unknown,
) => unknown;
const kjsInitProducerIdResponse = require('kafkajs/src/protocol/requests/initProducerId/v1/response') as {
  decode(b: Buffer): Promise<{ errorCode: number; producerId: string; producerEpoch: number }>;
};
const kjsProduce = require('kafkajs/src/protocol/requests/produce/v3/request') as (o: unknown) => unknown;
const kjsProduceResponse = require('kafkajs/src/protocol/requests/produce/v3/response') as {
  decode(b: Buffer): Promise<{ topics: { partitions: { errorCode: number; baseOffset: string }[] }[] }>;
};
const Long = require('kafkajs/src/utils/long') as { fromValue(v: string | number): unknown };

let cluster: TestJournalCluster;
let broker: TestKafkaBroker;

beforeAll(async () => {
  cluster = await startTestJournalCluster();
  broker = await startTestKafkaBroker({ placement: [cluster.placementAddress] });
});

afterAll(async () => {
  await broker?.stop();
  await cluster?.close();
});

/** One connection speaking frames: send a request, read the answer with the same correlation id. */
class RawConnection {
  private buffered = Buffer.alloc(0);
  private waiting: ((frame: Buffer) => void)[] = [];
  private correlation = 0;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        this.waiting.shift()?.(frame);
      }
    });
  }

  static open(bootstrap: string): Promise<RawConnection> {
    const [host, port] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), host!, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** sends the request and resolves with the response body (after the correlation id). */
  async call(request: unknown): Promise<Buffer> {
    const correlationId = ++this.correlation;
    const frame = (await kjsRequest({ correlationId, clientId: 'raw-idempotent', request })).buffer;
    const answer = new Promise<Buffer>((resolve) => this.waiting.push(resolve));
    this.socket.write(frame);
    const body = await answer;
    expect(body.readInt32BE(0)).toBe(correlationId);
    return body.subarray(4);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** offset|value of each record of partition 0 of `topic`, as librdkafka reads them. */
const read = (topic: string) => kcatRead(broker.bootstrap, topic, { format: '%o|%s\\n' });

describe('idempotent producers', () => {
  it('kafkajs and kcat idempotent producers store every record once', async () => {
    const kafka = new Kafka({ clientId: 'idem', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    for (let b = 0; b < 5; b++) {
      await producer.send({
        topic: 'idem-kafkajs',
        messages: Array.from({ length: 20 }, (_, i) => ({ partition: 0, value: `v${b * 20 + i}` })),
      });
    }
    await producer.disconnect();
    expect((await read('idem-kafkajs')).map((l) => l.split('|')[1])).toEqual(
      Array.from({ length: 100 }, (_, i) => `v${i}`),
    );

    // librdkafka pipelines up to five idempotent requests per partition
    const lines = Array.from({ length: 300 }, (_, i) => `r${i}`).join('\n');
    await kcat(
      broker.bootstrap,
      [
        '-P',
        '-t',
        'idem-kcat',
        '-p',
        '0',
        ...kcatProps({ 'enable.idempotence': 'true', 'linger.ms': '5', 'batch.num.messages': '20' }),
      ],
      `${lines}\n`,
    );
    expect((await read('idem-kcat')).map((l) => l.split('|')[1])).toEqual(
      Array.from({ length: 300 }, (_, i) => `r${i}`),
    );
  });

  it('a retried batch is stored once, before and after a broker restart; gaps and old epochs are refused', async () => {
    const topic = 'idem-raw';
    const admin = new Kafka({
      clientId: 'admin',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();

    let conn = await RawConnection.open(broker.bootstrap);
    const init = await kjsInitProducerIdResponse.decode(
      await conn.call(kjsInitProducerId({ transactionalId: null, transactionTimeout: 5000 })),
    );
    expect(init.errorCode).toBe(0);
    const producerId = Long.fromValue(init.producerId);
    const batch = (firstSequence: number, values: string[], producerEpoch = init.producerEpoch) =>
      kjsProduce({
        acks: -1,
        timeout: 5000,
        producerId,
        producerEpoch,
        topicData: [
          {
            topic,
            partitions: [{ partition: 0, firstSequence, messages: values.map((value) => ({ value })) }],
          },
        ],
      });
    const produce = async (request: unknown) =>
      (await kjsProduceResponse.decode(await conn.call(request))).topics[0]!.partitions[0]!;

    expect(await produce(batch(0, ['a', 'b', 'c']))).toMatchObject({ errorCode: 0, baseOffset: '0' });
    // the same batch again (its answer was "lost"): the first offset, nothing stored
    expect(await produce(batch(0, ['a', 'b', 'c']))).toMatchObject({ errorCode: 0, baseOffset: '0' });
    expect(await produce(batch(3, ['d', 'e']))).toMatchObject({ errorCode: 0, baseOffset: '3' });
    expect(await produce(batch(3, ['d', 'e']))).toMatchObject({ errorCode: 0, baseOffset: '3' });
    // a gap: OUT_OF_ORDER_SEQUENCE_NUMBER; an older epoch: INVALID_PRODUCER_EPOCH
    expect((await produce(batch(9, ['x']))).errorCode).toBe(45);
    expect((await produce(batch(5, ['x']))).errorCode).toBe(0);
    expect((await produce(batch(6, ['y'], init.producerEpoch - 1))).errorCode).toBe(47);
    conn.close();

    // a new broker process over the same journal: the producer's last batches are read back from the log
    const port = broker.handle.ports.kafka;
    await broker.stop();
    broker = await startTestKafkaBroker({
      placement: [cluster.placementAddress],
      sections: { network: { port } },
    });
    conn = await RawConnection.open(broker.bootstrap);
    expect(await produce(batch(3, ['d', 'e']))).toMatchObject({ errorCode: 0, baseOffset: '3' });
    expect(await produce(batch(5, ['x']))).toMatchObject({ errorCode: 0, baseOffset: '5' });
    expect((await produce(batch(7, ['z']))).errorCode).toBe(45);
    expect(await produce(batch(6, ['f']))).toMatchObject({ errorCode: 0, baseOffset: '6' });
    conn.close();
    expect((await read(topic)).map((l) => l.split('|')[1])).toEqual(['a', 'b', 'c', 'd', 'e', 'x', 'f']);
    // this broker answered two retries from the log it read back, and refused one gap
    const metrics = await (await fetch(`${broker.http}/metrics`)).text();
    expect(metrics).toMatch(/^kafka_idempotent_duplicates_total\S* 2$/m);
    expect(metrics).toMatch(/^kafka_idempotent_sequence_errors_total\S* 1$/m);
  });
});
