// Scenario (e) of issue #16: QoS 1 latency at fixed rates — 1,000, 2,000 (the p99 target), 10,000 and
// 50,000 msg/s — from one publisher to one subscriber, each PUBLISH and each PUBACK a socket write of its own (as a
// real client writes them), with p50/p99/p99.9 and the broker's CPU at that rate, so the cost per message at a
// given load is read next to the tail it buys.
import type { BenchCase, Metrics, MqttBenchOptions } from './bench-results.js';
import { measureLatency } from './latency-scenario.js';
import type { Outcome } from './run-worker.js';

export const RATES = [1000, 2000, 10_000, 50_000] as const;
/** large enough that at 50,000 msg/s a few milliseconds of latency do not make the window set the pace */
const RATES_WINDOW = 1000;

export const RATES_CASES: BenchCase[] = RATES.map((rate) => ({
  scenario: 'rates' as const,
  id: `rate-qos1-${rate}`,
  label: `QoS 1 at ${rate.toLocaleString('en-US')} msg/s, 1 pub → 1 sub, one write per packet`,
  measure: (
    broker: { pid: number; port: number },
    options: MqttBenchOptions,
    progress: (text: string) => void,
  ): Promise<Outcome<Metrics>> =>
    measureLatency(broker, options, progress, { rate, inflightWindow: RATES_WINDOW, perPacketWrites: true }),
}));
