#!/usr/bin/env node
// `robust-bench`: RobustMQ's load tool. `robust-bench mqtt` measures our MQTT broker and mosquitto side by side in
// one run (throughput, latency, idle connections) and prints Markdown tables with the command that made them.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Option, cliProgram, listArg as listOf, numberArg as number } from '@robustmq/common';
import {
  DEFAULT_SCENARIOS,
  SCENARIOS,
  type MqttBenchOptions,
  type ScenarioName,
} from './bench/bench-results.js';
import { ROBUSTMQ_STORAGE_TYPES, type RobustmqStorage } from './bench/broker-configs.js';
import { BROKER_KINDS, type BrokerKind } from './bench/broker-process.js';
import { runClusterBench, type ClusterBenchOptions } from './bench/cluster-bench.js';
import { runMqttBench } from './bench/mqtt-bench.js';
import { runPlacementBench } from './bench/placement-bench.js';
import { PLACEMENT_SYSTEMS, type PlacementSystem } from './bench/placement-systems.js';
import { ORDINARY_PROCESSES, type OrdinaryProcesses } from './bench/worker-protocol.js';

/** Connections one broker process can hold here: 20,000 open files, less what the broker itself keeps open. */
const MAX_CONNECTIONS = 19_000;

/** A comma-separated list of http(s) base URLs. */
function urlList(value: string): string[] {
  const urls = value
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
  for (const u of urls)
    if (!/^https?:\/\/[^/]+\/?$/.test(u)) throw new Error(`not an http://host:port base URL: ${u}`);
  return urls;
}

/** The command line as typed, relative to the current directory, so the report says how to reproduce it. */
function commandLine(): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
  return ['node', relative(process.cwd(), process.argv[1]!), ...process.argv.slice(2)].map(quote).join(' ');
}

/** `--<flag> <list>`: which of `kinds` to measure, all by default. */
const kindsOption = (flag: string, kinds: readonly string[], noun: string) =>
  new Option(`--${flag} <list>`, `${flag} to measure (${kinds.join(',')})`)
    .default([...kinds], kinds.join(','))
    .argParser(listOf(kinds, noun));

/** Runs a command's work: exit 0 when it is done, 1 with its message when it fails. */
async function exitWhenDone(work: () => Promise<void>): Promise<never> {
  try {
    await work();
    process.exit(0);
  } catch (err) {
    process.stderr.write(`robust-bench: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

interface CliOptions {
  duration: number;
  warmup: number;
  brokers: BrokerKind[];
  scenarios: ScenarioName[];
  connections: number;
  runs: number;
  json?: string;
  robustmqStorage: RobustmqStorage;
  perPacketWrites?: boolean;
  ordinaryProcesses: OrdinaryProcesses;
  cases?: string[];
  stageTimings?: boolean;
}

const program = cliProgram('robust-bench', 'RobustMQ load and benchmark tool').version('0.1.0');

/** A benchmark command with the options every one takes: `--duration <s>` (measured seconds of each run, cell or
 * phase; 10 by default) and `--warmup <s>` (unmeasured load before the measured window). */
function benchCommand(
  name: string,
  description: string,
  duration: string,
  [warmup, warmupS]: [string, number],
) {
  return program
    .command(name)
    .description(description)
    .addOption(new Option('--duration <s>', duration).default(10).argParser(number('--duration', 0.1)))
    .addOption(new Option('--warmup <s>', warmup).default(warmupS).argParser(number('--warmup', 0)));
}

benchCommand(
  'mqtt',
  'benchmark our MQTT broker against mosquitto and aedes: throughput, latency, idle connections, ordinary clients, latency at fixed rates',
  'measured seconds per run',
  ['seconds of load before each measured window', 2],
)
  .addOption(kindsOption('brokers', BROKER_KINDS, 'broker'))
  .addOption(
    new Option(
      '--scenarios <list>',
      `scenarios to run (${SCENARIOS.join(',')}): ordinary = MQTT.js clients, one packet per write; rates = QoS 1 latency at 1k/2k/10k/50k msg/s; fanin = 10,000 publishers at 1–10 msg/s → 1 subscriber; fanout = 1 publisher → 1,000 subscribers; topics = 100,000 wildcard subscriptions, 100,000 topics`,
    )
      .default([...DEFAULT_SCENARIOS], DEFAULT_SCENARIOS.join(','))
      .argParser(listOf(SCENARIOS, 'scenario')),
  )
  .addOption(
    new Option(
      '--connections <n>',
      `idle connections to open (at most ${MAX_CONNECTIONS.toLocaleString('en-US')} here)`,
    )
      .default(10_000)
      .argParser(number('--connections', 1, MAX_CONNECTIONS, true)),
  )
  .addOption(
    new Option('--runs <k>', 'runs per measurement; the report shows the median')
      .default(3)
      .argParser(number('--runs', 1, 100, true)),
  )
  .addOption(
    new Option(
      '--robustmq-storage <type>',
      'storage of our broker: rocksdb (the product default: QoS 1/2 acknowledged after durable appends) or memory (like mosquitto without persistence)',
    )
      .choices(ROBUSTMQ_STORAGE_TYPES)
      .default('rocksdb'),
  )
  .option(
    '--per-packet-writes',
    'throughput publishers write each PUBLISH on its own, like a real client (default: 64 per write)',
  )
  .addOption(
    new Option(
      '--ordinary-processes <mode>',
      'ordinary scenario: per-client = each MQTT.js publisher in a process of its own, apart from the subscriber (as deployments run them); one = every client in one process (the bench before session 6)',
    )
      .choices(ORDINARY_PROCESSES)
      .default('per-client'),
  )
  .option(
    '--cases <ids>',
    'only these cases of the chosen scenarios, by id (e.g. ordinary-qos0-4pub); a wrong id lists the valid ones',
    (list: string) => list.split(',').filter((id) => id.length > 0),
  )
  .option('--json <file>', 'also write the raw results of every run to this file')
  .option(
    '--stage-timings',
    "our brokers record where a message's time goes (per-stage latency histograms); latency runs print them for the measured window",
  )
  .action(async (opts: CliOptions) => {
    const options: MqttBenchOptions = {
      durationS: opts.duration,
      warmupS: opts.warmup,
      brokers: opts.brokers,
      scenarios: opts.scenarios,
      connections: opts.connections,
      runs: opts.runs,
      robustmqStorage: opts.robustmqStorage,
      perPacketWrites: opts.perPacketWrites === true,
      ordinaryProcesses: opts.ordinaryProcesses,
      cases: opts.cases,
      stageTimings: opts.stageTimings === true,
    };
    const command = commandLine();
    await exitWhenDone(async () => {
      const result = await runMqttBench(options, command, (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(result.report);
      if (opts.json) {
        writeFileSync(
          opts.json,
          JSON.stringify(
            { command, environment: result.environment, options, records: result.records },
            null,
            2,
          ) + '\n',
        );
        process.stderr.write(`robust-bench: raw results written to ${opts.json}\n`);
      }
    });
  });

benchCommand(
  'placement',
  'benchmark the placement center against etcd 3.4: writes/s and linearizable reads/s, 1 and 3 members',
  'seconds per cell',
  ['unmeasured load per cluster before its first cell (JIT warm-up)', 8],
)
  .addOption(kindsOption('systems', PLACEMENT_SYSTEMS, 'system'))
  .option(
    '--members <list>',
    'cluster sizes (1, 3 or 5)',
    (v) => v.split(',').map(number('--members', 1, 5, true)),
    [1, 3],
  )
  .option(
    '--clients <list>',
    'concurrent clients per cell',
    (v) => v.split(',').map(number('--clients', 1, 100_000, true)),
    [1, 100, 1000],
  )
  .addOption(
    new Option('--connections <n>', 'client connections the concurrent clients share')
      .default(8)
      .argParser(number('--connections', 1, 1000, true)),
  )
  .action(
    async (opts: {
      duration: number;
      warmup: number;
      systems: PlacementSystem[];
      members: number[];
      clients: number[];
      connections: number;
    }) =>
      exitWhenDone(async () => {
        const report = await runPlacementBench({
          systems: opts.systems,
          members: opts.members,
          clients: opts.clients,
          durationS: opts.duration,
          warmupS: opts.warmup,
          connections: opts.connections,
          command: commandLine(),
        });
        process.stdout.write(report);
      }),
  );

benchCommand(
  'mqtt-cluster',
  'what crossing brokers costs in a running MQTT cluster: QoS 1 latency at a fixed rate and throughput, same broker vs another',
  'seconds per phase',
  [
    'seconds at --rate before the latency window, not counted (as `robust-bench mqtt --warmup`): its p99 is printed on its own line',
    2,
  ],
)
  .requiredOption(
    '--publisher <url>',
    'mqtt://host:port of the broker the publisher (and the same-broker subscriber) uses',
  )
  .requiredOption('--other <url>', 'mqtt://host:port of another broker of the cluster')
  .addOption(
    new Option('--rate <n>', 'messages per second in the latency phase')
      .default(2000)
      .argParser(number('--rate', 1, 100_000, true)),
  )
  .addOption(
    new Option('--window <n>', 'QoS 1 messages in flight in the throughput phase')
      .default(100)
      .argParser(number('--window', 1, 10_000, true)),
  )
  .addOption(
    new Option(
      '--persistent <n>',
      'first a position phase: n persistent subscribers (one topic each, half per broker) get QoS 1 messages at --rate in all; prints the placement Raft entries per second (with --placement-http)',
    )
      .default(0)
      .argParser(number('--persistent', 0, 100_000, true)),
  )
  .option(
    '--placement-http <url>',
    "http://host:port of the placement center's admin API (its Raft commit index, for --persistent)",
  )
  .option(
    '--placement-metrics <urls>',
    "http://host:port of every placement member's admin API (comma-separated): their CPU-s over the position phase (process_cpu_seconds_total)",
    urlList,
  )
  .option(
    '--broker-metrics <urls>',
    "http://host:port of every broker's admin API (comma-separated): their CPU-s over the position phase",
    urlList,
  )
  .option(
    '--stage-pids <list>',
    'pids of cluster processes started with ROBUSTMQ_STAGE_TIMINGS=<dir> (the same dir set for this command): their per-stage latencies over the latency phase are printed',
    (v: string) =>
      v
        .split(',')
        .map((p) => Number(p.trim()))
        .filter((p) => Number.isInteger(p) && p > 0),
  )
  .action(
    async (
      opts: Omit<ClusterBenchOptions, 'placementMetrics' | 'brokerMetrics' | 'stagePids' | 'print'> &
        Partial<Pick<ClusterBenchOptions, 'placementMetrics' | 'brokerMetrics' | 'stagePids'>>,
    ) =>
      exitWhenDone(async () => {
        const print = (line: string) => process.stdout.write(`${line}\n`);
        print(`\`${commandLine()}\``);
        await runClusterBench({
          ...opts,
          placementMetrics: opts.placementMetrics ?? [],
          brokerMetrics: opts.brokerMetrics ?? [],
          stagePids: opts.stagePids ?? [],
          print,
        });
      }),
  );

await program.parseAsync();
