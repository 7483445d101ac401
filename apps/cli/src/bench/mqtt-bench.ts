// `robust-bench mqtt`: runs every chosen case K times against each chosen broker — a fresh broker per measurement,
// brokers alternating run by run so drift on a shared machine hits both alike — and renders the report.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchCase, MqttBenchOptions, RunRecord, ScenarioName } from './bench-results.js';
import { checkBrokerAvailable, mosquittoVersion, startBroker, type BrokerKind } from './broker-process.js';
import { installCleanup, onBenchExit } from './child-processes.js';
import { CONNECTIONS_CASES } from './connections-scenario.js';
import { LATENCY_CASES } from './latency-scenario.js';
import { ORDINARY_CASES } from './ordinary-scenario.js';
import { RATES_CASES } from './rates-scenario.js';
import { FANIN_CASES, FANOUT_CASES, TOPICS_CASES } from './scale-scenarios.js';
import { renderReport, type BenchEnvironment } from './report.js';
import { formatStageReport, takeStageReport } from './stage-report.js';
import { THROUGHPUT_CASES } from './throughput-scenario.js';

export const CASES: Record<ScenarioName, BenchCase[]> = {
  throughput: THROUGHPUT_CASES,
  latency: LATENCY_CASES,
  connections: CONNECTIONS_CASES,
  ordinary: ORDINARY_CASES,
  rates: RATES_CASES,
  fanin: FANIN_CASES,
  fanout: FANOUT_CASES,
  topics: TOPICS_CASES,
};

export interface MqttBenchRun {
  records: RunRecord[];
  environment: BenchEnvironment;
  report: string;
}

function describe(outcome: RunRecord['outcome'], c: BenchCase): string {
  if (outcome.status === 'unsupported') return `not supported: ${outcome.reason}`;
  if (outcome.status === 'error') return `error: ${outcome.message}`;
  const m = outcome.value;
  const pct = (n: number | undefined) => `${(n ?? NaN).toFixed(0)} %`;
  if (c.scenario === 'throughput' || c.scenario === 'ordinary') {
    const split =
      m.subscriberCpuPct !== undefined
        ? ` (subscriber ${pct(m.subscriberCpuPct)}, publishers ${pct(m.publishersCpuPct)})`
        : '';
    return `${Math.round(m.msgPerSec!).toLocaleString('en-US')} msg/s delivered, broker CPU ${pct(m.brokerCpuPct)}, load CPU ${pct(m.loadCpuPct)}${split}`;
  }
  if (c.scenario === 'latency' || c.scenario === 'rates') {
    return `p50 ${m.p50!.toFixed(2)} ms, p99 ${m.p99!.toFixed(2)} ms, max ${m.max!.toFixed(1)} ms, broker CPU ${pct(m.brokerCpuPct)}`;
  }
  if (c.scenario === 'fanin' || c.scenario === 'fanout' || c.scenario === 'topics') {
    return `${Math.round(m.deliveredPerSec!).toLocaleString('en-US')} msg/s delivered, ${Math.round(m.msgPerBrokerCpuSec!).toLocaleString('en-US')} per broker CPU-s, ${m.notDelivered} not delivered`;
  }
  return (
    `${m.connections} connections, ${Math.round(m.bytesPerConnection!).toLocaleString('en-US')} bytes each once ` +
    `settled${m.settled ? '' : ' (NOT settled within the bound)'} after ${Math.round(m.settleSeconds!)} s, ` +
    `${Math.round(m.bytesPerConnectionAt1s!).toLocaleString('en-US')} 1 s after the burst` +
    (m.bytesPerConnectionAfterGc === undefined
      ? ''
      : `, ${Math.round(m.bytesPerConnectionAfterGc).toLocaleString('en-US')} after a forced full GC`)
  );
}

export function benchEnvironment(brokers: BrokerKind[]): BenchEnvironment {
  const cpuList = cpus();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    node: process.versions.node,
    mosquitto: brokers.includes('mosquitto') ? mosquittoVersion() : null,
    cpu: cpuList[0]?.model.trim() ?? 'unknown CPU',
    cores: cpuList.length,
    kernel: release(),
  };
}

export async function runMqttBench(
  options: MqttBenchOptions,
  command: string,
  log: (line: string) => void,
): Promise<MqttBenchRun> {
  installCleanup();
  for (const b of options.brokers) checkBrokerAvailable(b);
  const environment = benchEnvironment(options.brokers);
  if (options.brokers.includes('mosquitto') && environment.mosquitto === null) {
    throw new Error(
      'mosquitto is not installed (apt-get install mosquitto), or leave it out with --brokers robustmq',
    );
  }
  const scratch = mkdtempSync(join(tmpdir(), 'robust-bench-'));
  onBenchExit(() => rmSync(scratch, { recursive: true, force: true }));
  if (options.stageTimings) {
    // inherited by the brokers we start (and by the load worker, which signals them at its window's edges)
    const dir = join(scratch, 'stages');
    mkdirSync(dir);
    process.env['ROBUSTMQ_STAGE_TIMINGS'] = dir;
  }

  // --cases narrows the chosen scenarios to some of their cases (e.g. one cell for an A/B or a profile)
  const chosen = (c: BenchCase) => options.cases === undefined || options.cases.includes(c.id);
  const casesByScenario = Object.fromEntries(
    Object.entries(CASES).map(([s, list]) => [s, list.filter(chosen)]),
  ) as Record<ScenarioName, BenchCase[]>;
  const cases = options.scenarios.flatMap((s) => casesByScenario[s]);
  if (cases.length === 0)
    throw new Error(
      `--cases ${options.cases?.join(',')} names no case of the scenarios ${options.scenarios.join(',')}; their cases: ${options.scenarios
        .flatMap((s) => CASES[s].map((c) => c.id))
        .join(', ')}`,
    );
  const total = cases.length * options.runs * options.brokers.length;
  const records: RunRecord[] = [];
  let n = 0;
  try {
    for (const c of cases) {
      for (let run = 1; run <= options.runs; run++) {
        // alternate which broker goes first, so neither always runs on a machine the other just warmed or heated
        const order = run % 2 === 1 ? options.brokers : [...options.brokers].reverse();
        for (const broker of order) {
          const tag = `[${++n}/${total}] ${broker} · ${c.label} · run ${run}/${options.runs}`;
          let outcome: RunRecord['outcome'];
          try {
            const running = await startBroker(broker, scratch, options.robustmqStorage, c.inspector === true);
            try {
              outcome = await c.measure(running, options, (text) => log(`${tag}: ${text}`));
              const stages = takeStageReport(running.pid);
              if (stages) for (const line of formatStageReport(stages)) log(`${tag}: ${line}`);
            } finally {
              await running.stop();
            }
          } catch (err) {
            outcome = { status: 'error', message: (err as Error).message };
          }
          log(`${tag}: ${describe(outcome, c)}`);
          records.push({ scenario: c.scenario, caseId: c.id, caseLabel: c.label, broker, run, outcome });
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return {
    records,
    environment,
    report: renderReport(records, casesByScenario, options, environment, command),
  };
}
