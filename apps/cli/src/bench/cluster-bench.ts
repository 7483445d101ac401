// `robust-bench mqtt-cluster`: what crossing brokers costs in a running MQTT cluster. A publisher on one broker and a
// subscriber on the same broker and one on another: QoS 1 end-to-end latency at a fixed rate (p50/p99/max, from the
// publisher's clock to the subscriber's — one process, one clock), then throughput (a publisher with a window of
// unacknowledged messages, as fast as the brokers take them) delivered per second to each subscriber.
import { readdirSync, readFileSync } from 'node:fs';
import { cpuTimeMs, voluntaryContextSwitches } from './proc-stats.js';
import { basename } from 'node:path';
import type { StageReport } from '@robustmq/common';
import mqtt, { type MqttClient } from 'mqtt';
import { formatStageReport, markStageWindow, takeStageReport } from './stage-report.js';
import { percentile } from './statistics.js';
import { formatTailReport, watchOwnGc } from './tail-report.js';

export interface ClusterBenchOptions {
  /** mqtt://host:port of the publisher's broker (the same-broker subscriber connects here too). */
  publisher: string;
  /** mqtt://host:port of another broker of the cluster. */
  other: string;
  /** messages per second in the latency phase. */
  rate: number;
  /** seconds per phase. */
  duration: number;
  /** seconds at `rate` before the latency window, not counted in it (JIT, connections, the topic's first route). */
  warmup: number;
  /** unacknowledged QoS 1 messages the throughput publisher keeps in flight. */
  window: number;
  /** cluster processes recording stage timings (ROBUSTMQ_STAGE_TIMINGS): signalled at the latency phase's edges */
  stagePids: number[];
  /** persistent subscribers of the position phase (0: no such phase), each on a topic of its own. */
  persistent: number;
  /** http://host:port of the placement center's admin API: Raft entries per second of the position phase. */
  placementHttp?: string | undefined;
  /** admin APIs (http://host:port) of every placement member and broker: their CPU-s over the position phase. */
  placementMetrics: string[];
  brokerMetrics: string[];
  print: (line: string) => void;
}

interface Side {
  name: string;
  client: MqttClient;
  latencies: number[];
  /** each latency's message: when it was stamped (bench clock, performance.now()). */
  stamps: number[];
  received: number;
}

const TOPIC = 'bench/cluster';
/** The Receive Maximum each client's CONNACK gave (absent: 65,535). */
const receiveMaximums = new WeakMap<MqttClient, number>();

async function connect(url: string, clientId: string): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    clientId,
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', (connack) => {
      receiveMaximums.set(client, connack.properties?.receiveMaximum ?? 65_535);
      resolve();
    });
    client.once('error', reject);
    client.once('close', () => reject(new Error(`${url}: connection closed before CONNACK`)));
  });
  return client;
}

async function subscriber(url: string, name: string, run: string): Promise<Side> {
  const side: Side = {
    name,
    client: await connect(url, `bench-${name}-${run}`),
    latencies: [],
    stamps: [],
    received: 0,
  };
  side.client.on('message', (_topic, payload) => {
    side.received++;
    const stamp = payload.readDoubleLE(0);
    side.latencies.push(performance.now() - stamp);
    side.stamps.push(stamp);
  });
  await side.client.subscribeAsync(`${TOPIC}/${run}`, { qos: 1 });
  return side;
}

function stamped(size = 64): Buffer {
  const payload = Buffer.alloc(size);
  payload.writeDoubleLE(performance.now(), 0);
  return payload;
}

/**
 * Publishes `total` QoS 1 messages at `rate` per second, never more unacknowledged than the broker's Receive Maximum
 * (MQTT-3.3.4-7): MQTT.js does not hold back on its own, and a broker that gets more closes the connection with
 * 0x93 (MQTT-3.3.4-8) — which left every later publish unacknowledged, a "stall" whenever PUBACKs fell more than
 * Receive Maximum / rate behind. A message that waits for room is sent late (its latency counts from its send).
 * Returns how many messages waited for room, and the acknowledgements counted: `done` resolves once all are
 * acknowledged and rejects at the first failure, `settled` resolves once none is pending. Nothing per message is
 * kept (no promise per publish): the bench's own garbage collection pauses delay what it measures, and 20,000
 * promises kept to the end made old-generation collections in the measured window.
 */
async function publishPaced(
  publisher: MqttClient,
  total: number,
  rate: number,
  topicOf: (i: number) => string,
): Promise<PublishedBatch> {
  const receiveMaximum = receiveMaximums.get(publisher) ?? 65_535;
  let unacked = 0;
  let heldBack = 0;
  let room: (() => void) | undefined;
  let acked = 0;
  let answered = 0;
  let failure: Error | undefined;
  let allIssued = false;
  let finish: (() => void) | undefined;
  const settled = new Promise<void>((resolve) => (finish = resolve));
  const onAck = (err?: Error): void => {
    unacked--;
    answered++;
    if (err) failure ??= err;
    else acked++;
    const wake = room;
    room = undefined;
    wake?.();
    if (allIssued && answered === total) finish!();
  };
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (unacked >= receiveMaximum) {
      heldBack++;
      await new Promise<void>((resolve) => (room = resolve));
    }
    unacked++;
    publisher.publish(topicOf(i), stamped(), { qos: 1 }, onAck);
  }
  allIssued = true;
  if (answered === total) finish!();
  return {
    heldBack,
    acked: () => acked,
    settled,
    done: settled.then(() => {
      if (failure) throw failure;
    }),
  };
}

interface PublishedBatch {
  heldBack: number;
  acked: () => number;
  settled: Promise<void>;
  done: Promise<void>;
}

/** Why the broker closed the publisher (DISCONNECT reason code), printed with a phase that fell short. */
function watchClose(client: MqttClient): () => string {
  let why = '';
  client.on(
    'disconnect',
    (packet) => (why = ` (broker sent DISCONNECT 0x${(packet.reasonCode ?? 0).toString(16)})`),
  );
  client.on('close', () => (why ||= ' (connection closed)'));
  return () => why;
}

export async function runClusterBench(options: ClusterBenchOptions): Promise<void> {
  const run = Math.random().toString(36).slice(2, 8);
  if (options.persistent > 0) await positionPhase(options, run);
  const topic = `${TOPIC}/${run}`;
  const same = await subscriber(options.publisher, 'same', run);
  const other = await subscriber(options.other, 'other', run);
  const publisher = await connect(options.publisher, `bench-pub-${run}`);
  try {
    // warm-up at the same rate: the first second of a fresh bench process (and of a fresh cluster) runs cold code,
    // and 1 % of a 10 s window is only 200 messages — the cold start alone would make the p99
    const warmup = Math.round(options.rate * options.warmup);
    if (warmup > 0) {
      await (
        await publishPaced(publisher, warmup, options.rate, () => topic)
      ).done;
      await settle([same, other], warmup);
      const sorted = Float64Array.from(other.latencies).sort();
      options.print(
        `(warm-up, not counted below: ${warmup} messages in ${options.warmup} s, other broker p50 ${percentile(sorted, 0.5).toFixed(2)} / p99 ${percentile(sorted, 0.99).toFixed(2)} / max ${sorted[sorted.length - 1]?.toFixed(2) ?? '-'} ms)`,
      );
      for (const side of [same, other]) {
        side.received = 0;
        side.latencies = [];
        side.stamps = [];
      }
    }
    // latency at a fixed rate
    const total = Math.round(options.rate * options.duration);
    for (const pid of options.stagePids) markStageWindow(pid);
    const usageBefore = new Map(options.stagePids.map((pid) => [pid, processUsage(pid)]));
    const benchCpuBefore = process.cpuUsage();
    const ownGc = options.stagePids.length > 0 ? watchOwnGc() : undefined;
    const closed = watchClose(publisher);
    const { done, heldBack } = await publishPaced(publisher, total, options.rate, () => topic);
    try {
      await done;
    } catch (err) {
      throw new Error(`latency phase: a publish failed${closed()}: ${(err as Error).message}`);
    }
    if (heldBack > 0)
      options.print(`(${heldBack} publishes waited for the broker's Receive Maximum: the rate fell behind)`);
    await settle([same, other], total);
    for (const pid of options.stagePids) markStageWindow(pid);
    ownGc?.stop();
    const usageAfter = new Map(options.stagePids.map((pid) => [pid, processUsage(pid)]));
    const benchCpu = process.cpuUsage(benchCpuBefore);
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
      const reports: { label: string; report: StageReport }[] = [];
      for (const pid of options.stagePids) {
        const report = takeStageReport(pid);
        if (report) reports.push({ label: processLabel(pid), report });
        for (const line of report
          ? formatStageReport(report)
          : [`no stage timings from pid ${pid} (started with ROBUSTMQ_STAGE_TIMINGS?)`])
          options.print(line);
      }
      // what each process spent on the phase's messages: CPU and how often it went to sleep (a wake-up each)
      options.print('| process | CPU ms per 1,000 messages | wake-ups per message | threads |');
      options.print('| --- | --- | --- | --- |');
      for (const pid of options.stagePids) {
        const a = usageBefore.get(pid);
        const b = usageAfter.get(pid);
        if (!a || !b) continue;
        options.print(
          `| ${processLabel(pid)} | ${(((b.cpuMs - a.cpuMs) * 1000) / total).toFixed(1)} | ${((b.switches - a.switches) / total).toFixed(2)} | ${b.threads} |`,
        );
      }
      options.print(
        `| bench (publisher and both subscribers) | ${((benchCpu.user + benchCpu.system) / total).toFixed(1)} | - | - |`,
      );
      if (ownGc)
        options.print(
          `bench's own GC pauses in the window (they delay what it measures): ${ownGc.minor.count} scavenges (${ownGc.minor.ms.toFixed(1)} ms in all, longest ${ownGc.minor.max.toFixed(2)}), ${ownGc.major.count} others (${ownGc.major.ms.toFixed(1)} ms, longest ${ownGc.major.max.toFixed(2)})`,
        );
      // what the slowest percent of the other broker's messages coincided with
      const sorted = Float64Array.from(other.latencies).sort();
      const samples = other.latencies.map((latency, i) => ({
        latency,
        sentAt: performance.timeOrigin + other.stamps[i]!,
      }));
      for (const line of formatTailReport(samples, percentile(sorted, 0.99), reports, ownGc?.events ?? []))
        options.print(line);
    }

    // throughput: as fast as the window allows
    for (const side of [same, other]) {
      side.received = 0;
      side.latencies = [];
      side.stamps = [];
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
    // never more in flight than the broker's Receive Maximum (MQTT-3.3.4-7)
    const window = Math.min(options.window, receiveMaximums.get(publisher) ?? 65_535);
    await Promise.all(Array.from({ length: window }, worker));
    await settle([same, other], sent);
    const seconds = (performance.now() - from) / 1000;
    options.print(`QoS 1 throughput, ${window} in flight, ${options.duration} s:`);
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

/** CPU time (ms) and voluntary context switches of a process, over all its threads; undefined off Linux. */
function processUsage(pid: number): { cpuMs: number; switches: number; threads: number } | undefined {
  try {
    const cpuMs = cpuTimeMs(pid);
    return {
      cpuMs,
      switches: voluntaryContextSwitches(pid),
      threads: readdirSync(`/proc/${pid}/task`).length,
    };
  } catch {
    return undefined;
  }
}

/** `journal-server-2 (pid)` from the process's --data-dir (cluster up names each member's dir), else the pid. */
function processLabel(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const dir = args[args.indexOf('--data-dir') + 1];
    if (args.includes('--data-dir') && dir) return `${basename(dir)}`;
  } catch {
    // not Linux, or the process is gone
  }
  return `pid ${pid}`;
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

/** Summed over these admin APIs' /metrics (undefined without any): CPU seconds used (process_cpu_seconds_total) and
 * the offset-commit RPCs answered (placement's CommitOffset and CommitOffsets, placement_grpc_server_handled_total). */
async function processTotals(
  urls: string[],
): Promise<{ cpu: number; commitCalls: number; batchCalls: number } | undefined> {
  if (urls.length === 0) return undefined;
  const totals = { cpu: 0, commitCalls: 0, batchCalls: 0 };
  for (const url of urls) {
    const reply = await fetch(`${url.replace(/\/$/, '')}/metrics`);
    if (!reply.ok) throw new Error(`${url}/metrics: HTTP ${reply.status}`);
    const lines = (await reply.text()).split('\n');
    const value = (l: string) => Number(l.slice(l.lastIndexOf(' ') + 1));
    // (with the service's default labels: process_cpu_seconds_total{service="...",node="..."} 12.3)
    const cpu = lines.find(
      (l) => l.startsWith('process_cpu_seconds_total ') || l.startsWith('process_cpu_seconds_total{'),
    );
    if (!cpu) throw new Error(`${url}/metrics has no process_cpu_seconds_total`);
    totals.cpu += value(cpu);
    for (const l of lines) {
      if (!l.startsWith('placement_grpc_server_handled_total{')) continue;
      if (l.includes('grpc_method="CommitOffset"')) totals.commitCalls += value(l);
      else if (l.includes('grpc_method="CommitOffsets"')) totals.batchCalls += value(l);
    }
  }
  return totals;
}

/** The placement leader's Raft commit index (GET /api/v1/cluster), or undefined without a placement URL. */
async function commitIndex(placementHttp: string | undefined): Promise<number | undefined> {
  if (!placementHttp) return undefined;
  const reply = await fetch(`${placementHttp.replace(/\/$/, '')}/api/v1/cluster`);
  if (!reply.ok) throw new Error(`placement ${placementHttp}: HTTP ${reply.status}`);
  const body = (await reply.json()) as { commitIndex?: number };
  return body.commitIndex;
}

/**
 * What persistent sessions' position commits cost placement: `persistent` subscribers with sessions that outlive
 * them (half on each broker), each on a topic of its own, get QoS 1 messages at `rate` in all (round robin over
 * the topics) for `duration`; printed: deliveries and the placement Raft log's growth per second (every position
 * commit is a placement write). The sessions are ended (expiry 0) afterwards.
 */
async function positionPhase(options: ClusterBenchOptions, run: string): Promise<void> {
  const subscribers: MqttClient[] = [];
  let received = 0;
  try {
    const connectStarted = performance.now();
    let next = 0;
    // 50 at a time: a persistent session's CONNECT asks placement who owns it
    const connector = async (): Promise<void> => {
      while (next < options.persistent) {
        const i = next++;
        const url = i % 2 === 0 ? options.publisher : options.other;
        const client = await mqtt.connectAsync(url, {
          clientId: `bench-persistent-${run}-${i}`,
          protocolVersion: 5,
          clean: false,
          properties: { sessionExpiryInterval: 300 },
          reconnectPeriod: 0,
          connectTimeout: 30_000,
        });
        subscribers.push(client);
        client.on('message', () => received++);
        await client.subscribeAsync(`${TOPIC}/${run}/p/${i}`, { qos: 1 });
      }
    };
    await Promise.all(Array.from({ length: Math.min(50, options.persistent) }, connector));
    options.print(
      `${options.persistent} persistent subscribers connected in ${((performance.now() - connectStarted) / 1000).toFixed(1)} s`,
    );
    const publisher = await connect(options.publisher, `bench-ppub-${run}`);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // subscriptions known to every broker
      const total = Math.round(options.rate * options.duration);
      const before = await commitIndex(options.placementHttp);
      const placementBefore = await processTotals(options.placementMetrics);
      const brokersBefore = await processTotals(options.brokerMetrics);
      const started = performance.now();
      const closed = watchClose(publisher);
      const {
        settled,
        acked: ackedCount,
        heldBack,
      } = await publishPaced(
        publisher,
        total,
        options.rate,
        (i) => `${TOPIC}/${run}/p/${i % options.persistent}`,
      );
      // bounded: a phase whose acknowledgements stall prints what it has rather than hanging
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      const acked = ackedCount();
      const seconds = (performance.now() - started) / 1000;
      const after = await commitIndex(options.placementHttp);
      const placementAfter = await processTotals(options.placementMetrics);
      const brokersAfter = await processTotals(options.brokerMetrics);
      if (acked < total)
        options.print(`(only ${acked}/${total} publishes acknowledged within 30 s${closed()})`);
      if (heldBack > 0)
        options.print(
          `(${heldBack} publishes waited for the broker's Receive Maximum: the rate fell behind)`,
        );
      options.print(
        `Position commits: ${options.persistent} persistent subscribers (one topic each, half per broker), QoS 1 at ${options.rate} msg/s in all for ${options.duration} s:`,
      );
      options.print('| delivered | placement Raft entries/s | entries per 1,000 deliveries |');
      options.print('| --- | --- | --- |');
      const entries = before !== undefined && after !== undefined ? after - before : undefined;
      options.print(
        `| ${received}/${total} | ${entries === undefined ? '- (no --placement-http)' : Math.round(entries / seconds)} | ${entries === undefined || received === 0 ? '-' : ((entries * 1000) / received).toFixed(0)} |`,
      );
      if (placementAfter !== undefined || brokersAfter !== undefined) {
        const used = (a: number | undefined, b: number | undefined) =>
          a === undefined || b === undefined ? undefined : a - b;
        const p = used(placementAfter?.cpu, placementBefore?.cpu);
        const b = used(brokersAfter?.cpu, brokersBefore?.cpu);
        const cell = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(2));
        const per1k = (v: number | undefined) =>
          v === undefined || received === 0 ? '-' : ((v * 1e6) / received).toFixed(0);
        options.print(
          '| placement CPU-s | brokers CPU-s | placement CPU-ms per 1,000 deliveries | brokers CPU-ms per 1,000 deliveries |',
        );
        options.print('| --- | --- | --- | --- |');
        options.print(`| ${cell(p)} | ${cell(b)} | ${per1k(p)} | ${per1k(b)} |`);
        if (placementAfter && placementBefore) {
          const single = placementAfter.commitCalls - placementBefore.commitCalls;
          const batched = placementAfter.batchCalls - placementBefore.batchCalls;
          options.print(
            `offset-commit RPCs answered by placement: CommitOffset ${single}, CommitOffsets ${batched} (${((single + batched) / seconds).toFixed(0)}/s)`,
          );
        }
      }
    } finally {
      await publisher.endAsync(true);
    }
  } finally {
    await Promise.all(
      subscribers.map((c) =>
        c.endAsync(false, { properties: { sessionExpiryInterval: 0 } }).catch(() => undefined),
      ),
    );
  }
}
