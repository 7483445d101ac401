// `robust-bench mqtt-cluster`: what crossing brokers costs in a running MQTT cluster. A publisher on one broker and a
// subscriber on the same broker and one on another: QoS 1 end-to-end latency at a fixed rate (p50/p99/max, from the
// publisher's clock to the subscriber's — one process, one clock), then throughput (a publisher with a window of
// unacknowledged messages, as fast as the brokers take them) delivered per second to each subscriber.
import mqtt, { type MqttClient } from 'mqtt';
import { formatStageReport, markStageWindow, takeStageReport } from './stage-report.js';
import { percentile } from './statistics.js';

export interface ClusterBenchOptions {
  /** mqtt://host:port of the publisher's broker (the same-broker subscriber connects here too). */
  publisher: string;
  /** mqtt://host:port of another broker of the cluster. */
  other: string;
  /** messages per second in the latency phase. */
  rate: number;
  /** seconds per phase. */
  duration: number;
  /** unacknowledged QoS 1 messages the throughput publisher keeps in flight. */
  window: number;
  /** cluster processes recording stage timings (ROBUSTMQ_STAGE_TIMINGS): signalled at the latency phase's edges */
  stagePids: number[];
  print: (line: string) => void;
}

interface Side {
  name: string;
  client: MqttClient;
  latencies: number[];
  received: number;
}

const TOPIC = 'bench/cluster';

async function connect(url: string, clientId: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10_000 });
}

async function subscriber(url: string, name: string, run: string): Promise<Side> {
  const side: Side = { name, client: await connect(url, `bench-${name}-${run}`), latencies: [], received: 0 };
  side.client.on('message', (_topic, payload) => {
    side.received++;
    side.latencies.push(performance.now() - payload.readDoubleLE(0));
  });
  await side.client.subscribeAsync(`${TOPIC}/${run}`, { qos: 1 });
  return side;
}

function stamped(size = 64): Buffer {
  const payload = Buffer.alloc(size);
  payload.writeDoubleLE(performance.now(), 0);
  return payload;
}

export async function runClusterBench(options: ClusterBenchOptions): Promise<void> {
  const run = Math.random().toString(36).slice(2, 8);
  const topic = `${TOPIC}/${run}`;
  const same = await subscriber(options.publisher, 'same', run);
  const other = await subscriber(options.other, 'other', run);
  const publisher = await connect(options.publisher, `bench-pub-${run}`);
  try {
    // latency at a fixed rate
    const total = Math.round(options.rate * options.duration);
    for (const pid of options.stagePids) markStageWindow(pid);
    const started = performance.now();
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      acks.push(publisher.publishAsync(topic, stamped(), { qos: 1 }));
    }
    await Promise.all(acks);
    await settle([same, other], total);
    for (const pid of options.stagePids) markStageWindow(pid);
    options.print(
      `QoS 1 latency at ${options.rate} msg/s for ${options.duration} s (publisher on ${options.publisher}):`,
    );
    options.print('| subscriber | delivered | p50 ms | p99 ms | max ms |');
    options.print('| --- | --- | --- | --- | --- |');
    for (const side of [same, other]) {
      const sorted = Float64Array.from(side.latencies).sort();
      options.print(
        `| ${side.name === 'same' ? 'same broker' : `other broker (${options.other})`} | ${side.received}/${total} | ${percentile(sorted, 0.5).toFixed(2)} | ${percentile(sorted, 0.99).toFixed(2)} | ${sorted[sorted.length - 1]?.toFixed(2) ?? '-'} |`,
      );
    }

    if (options.stagePids.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 500)); // the reports are written on the signal
      for (const pid of options.stagePids) {
        const report = takeStageReport(pid);
        for (const line of report
          ? formatStageReport(report)
          : [`no stage timings from pid ${pid} (started with ROBUSTMQ_STAGE_TIMINGS?)`])
          options.print(line);
      }
    }

    // throughput: as fast as the window allows
    for (const side of [same, other]) {
      side.received = 0;
      side.latencies = [];
    }
    const end = performance.now() + options.duration * 1000;
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (performance.now() < end) {
        await publisher.publishAsync(topic, stamped(), { qos: 1 });
        sent++;
      }
    };
    const from = performance.now();
    await Promise.all(Array.from({ length: options.window }, worker));
    await settle([same, other], sent);
    const seconds = (performance.now() - from) / 1000;
    options.print(`QoS 1 throughput, ${options.window} in flight, ${options.duration} s:`);
    options.print('| subscriber | delivered msg/s |');
    options.print('| --- | --- |');
    for (const side of [same, other])
      options.print(
        `| ${side.name === 'same' ? 'same broker' : 'other broker'} | ${Math.round(side.received / seconds)} |`,
      );
  } finally {
    await Promise.all([publisher, same.client, other.client].map((c) => c.endAsync(true)));
  }
}

/** Waits until every side has `count` messages, or 10 s without progress. */
async function settle(sides: Side[], count: number): Promise<void> {
  let last = -1;
  let stillFor = 0;
  while (sides.some((s) => s.received < count) && stillFor < 10_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = sides.reduce((n, s) => n + s.received, 0);
    stillFor = now === last ? stillFor + 100 : 0;
    last = now;
  }
}
