// Produce latency at a fixed rate (issue #18 benchmark: "p99 produce latency at 5,000 records/s"). kafkajs does not
// batch across send() calls, so this script paces itself: every --tick ms it sends, in one produce request with
// acks=-1 (all), the records that are due at --rate, and records the request's round trip as the latency of each
// record in it. Prints p50 / p99 / max in ms and the achieved rate.
//
//   node apps/kafka-broker/scripts/produce-latency.mjs --broker 127.0.0.1:9092 --topic lat --rate 5000 \
//     [--seconds 10] [--tick 10] [--payload 100]
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';

const { values } = parseArgs({
  options: {
    broker: { type: 'string', default: '127.0.0.1:9092' },
    topic: { type: 'string', default: 'latency' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '10' },
    tick: { type: 'string', default: '10' },
    payload: { type: 'string', default: '100' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const tick = Number(values.tick);
const value = Buffer.alloc(Number(values.payload), 'x');

const kafka = new Kafka({
  clientId: 'produce-latency',
  brokers: [values.broker],
  logLevel: logLevel.NOTHING,
});
const producer = kafka.producer({ allowAutoTopicCreation: true });
await producer.connect();
// warm-up: topic creation and metadata are not part of the measurement
await producer.send({ topic: values.topic, acks: -1, messages: [{ value }] });

const latencies = []; // one entry per record (ms)
const pending = new Set();
const start = performance.now();
let sent = 0;
while (performance.now() - start < seconds * 1000) {
  const due = Math.floor(((performance.now() - start) / 1000) * rate) - sent;
  if (due > 0) {
    const messages = Array.from({ length: due }, () => ({ value }));
    sent += due;
    const t0 = performance.now();
    const p = producer
      .send({ topic: values.topic, acks: -1, messages })
      .then(() => {
        const ms = performance.now() - t0;
        for (let i = 0; i < due; i++) latencies.push(ms);
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  }
  await new Promise((r) => setTimeout(r, tick));
}
await Promise.all(pending);
const wall = (performance.now() - start) / 1000;
await producer.disconnect();
latencies.sort((a, b) => a - b);
const q = (f) => latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))].toFixed(2);
console.log(
  `${latencies.length} records at ${Math.round(latencies.length / wall)} records/s (target ${rate}, ${tick} ms ticks): ` +
    `p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${latencies[latencies.length - 1].toFixed(2)} ms`,
);
