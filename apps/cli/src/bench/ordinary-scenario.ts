// Scenario (a) of issue #16, "ordinary clients": the throughput cases (QoS 0 and QoS 1, 1 and 4 publishers → 1
// subscriber, 64-byte payloads) driven by MQTT.js as applications use it — one PUBLISH per socket write, one PUBACK
// per message — instead of the raw client's pre-built batches. What a broker costs per message under this traffic
// (many small reads, many small writes) is what deployments see.
import type { BenchCase, Metrics, MqttBenchOptions } from './bench-results.js';
import type { Outcome } from './run-worker.js';
import { INFLIGHT_WINDOW, PAYLOAD_BYTES, REPLY_TIMEOUT_MS, runThroughputJob } from './throughput-scenario.js';
import type { OrdinaryJob } from './worker-protocol.js';

function measure(
  broker: { pid: number; port: number },
  options: MqttBenchOptions,
  progress: (text: string) => void,
  qos: 0 | 1,
  publishers: number,
): Promise<Outcome<Metrics>> {
  const job: OrdinaryJob = {
    kind: 'ordinary',
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
  return runThroughputJob(job, progress);
}

export const ORDINARY_CASES: BenchCase[] = ([0, 1] as const).flatMap((qos) =>
  [1, 4].map((publishers) => ({
    scenario: 'ordinary' as const,
    id: `ordinary-qos${qos}-${publishers}pub`,
    label: `MQTT.js QoS ${qos}, ${publishers} pub → 1 sub`,
    measure: (broker: { pid: number; port: number }, options: MqttBenchOptions, progress: (text: string) => void) =>
      measure(broker, options, progress, qos, publishers),
  })),
);
