// The shapes of what a bench run records: one RunRecord per (case, broker, run), its numbers as named metrics, and
// the options of the run — what the report is made from and what `--json` writes out.
import type { RobustmqStorage } from './broker-configs.js';
import type { BrokerKind } from './broker-process.js';
import type { Outcome } from './run-worker.js';
import type { OrdinaryProcesses } from './worker-protocol.js';

export const SCENARIOS = [
  'throughput',
  'latency',
  'connections',
  'ordinary',
  'rates',
  'fanin',
  'fanout',
  'topics',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
/** what `robust-bench mqtt` runs without --scenarios; the others are asked for by name */
export const DEFAULT_SCENARIOS: readonly ScenarioName[] = ['throughput', 'latency', 'connections'];

/** Named numbers of one measurement, e.g. { msgPerSec, brokerCpuPct }. */
export type Metrics = Record<string, number>;

export interface RunRecord {
  scenario: ScenarioName;
  caseId: string;
  caseLabel: string;
  broker: BrokerKind;
  run: number;
  outcome: Outcome<Metrics>;
}

export interface MqttBenchOptions {
  durationS: number;
  warmupS: number;
  brokers: BrokerKind[];
  scenarios: ScenarioName[];
  connections: number;
  runs: number;
  /** the storage our broker runs on */
  robustmqStorage: RobustmqStorage;
  /** throughput publishers write each PUBLISH on its own (like a real client) instead of 64 per write */
  perPacketWrites?: boolean;
  /** only these case ids of the chosen scenarios (all when undefined) */
  cases?: string[];
  /** ordinary scenario: each publisher in a process of its own (default) or every client in one process */
  ordinaryProcesses?: OrdinaryProcesses;
  /** our brokers record per-stage latency histograms, printed after each latency run (stage-report.ts) */
  stageTimings?: boolean;
}

/** A case of a scenario, e.g. "QoS 1, 4 publishers → 1 subscriber". */
export interface BenchCase {
  scenario: ScenarioName;
  id: string;
  label: string;
  /** start a broker on Node with a V8 inspector on loopback (the idle-connections case forces GCs through it) */
  inspector?: boolean;
  measure(
    broker: { pid: number; port: number; kind?: BrokerKind; inspectorUrl?: () => string | undefined },
    options: MqttBenchOptions,
    progress: (text: string) => void,
  ): Promise<Outcome<Metrics>>;
}
