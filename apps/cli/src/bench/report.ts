// The Markdown report: a table per scenario with the brokers side by side (median over runs) and ours/mosquitto,
// the notes a reader needs to trust it (how brokers were configured, which cells failed and why), and the command.
import type { BenchCase, Metrics, MqttBenchOptions, RunRecord, ScenarioName } from './bench-results.js';
import { BROKER_SETUP_NOTES } from './broker-configs.js';
import { OTHER_BROKERS, type BrokerKind } from './broker-process.js';
import { EXTRAPOLATE_TO } from './connections-scenario.js';
import { SCALE_FOOTER, SCALE_ROWS } from './scale-scenarios.js';
import { median } from './statistics.js';
import { INFLIGHT_WINDOW, PAYLOAD_BYTES } from './throughput-scenario.js';

export interface BenchEnvironment {
  date: string;
  node: string;
  mosquitto: string | null;
  cpu: string;
  cores: number;
  kernel: string;
}

interface Summary {
  /** medians over the runs that succeeded; empty when none did */
  metrics: Metrics;
  okRuns: number;
  runs: number;
  /** what went wrong in the runs that did not succeed, e.g. "not supported: no PUBACK within 5000 ms" */
  problems: string[];
  unsupported: boolean;
}

function summarize(records: RunRecord[], caseId: string, broker: BrokerKind): Summary {
  const mine = records.filter((r) => r.caseId === caseId && r.broker === broker);
  const ok: Metrics[] = [];
  const problems: string[] = [];
  let unsupported = false;
  for (const r of mine) {
    if (r.outcome.status === 'ok') ok.push(r.outcome.value);
    else if (r.outcome.status === 'unsupported') {
      unsupported = true;
      problems.push(`not supported: ${r.outcome.reason}`);
    } else problems.push(`error: ${r.outcome.message}`);
  }
  const metrics: Metrics = {};
  for (const key of ok.length > 0 ? Object.keys(ok[0]!) : []) metrics[key] = median(ok.map((m) => m[key]!));
  return { metrics, okRuns: ok.length, runs: mine.length, problems: [...new Set(problems)], unsupported };
}

const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  pct: (n: number) => `${n.toFixed(0)} %`,
  ms: (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1)),
  mib: (n: number) => (n / 1048576).toFixed(1),
  sec: (n: number) => n.toFixed(1),
};

function cell(summary: Summary, key: string, format: (n: number) => string): string {
  if (summary.okRuns === 0) return summary.unsupported ? 'not supported' : summary.runs === 0 ? '—' : 'error';
  const value = summary.metrics[key];
  return value === undefined || !Number.isFinite(value) ? 'n/a' : format(value);
}

function ratio(ours: Summary | undefined, theirs: Summary | undefined, key: string): string {
  const a = ours?.metrics[key];
  const b = theirs?.metrics[key];
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '—';
  return `${(a / b).toFixed(2)}×`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

function problemNotes(records: RunRecord[], cases: BenchCase[], brokers: BrokerKind[]): string[] {
  const notes: string[] = [];
  for (const c of cases) {
    for (const broker of brokers) {
      const s = summarize(records, c.id, broker);
      if (s.problems.length === 0) continue;
      const runs =
        s.okRuns > 0
          ? ` (${s.runs - s.okRuns} of ${s.runs} runs; the median is of the other ${s.okRuns})`
          : '';
      notes.push(`- ${broker}, ${c.label}: ${s.problems.join('; ')}${runs}`);
    }
  }
  return notes;
}

/**
 * Runs whose publishers got far more into the broker than the subscriber got out. A median hides such a run, yet it
 * says something about the broker (it queued or dropped the difference), so each one is named.
 */
function backlogNotes(records: RunRecord[], cases: BenchCase[]): string[] {
  const ids = new Set(cases.map((c) => c.id));
  return records
    .filter((r) => ids.has(r.caseId) && r.outcome.status === 'ok')
    .flatMap((r) => {
      const m = (r.outcome as { value: Metrics }).value;
      if (!(m.sentPerSec! > 1.1 * m.msgPerSec!)) return [];
      return [
        `- ${r.broker}, ${r.caseLabel}, run ${r.run}: published ${fmt.int(m.sentPerSec!)} msg/s but delivered ` +
          `${fmt.int(m.msgPerSec!)} msg/s (broker CPU ${fmt.pct(m.brokerCpuPct!)}); the broker queued or dropped the rest`,
      ];
    });
}

/** our brokers compared with mosquitto in a ratio column each (none without mosquitto in the run). */
function oursVsMosquitto(brokers: BrokerKind[]): BrokerKind[] {
  return brokers.includes('mosquitto') ? brokers.filter((b) => !OTHER_BROKERS.includes(b)) : [];
}

function ratioTitle(ours: BrokerKind): string {
  return ours === 'robustmq' ? 'ours/mosquitto' : `${ours}/mosquitto`;
}

interface MetricColumn {
  key: string;
  title: string;
  format: (n: number) => string;
  /** with the ratio of ours to mosquitto beside it */
  ratio: boolean;
}

/** The columns of the latency tables (fixed-rate and paced), by the result field they show. */
const LATENCY_COLUMNS = {
  p50: { title: 'p50 ms', format: fmt.ms, ratio: true },
  p90: { title: 'p90 ms', format: fmt.ms, ratio: true },
  p99: { title: 'p99 ms', format: fmt.ms, ratio: true },
  p999: { title: 'p99.9 ms', format: fmt.ms, ratio: true },
  max: { title: 'max ms', format: fmt.ms, ratio: true },
  ackP50: { title: 'PUBACK p50 ms', format: fmt.ms, ratio: true },
  ackP99: { title: 'PUBACK p99 ms', format: fmt.ms, ratio: true },
  ackP999: { title: 'PUBACK p99.9 ms', format: fmt.ms, ratio: true },
  achievedRate: { title: 'achieved msg/s', format: fmt.int, ratio: false },
  samples: { title: 'messages sampled', format: fmt.int, ratio: false },
  lost: { title: 'lost', format: fmt.int, ratio: false },
  deferred: { title: 'sends deferred by a full window', format: fmt.int, ratio: false },
  brokerCpuPct: { title: 'broker CPU', format: fmt.pct, ratio: true },
  msgPerBrokerCpuSec: { title: 'msg per broker CPU-s', format: fmt.int, ratio: true },
  loadCpuPct: { title: 'load CPU', format: fmt.pct, ratio: false },
} satisfies Record<string, Omit<MetricColumn, 'key'>>;

/** The columns named, in order: "p50 p99 max …". */
function latencyColumns(keys: string): MetricColumn[] {
  return keys.split(' ').map((key) => {
    const column = (LATENCY_COLUMNS as Record<string, Omit<MetricColumn, 'key'>>)[key];
    if (!column) throw new Error(`no latency column ${key}`);
    return { key, ...column };
  });
}

function throughputSection(
  records: RunRecord[],
  cases: BenchCase[],
  options: MqttBenchOptions,
  title = `### Throughput (${PAYLOAD_BYTES}-byte payloads, 1 subscriber, ${options.durationS} s window after ${options.warmupS} s warm-up, median of ${options.runs} runs)`,
  load = `QoS 0 publishers write as fast as the socket accepts; QoS 1 publishers keep ${INFLIGHT_WINDOW} unacknowledged messages each.`,
): string {
  const { brokers } = options;
  const ours = oursVsMosquitto(brokers);
  const columns: (MetricColumn & {
    /** shown only when some run measured it */
    optional?: boolean;
  })[] = [
    { key: 'msgPerSec', title: 'delivered msg/s', format: fmt.int, ratio: true },
    { key: 'msgPerBrokerCpuSec', title: 'msg per broker CPU-s', format: fmt.int, ratio: true },
    { key: 'brokerCpuPct', title: 'broker CPU', format: fmt.pct, ratio: false },
    { key: 'loadCpuPct', title: 'load CPU', format: fmt.pct, ratio: false },
    // only when the publishers ran in processes of their own
    { key: 'subscriberCpuPct', title: 'subscriber CPU', format: fmt.pct, ratio: false, optional: true },
    { key: 'publishersCpuPct', title: 'publishers CPU', format: fmt.pct, ratio: false, optional: true },
    { key: 'sentPerSec', title: 'published msg/s', format: fmt.int, ratio: false },
  ].filter(
    (col) =>
      !col.optional ||
      records.some(
        (r) =>
          cases.some((c) => c.id === r.caseId) &&
          r.outcome.status === 'ok' &&
          r.outcome.value[col.key] !== undefined,
      ),
  );
  const header = ['case'];
  for (const col of columns) {
    for (const b of brokers) header.push(`${col.title} ${b}`);
    if (col.ratio) for (const o of ours) header.push(ratioTitle(o));
  }
  const rows = cases.map((c) => {
    const s = Object.fromEntries(brokers.map((b) => [b, summarize(records, c.id, b)])) as Record<
      BrokerKind,
      Summary
    >;
    const row = [c.label];
    for (const col of columns) {
      for (const b of brokers) row.push(cell(s[b], col.key, col.format));
      if (col.ratio) for (const o of ours) row.push(ratio(s[o], s.mosquitto, col.key));
    }
    return row;
  });
  return [
    title,
    '',
    table(header, rows),
    '',
    'Delivered = PUBLISH frames received by the subscriber in the window. CPU is user + system time of the process ' +
      `over the window as a share of one core (100 % = one core busy). ${load} "published" above "delivered" ` +
      'means the broker is queueing (or dropping) what it cannot deliver.',
    ...problemNotes(records, cases, brokers),
    ...backlogNotes(records, cases),
  ].join('\n');
}

function metricRowsSection(
  title: string,
  rows: MetricColumn[],
  records: RunRecord[],
  c: BenchCase,
  brokers: BrokerKind[],
  footer: string,
): string {
  const ours = oursVsMosquitto(brokers);
  const s = Object.fromEntries(brokers.map((b) => [b, summarize(records, c.id, b)])) as Record<
    BrokerKind,
    Summary
  >;
  const header = ['', ...brokers, ...ours.map(ratioTitle)];
  const body = rows.map((r) => [
    r.title,
    ...brokers.map((b) => cell(s[b], r.key, r.format)),
    ...ours.map((o) => (r.ratio ? ratio(s[o], s.mosquitto, r.key) : '')),
  ]);
  return [title, '', table(header, body), '', footer, ...problemNotes(records, [c], brokers)].join('\n');
}

export function renderReport(
  records: RunRecord[],
  casesByScenario: Record<ScenarioName, BenchCase[]>,
  options: MqttBenchOptions,
  environment: BenchEnvironment,
  command: string,
): string {
  const sections: string[] = [
    '## robust-bench mqtt',
    '',
    `${environment.date} · ${environment.cpu}, ${environment.cores} cores · Linux ${environment.kernel} · Node ${environment.node}` +
      (options.brokers.includes('mosquitto') ? ` · mosquitto ${environment.mosquitto ?? '(not found)'}` : ''),
    '',
    ...options.brokers.map((b) => `- ${BROKER_SETUP_NOTES[b](options.robustmqStorage)}`),
    '- every measurement starts a fresh broker; runs alternate between brokers; each cell is the median over runs',
  ];
  if (options.scenarios.includes('throughput'))
    sections.push(
      options.perPacketWrites
        ? '- throughput load like a real client: every PUBLISH is a socket write of its own (`--per-packet-writes`)'
        : '- throughput load: QoS 0 PUBLISHes 64 per socket write, QoS 1 refilled a quarter window per write',
    );
  if (options.scenarios.includes('throughput'))
    sections.push('', throughputSection(records, casesByScenario.throughput, options));
  if (options.scenarios.includes('ordinary'))
    sections.push(
      '',
      throughputSection(
        records,
        casesByScenario.ordinary,
        options,
        `### Ordinary clients: MQTT.js 5 (${PAYLOAD_BYTES}-byte payloads, 1 subscriber, ${options.durationS} s window after ${options.warmupS} s warm-up, median of ${options.runs} runs)`,
        'Every client is MQTT.js with its defaults; each PUBLISH is issued on an event-loop turn of its own (one ' +
          'socket write per packet) and the subscriber answers each QoS 1 message with its own PUBACK; QoS 1 ' +
          `publishers keep ${INFLIGHT_WINDOW} unacknowledged messages each. ` +
          (options.ordinaryProcesses === 'one'
            ? 'All clients share one load process and its event loop (`--ordinary-processes one`). '
            : 'Each publisher runs in a process of its own, the subscriber in another; load CPU is all of them together. ') +
          "Load and broker share the machine's cores.",
      ),
    );
  /** a table per case of `scenario` when it ran: the table's title, its columns and the footer under it */
  const perCase = (scenario: ScenarioName, section: (c: BenchCase) => [string, MetricColumn[], string]) => {
    if (!options.scenarios.includes(scenario)) return;
    for (const c of casesByScenario[scenario]) {
      const [title, columns, footer] = section(c);
      sections.push('', metricRowsSection(title, columns, records, c, options.brokers, footer));
    }
  };
  perCase('rates', (c) => [
    `### Latency at a fixed rate (${c.label}, ${PAYLOAD_BYTES}-byte payloads, ${options.durationS} s window, median of ${options.runs} runs)`,
    latencyColumns(
      'p50 p99 p999 max ackP50 ackP99 ackP999 achievedRate lost deferred brokerCpuPct msgPerBrokerCpuSec',
    ),
    'Latency = publish → delivery at the subscriber; PUBACK = publish → PUBACK at the publisher (on a broker that ' +
      'stores before acknowledging, this includes the durable write). Raw client, publisher and subscriber in one ' +
      'process (one clock); every PUBLISH and every PUBACK is a socket write of its own; in-flight window 1,000.',
  ]);
  perCase('latency', (c) => [
    `### Latency (${c.label}, ${PAYLOAD_BYTES}-byte payloads, ${options.durationS} s window, median of ${options.runs} runs)`,
    latencyColumns('p50 p90 p99 p999 max achievedRate samples lost deferred brokerCpuPct loadCpuPct'),
    'Latency = receive time − send time stamped in the payload, publisher and subscriber in one process (one clock). ' +
      `Publisher and subscriber both use QoS 1 (in-flight window ${INFLIGHT_WINDOW}).`,
  ]);
  perCase('connections', () => [
    `### Idle connections (${options.connections.toLocaleString('en-US')} MQTT 3.1.1 connections, keep-alive 600 s, median of ${options.runs} runs)`,
    [
      { key: 'connections', title: 'connections held', format: fmt.int, ratio: false },
      { key: 'failed', title: 'connections failed', format: fmt.int, ratio: false },
      {
        key: 'rssBeforeBytes',
        title: 'broker RSS before, settled (MiB)',
        format: fmt.mib,
        ratio: true,
      },
      { key: 'rssAfterBytes', title: 'broker RSS after, settled (MiB)', format: fmt.mib, ratio: true },
      {
        key: 'bytesPerConnection',
        title: 'bytes per connection, settled',
        format: fmt.int,
        ratio: true,
      },
      {
        key: 'bytesPerConnectionAfterGc',
        title: 'bytes per connection after a forced full GC (V8 brokers)',
        format: fmt.int,
        ratio: true,
      },
      {
        key: 'bytesPerConnectionAt1s',
        title: 'bytes per connection 1 s after the burst (earlier benches)',
        format: fmt.int,
        ratio: true,
      },
      { key: 'settleSeconds', title: 'seconds until settled', format: fmt.sec, ratio: false },
      {
        key: 'rssAt100kBytes',
        title: `RSS at ${EXTRAPOLATE_TO.toLocaleString('en-US')} connections, extrapolated (MiB)`,
        format: fmt.mib,
        ratio: true,
      },
      { key: 'connectSeconds', title: 'time to open all (s)', format: fmt.sec, ratio: true },
    ],
    'RSS = VmRSS of the broker process, sampled every second until it settles (a broker on V8 returns the ' +
      "connect burst's garbage when its memory reducer runs, up to ~2 min after the burst; the same before the " +
      'burst for its start-up garbage); per connection = (settled after − settled before) / connections held; ' +
      "the forced-GC row is the same difference read again after a full GC asked for through the broker's V8 " +
      'inspector (opened on loopback by the bench) once each settled reading was taken; ' +
      'the 1 s row is RSS 1 s after the last CONNACK minus RSS 1 s after start-up, as the earlier benches read it; ' +
      'the extrapolation is before + per connection × 100,000 (a process here may hold at most 20,000 open files).',
  ]);
  for (const scenario of ['fanin', 'fanout', 'topics'] as const)
    perCase(scenario, (c) => [
      `### ${c.label} (${options.durationS} s of publishing after ${options.warmupS} s warm-up, median of ${options.runs} runs)`,
      SCALE_ROWS.map((r) => ({ ...r, format: fmt[r.format] })),
      SCALE_FOOTER,
    ]);
  sections.push('', `Command: \`${command}\``, '');
  return sections.join('\n');
}
