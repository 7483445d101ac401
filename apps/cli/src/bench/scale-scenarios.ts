// The scale scenarios of issue 16, each with many connections spread over several load processes:
//   fanin  — 10,000 publishers, each at 1–10 msg/s (QoS 1, one write per PUBLISH) → 1 subscriber of `#`
//   fanout — 1 publisher at 50 msg/s → 1,000 subscribers of the same topic (50,000 deliveries/s)
//   topics — 1,000 subscribers holding 100 filters each (100,000 subscriptions, half `+`, half `#`); 1 publisher
//            walking 100,000 distinct topics at 5,000 msg/s, each message matching exactly one subscription
// The publishers send for `--warmup` seconds (not measured), then for the window; then the subscribers are polled
// until everything expected has arrived or nothing more comes. Reported: offered and delivered rates, deliveries per
// broker CPU-second (deliveries and CPU from the window's start to the last delivery), messages not delivered (over
// the warm-up and the window), and the broker's RSS once all clients are set up.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchCase, Metrics, MqttBenchOptions } from './bench-results.js';
import { trackChild } from './child-processes.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuTimeMs, rssBytes } from './proc-stats.js';
import type { Outcome } from './run-worker.js';
import {
  deliveriesPerMessage,
  offeredRate,
  type ScaleCounters,
  type ScaleKind,
  type ScaleParentMessage,
  type ScaleSetup,
  type ScaleWorkerMessage,
  type ScaleWorkload,
} from './scale-protocol.js';
import { PAYLOAD_BYTES } from './throughput-scenario.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./scale-worker.js', import.meta.url));
/** clients per load process: well under its open-file limit */
const CLIENTS_PER_WORKER = 2500;
const SETUP_TIMEOUT_MS = 240_000;
/** the drain ends once nothing more has arrived for this long */
const DRAIN_QUIET_MS = 10_000;
const DRAIN_MAX_MS = 120_000;
/** how long a load process may take to report its counters: at load 25 on 2 cores a busy one has taken over 10 s */
const COUNT_TIMEOUT_MS = 30_000;

export const SCALE_WORKLOADS: Record<ScaleKind, ScaleWorkload> = {
  fanin: {
    kind: 'fanin',
    publishers: 10_000,
    subscribers: 1,
    rate: 10,
    filtersPerSubscriber: 1,
    payloadBytes: PAYLOAD_BYTES,
  },
  fanout: {
    kind: 'fanout',
    publishers: 1,
    subscribers: 1_000,
    rate: 50,
    filtersPerSubscriber: 1,
    payloadBytes: PAYLOAD_BYTES,
  },
  topics: {
    kind: 'topics',
    publishers: 1,
    subscribers: 1_000,
    rate: 5_000,
    filtersPerSubscriber: 100,
    payloadBytes: PAYLOAD_BYTES,
  },
};

/** ROBUST_BENCH_SCALE_CLIENTS=0.1 runs every scale workload with a tenth of its clients (a quick look, or a test). */
function scaled(w: ScaleWorkload): ScaleWorkload {
  const factor = Number(process.env.ROBUST_BENCH_SCALE_CLIENTS ?? 1);
  if (!(factor > 0) || factor === 1) return w;
  const n = (count: number) => Math.max(1, Math.round(count * factor));
  return { ...w, publishers: n(w.publishers), subscribers: n(w.subscribers) };
}

class ScaleWorker {
  private readonly child: ChildProcess;
  private waiting:
    { type: string; resolve: (m: ScaleWorkerMessage) => void; reject: (e: Error) => void } | undefined;
  private exited = false;

  constructor(
    readonly setup: ScaleSetup,
    private readonly progress: (text: string) => void,
  ) {
    this.child = fork(WORKER_SCRIPT, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    trackChild(this.child);
    this.child.on('message', (m: ScaleWorkerMessage) => {
      if (m.type === 'progress') return this.progress(m.text);
      const waiting = this.waiting;
      if (m.type === 'error') {
        this.waiting = undefined;
        waiting?.reject(new Error(`load worker: ${m.message}`));
      } else if (waiting && waiting.type === m.type) {
        this.waiting = undefined;
        waiting.resolve(m);
      }
    });
    this.child.once('exit', (code, signal) => {
      this.exited = true;
      this.waiting?.reject(new Error(`load worker exited (${signal ?? `code ${code}`})`));
      this.waiting = undefined;
    });
    this.child.send({ type: 'setup', setup } satisfies ScaleParentMessage);
  }

  /** Sends a message and waits for the reply of `replyType` (or the worker's error or exit). */
  ask<T extends ScaleWorkerMessage['type']>(
    message: ScaleParentMessage | undefined,
    replyType: T,
    timeoutMs: number,
  ): Promise<Extract<ScaleWorkerMessage, { type: T }>> {
    if (this.exited) return Promise.reject(new Error('load worker has exited'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`load worker gave no ${replyType} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.waiting = {
        type: replyType,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<ScaleWorkerMessage, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      if (message) this.child.send(message);
    });
  }

  tell(message: ScaleParentMessage): void {
    if (!this.exited && this.child.connected) this.child.send(message);
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.tell({ type: 'close' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

function spread(
  port: number,
  workload: ScaleWorkload,
  role: ScaleSetup['role'],
  total: number,
  tag: string,
): ScaleSetup[] {
  const setups: ScaleSetup[] = [];
  for (let first = 0; first < total; first += CLIENTS_PER_WORKER) {
    setups.push({
      port,
      workload,
      role,
      first,
      count: Math.min(CLIENTS_PER_WORKER, total - first),
      clientIdPrefix: `rb-${tag}-${role === 'publisher' ? 'p' : 's'}`,
      keepAliveSeconds: 600,
      concurrency: 50,
      replyTimeoutMs: 30_000,
    });
  }
  return setups;
}

async function countAll(workers: ScaleWorker[]): Promise<ScaleCounters> {
  const replies = await Promise.all(workers.map((w) => w.ask({ type: 'count' }, 'count', COUNT_TIMEOUT_MS)));
  return replies.reduce(
    (sum, r) => ({
      sent: sum.sent + r.sent,
      acked: sum.acked + r.acked,
      received: sum.received + r.received,
    }),
    { sent: 0, acked: 0, received: 0 },
  );
}

async function measure(
  workload: ScaleWorkload,
  broker: { pid: number; port: number },
  options: MqttBenchOptions,
  progress: (text: string) => void,
): Promise<Outcome<Metrics>> {
  const tag = `${workload.kind}-${process.pid}-${Date.now() % 100000}`;
  const rssIdle = rssBytes(broker.pid);
  const subscribers = spread(broker.port, workload, 'subscriber', workload.subscribers, tag).map(
    (s, n) => new ScaleWorker(s, (t) => progress(`subscribers ${n + 1}: ${t}`)),
  );
  const publishers: ScaleWorker[] = [];
  const all = (): ScaleWorker[] => [...subscribers, ...publishers];
  try {
    const setupStarted = performance.now();
    // subscribers first, so no message is published before its subscription exists
    const subReady = await Promise.all(subscribers.map((w) => w.ask(undefined, 'ready', SETUP_TIMEOUT_MS)));
    const subscribeSeconds = (performance.now() - setupStarted) / 1000;
    for (const [n, s] of spread(broker.port, workload, 'publisher', workload.publishers, tag).entries()) {
      publishers.push(new ScaleWorker(s, (t) => progress(`publishers ${n + 1}: ${t}`)));
    }
    const pubReady = await Promise.all(publishers.map((w) => w.ask(undefined, 'ready', SETUP_TIMEOUT_MS)));
    const failed = [...subReady, ...pubReady].reduce((n, r) => n + r.failed, 0);
    if (failed > 0) {
      const why = [...subReady, ...pubReady].find((r) => r.firstError)?.firstError ?? 'unknown';
      return {
        status: 'error',
        message: `${failed} of ${workload.publishers + workload.subscribers} clients could not be set up (first: ${why})`,
      };
    }
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const rssReady = rssBytes(broker.pid);
    progress(
      `${workload.publishers + workload.subscribers} clients ready in ${setupSeconds.toFixed(1)} s; publishing for ${options.durationS} s`,
    );

    for (const w of publishers) w.tell({ type: 'start' });
    // the warm-up: the same load, not measured, so the window sees the broker (ours: its JIT-compiled publish path)
    // in its steady state, as the other scenarios do; what it leaves queued is delivered within the window
    let atWindowStart: ScaleCounters = { sent: 0, acked: 0, received: 0 };
    if (options.warmupS > 0) {
      await sleep(options.warmupS * 1000);
      atWindowStart = await countAll(all());
    }
    const cpuStart = cpuTimeMs(broker.pid);
    const started = performance.now();
    await sleep(options.durationS * 1000);
    const stopped = await Promise.all(
      publishers.map((w) => w.ask({ type: 'stop' }, 'count', COUNT_TIMEOUT_MS)),
    );
    const sendSeconds = (performance.now() - started) / 1000;
    const sent = stopped.reduce((n, r) => n + r.sent, 0);
    const expected = sent * deliveriesPerMessage(workload);

    // drain: until everything expected has arrived, or nothing more arrives for a while
    let counts = await countAll(all());
    let lastProgress = performance.now();
    let lastReceived = counts.received;
    let lastDelivery = performance.now();
    const drainDeadline = performance.now() + DRAIN_MAX_MS;
    let lastAcked = counts.acked;
    while (
      (counts.received < expected || counts.acked < sent) &&
      performance.now() - lastProgress < DRAIN_QUIET_MS &&
      performance.now() < drainDeadline
    ) {
      await sleep(250);
      counts = await countAll(all());
      // progress is a delivery or an acknowledgement: a broker still working through its input acknowledges first
      const now = performance.now();
      if (counts.received > lastReceived) lastDelivery = now;
      if (counts.received > lastReceived || counts.acked > lastAcked) lastProgress = now;
      lastReceived = counts.received;
      lastAcked = counts.acked;
    }
    const cpuMs = cpuTimeMs(broker.pid) - cpuStart;
    const deliverySeconds = (lastDelivery - started) / 1000;
    const delivered = counts.received - atWindowStart.received;
    return {
      status: 'ok',
      value: {
        clients: workload.publishers + workload.subscribers,
        subscriptions: workload.subscribers * workload.filtersPerSubscriber,
        offeredPerSec: offeredRate(workload),
        sentPerSec: (sent - atWindowStart.sent) / sendSeconds,
        deliveredPerSec: delivered / deliverySeconds,
        msgPerBrokerCpuSec: cpuMs > 0 ? delivered / (cpuMs / 1000) : NaN,
        brokerCpuPct: (cpuMs / (deliverySeconds * 1000)) * 100,
        warmupSent: atWindowStart.sent,
        warmupDelivered: atWindowStart.received,
        sent,
        delivered,
        notDelivered: Math.max(0, expected - counts.received),
        notAcked: Math.max(0, sent - counts.acked),
        drainSeconds: Math.max(0, deliverySeconds - sendSeconds),
        subscribeSeconds,
        setupSeconds,
        rssReadyBytes: rssReady,
        rssPerClientBytes: (rssReady - rssIdle) / (workload.publishers + workload.subscribers),
      },
    };
  } catch (err) {
    return { status: 'error', message: (err as Error).message };
  } finally {
    await Promise.all(all().map((w) => w.close()));
  }
}

const LABELS: Record<ScaleKind, string> = {
  fanin: 'fan-in: 10,000 publishers at 1–10 msg/s → 1 subscriber (QoS 1)',
  fanout: 'fan-out: 1 publisher at 50 msg/s → 1,000 subscribers (QoS 1)',
  topics:
    'many topics: 100,000 subscriptions (+ and #) on 1,000 connections, 100,000 topics at 5,000 msg/s (QoS 1)',
};

function scaleCase(kind: ScaleKind): BenchCase {
  return {
    scenario: kind,
    id: kind,
    label: LABELS[kind],
    measure: (broker, options, progress) => measure(scaled(SCALE_WORKLOADS[kind]), broker, options, progress),
  };
}

export const FANIN_CASES: BenchCase[] = [scaleCase('fanin')];
export const FANOUT_CASES: BenchCase[] = [scaleCase('fanout')];
export const TOPICS_CASES: BenchCase[] = [scaleCase('topics')];

/** The rows of a scale scenario's table in the report. */
export const SCALE_ROWS: {
  key: string;
  title: string;
  format: 'int' | 'pct' | 'sec' | 'mib';
  ratio: boolean;
}[] = [
  { key: 'offeredPerSec', title: 'offered msg/s', format: 'int', ratio: false },
  { key: 'sentPerSec', title: 'published msg/s', format: 'int', ratio: false },
  { key: 'deliveredPerSec', title: 'delivered msg/s', format: 'int', ratio: true },
  { key: 'msgPerBrokerCpuSec', title: 'delivered per broker CPU-s', format: 'int', ratio: true },
  { key: 'brokerCpuPct', title: 'broker CPU', format: 'pct', ratio: true },
  { key: 'notDelivered', title: 'not delivered', format: 'int', ratio: false },
  { key: 'notAcked', title: 'PUBACK missing', format: 'int', ratio: false },
  { key: 'drainSeconds', title: 'drain after the window (s)', format: 'sec', ratio: false },
  { key: 'subscribeSeconds', title: 'subscribers set up (s)', format: 'sec', ratio: true },
  { key: 'rssReadyBytes', title: 'broker RSS with all clients (MiB)', format: 'mib', ratio: true },
  { key: 'rssPerClientBytes', title: 'RSS per client (bytes)', format: 'int', ratio: true },
];

export const SCALE_FOOTER =
  'Every PUBLISH is QoS 1 and a socket write of its own; subscribers acknowledge every message. The publishers send ' +
  'through the warm-up and the window without a pause; "delivered msg/s" = deliveries from the start of the window ' +
  'to the last delivery / that time; CPU = the broker process over the same time. "not delivered" = published ' +
  '(warm-up included) × subscribers per message − delivered, after a drain that ends when everything has ' +
  `arrived or nothing more arrives for ${DRAIN_QUIET_MS / 1000} s. Clients are spread over load processes of at most ` +
  `${CLIENTS_PER_WORKER.toLocaleString('en-US')} connections each.`;
