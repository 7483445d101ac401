// Latency: QoS 1 at a fixed rate (2,000 msg/s) from one publisher to one subscriber in the same load process;
// reports p50/p90/p99/p99.9/max of publish-to-delivery time in milliseconds over the measured window.
import type { BenchCase, Metrics, MqttBenchOptions } from './bench-results.js';
import { startLoadWorker, type Outcome } from './run-worker.js';
import { formatStageReport, stageTimingsDir, takeStageReport } from './stage-report.js';
import { percentile } from './statistics.js';
import { formatTailReport } from './tail-report.js';
import { INFLIGHT_WINDOW, PAYLOAD_BYTES, REPLY_TIMEOUT_MS } from './throughput-scenario.js';
import type { LatencyJob } from './worker-protocol.js';

export const LATENCY_RATE = 2000;
const DRAIN_MS = 3000;

/** Runs one latency measurement; `shape` sets the rate, window and write pattern (default: 2,000 msg/s, batched). */
export async function measureLatency(
  broker: { pid: number; port: number },
  options: MqttBenchOptions,
  progress: (text: string) => void,
  shape: { rate: number; inflightWindow: number; perPacketWrites: boolean } = {
    rate: LATENCY_RATE,
    inflightWindow: INFLIGHT_WINDOW,
    perPacketWrites: false,
  },
): Promise<Outcome<Metrics>> {
  const job: LatencyJob = {
    kind: 'latency',
    port: broker.port,
    brokerPid: broker.pid,
    rate: shape.rate,
    payloadBytes: PAYLOAD_BYTES,
    warmupMs: options.warmupS * 1000,
    durationMs: options.durationS * 1000,
    inflightWindow: shape.inflightWindow,
    replyTimeoutMs: REPLY_TIMEOUT_MS,
    drainMs: DRAIN_MS,
    perPacketWrites: shape.perPacketWrites,
    // with stage timings, the slowest messages are lined up with the broker's tail events (below)
    tails: stageTimingsDir() !== undefined,
  };
  const timeoutMs = job.warmupMs + job.durationMs + DRAIN_MS + 4 * REPLY_TIMEOUT_MS + 30_000;
  const outcome = await startLoadWorker(job, progress, timeoutMs).outcome;
  if (outcome.status !== 'ok') return outcome;
  const r = outcome.value;
  if (r.kind !== 'latency') return { status: 'error', message: `unexpected ${r.kind} result` };
  if (r.samples === 0) return { status: 'error', message: 'no message sent in the window was delivered' };
  if (r.tails) {
    // the broker wrote its report for the window when the worker marked the window's end
    const report = takeStageReport(broker.pid);
    if (report) {
      for (const line of formatStageReport(report)) progress(line);
      const samples = r.tails.latency.map((latency, i) => ({ latency, sentAt: r.tails!.sentAt[i]! }));
      const threshold = percentile(Float64Array.from(r.tails.latency).sort(), 0.99);
      for (const line of formatTailReport(
        samples,
        threshold,
        [{ label: 'broker', report }],
        r.tails.ownGc,
        'delivery',
      ))
        progress(line);
    }
  }
  return {
    status: 'ok',
    value: {
      p50: r.p50,
      p90: r.p90,
      p99: r.p99,
      p999: r.p999,
      max: r.max,
      ackP50: r.ackP50,
      ackP99: r.ackP99,
      ackP999: r.ackP999,
      samples: r.samples,
      achievedRate: r.sentInWindow / (r.windowMs / 1000),
      lost: r.lost,
      deferred: r.deferred,
      brokerCpuPct: (r.brokerCpuMs / r.windowMs) * 100,
      msgPerBrokerCpuSec: r.brokerCpuMs > 0 ? r.samples / (r.brokerCpuMs / 1000) : NaN,
      loadCpuPct: (r.loadCpuMs / r.windowMs) * 100,
    },
  };
}

export const LATENCY_CASES: BenchCase[] = [
  {
    scenario: 'latency',
    id: 'qos1-2000',
    label: `QoS 1 at ${LATENCY_RATE.toLocaleString('en-US')} msg/s, 1 pub → 1 sub`,
    measure: (broker, options, progress) => measureLatency(broker, options, progress),
  },
];
