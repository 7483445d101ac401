// Throughput: QoS 0 and QoS 1, 64-byte payloads, 1 and 4 publishers → 1 subscriber. Reports messages delivered per
// second at the subscriber and per broker CPU-second over the measured window, plus the load process's own CPU so a
// reader can tell whether the load generator, not the broker, was the limit.
import type { BenchCase, Metrics, MqttBenchOptions } from './bench-results.js';
import { startLoadWorker, type Outcome } from './run-worker.js';
import type { OrdinaryJob, ThroughputJob } from './worker-protocol.js';

export const PAYLOAD_BYTES = 64;
export const INFLIGHT_WINDOW = 100;
export const REPLY_TIMEOUT_MS = 5000;

/** The job of one throughput-shaped case: the raw client's pre-built batches ('throughput') or MQTT.js as
 * applications use it ('ordinary'). */
function throughputShapedJob(
  kind: 'throughput' | 'ordinary',
  broker: { pid: number; port: number },
  options: MqttBenchOptions,
  qos: 0 | 1,
  publishers: number,
): ThroughputJob | OrdinaryJob {
  const job = {
    port: broker.port,
    brokerPid: broker.pid,
    qos,
    publishers,
    payloadBytes: PAYLOAD_BYTES,
    warmupMs: options.warmupS * 1000,
    durationMs: options.durationS * 1000,
    inflightWindow: INFLIGHT_WINDOW,
    replyTimeoutMs: REPLY_TIMEOUT_MS,
  };
  return kind === 'throughput'
    ? { ...job, kind, perPacketWrites: options.perPacketWrites ?? false }
    : { ...job, kind, processes: options.ordinaryProcesses ?? 'per-client' };
}

/** QoS 0 and QoS 1, 1 and 4 publishers → 1 subscriber, with the raw client or with MQTT.js. */
export function throughputShapedCases(
  kind: 'throughput' | 'ordinary',
  name: (qos: 0 | 1, publishers: number) => { id: string; label: string },
): BenchCase[] {
  return ([0, 1] as const).flatMap((qos) =>
    [1, 4].map((publishers) => ({
      scenario: kind,
      ...name(qos, publishers),
      measure: (
        broker: { pid: number; port: number },
        options: MqttBenchOptions,
        progress: (text: string) => void,
      ) => runThroughputJob(throughputShapedJob(kind, broker, options, qos, publishers), progress),
    })),
  );
}

/** Runs a throughput-shaped job (raw or MQTT.js clients) in a load worker and turns its counts into rates. */
export async function runThroughputJob(
  job: ThroughputJob | OrdinaryJob,
  progress: (text: string) => void,
): Promise<Outcome<Metrics>> {
  const timeoutMs = job.warmupMs + job.durationMs + 6 * REPLY_TIMEOUT_MS + 30_000;
  const outcome = await startLoadWorker(job, progress, timeoutMs).outcome;
  if (outcome.status !== 'ok') return outcome;
  const r = outcome.value;
  if (r.kind !== 'throughput') return { status: 'error', message: `unexpected ${r.kind} result` };
  const seconds = r.windowMs / 1000;
  const pct = (ms: number) => (ms / r.windowMs) * 100;
  return {
    status: 'ok',
    value: {
      msgPerSec: r.delivered / seconds,
      msgPerBrokerCpuSec: r.brokerCpuMs > 0 ? r.delivered / (r.brokerCpuMs / 1000) : NaN,
      brokerCpuPct: pct(r.brokerCpuMs),
      loadCpuPct: pct(r.loadCpuMs),
      ...(r.subscriberCpuMs !== undefined && r.publishersCpuMs !== undefined
        ? { subscriberCpuPct: pct(r.subscriberCpuMs), publishersCpuPct: pct(r.publishersCpuMs) }
        : {}),
      sentPerSec: r.sent / seconds,
      delivered: r.delivered,
      windowS: seconds,
    },
  };
}

export const THROUGHPUT_CASES: BenchCase[] = throughputShapedCases('throughput', (qos, publishers) => ({
  id: `qos${qos}-${publishers}pub`,
  label: `QoS ${qos}, ${publishers} pub → 1 sub`,
}));
