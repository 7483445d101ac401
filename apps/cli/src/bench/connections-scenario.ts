// Idle connections: N MQTT connections (keep-alive 600 s) held open by several load processes — one process may
// hold at most 20,000 open files here — and the broker's resident memory before and after, per connection, and
// extrapolated to 100,000 connections.
//
// What an idle connection costs is what the broker holds once it is idle again, not what it holds the moment after
// a burst of 19,000 handshakes: a broker on V8 (ours, aedes) still has the burst's garbage in its old generation
// then, and a young generation grown by it. V8's memory reducer returns both on its own once the process is idle —
// but it judges "idle" by the allocation rate it measured at the last GCs, so after a burst it waits for its
// watchdog, ~100 s after the last full GC, and then runs up to three GCs some seconds apart (measured with
// `--trace-gc-verbose`: "Memory reducer: high alloc … started GC #1"; apps/mqtt-broker/scripts/idle-memory-probe.mjs
// settle-broker). A freshly started broker does the same with its start-up garbage, ~45 s after start. So RSS is
// sampled every second, before the connections (from start-up) and after them, until it has settled: for a broker
// on V8, once it has dropped and then stayed within 1 % for SETTLED_FOR_MS, at most SETTLE_BOUND_MS; for
// mosquitto (no GC) once it has stayed so for STABLE_NO_GC_MS. Per connection = (settled after − settled before) ÷
// connections: the headline. The reading of the earlier benches — RSS 1 s after the last CONNACK minus RSS 1 s after
// start-up — is reported beside it. A broker on Node also gets a full GC through its inspector once each settled
// reading is taken (inspector-gc.ts), and RSS read again: a second, steadier figure beside the headline.
import type { BenchCase, Metrics, MqttBenchOptions } from './bench-results.js';
import type { BrokerKind } from './broker-process.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { collectGarbage } from './inspector-gc.js';
import { rssBytes } from './proc-stats.js';
import { startLoadWorker, type LoadWorker, type Outcome } from './run-worker.js';
import { REPLY_TIMEOUT_MS } from './throughput-scenario.js';
import type { ConnectionsJob } from './worker-protocol.js';

/** Connections per load process: well under the open-file limit, and several processes connect in parallel. */
export const CONNECTIONS_PER_WORKER = 2500;
const HANDSHAKES_AT_ONCE_PER_WORKER = 50;
export const EXTRAPOLATE_TO = 100_000;
/** brokers whose memory a garbage collector manages (V8): their RSS is settled once the memory reducer has run */
const COLLECTED: readonly BrokerKind[] = ['robustmq', 'robustmq-journal', 'aedes'];
/** how long RSS must stay within SETTLED_BAND after it dropped (V8: the reducer's GCs come some seconds apart; its
 * second and third, which release fragmented old-space pages, can come up to 100 s after the first: a longer
 * window, ROBUST_BENCH_SETTLED_FOR_S=120, waits for them at ~3 more minutes per run) */
const SETTLED_FOR_MS = Math.max(5, Number(process.env.ROBUST_BENCH_SETTLED_FOR_S) || 30) * 1000;
/** how long RSS must stay within SETTLED_BAND, for a broker without a garbage collector */
const STABLE_NO_GC_MS = 5_000;
/** the longest wait for a settled reading (the reducer's watchdog fires ~100 s after the last full GC) */
const SETTLE_BOUND_MS = Math.max(180_000, SETTLED_FOR_MS + 150_000);
const SETTLED_BAND = 0.01;
/** a fall of RSS this large counts as the reducer having run */
const DROP_BYTES = 2 * 1024 * 1024;

interface Settled {
  /** RSS 1 s after the wait began (the work each CONNECT caused is done by then) */
  first: number;
  /** RSS once settled (or at the bound) */
  settled: number;
  /** ms from the start of the wait to the settled reading */
  afterMs: number;
  /** false: the bound came first */
  ok: boolean;
}

/** Samples the broker's RSS every second until it has settled (see the header). */
async function settledRss(
  pid: number,
  kind: BrokerKind | undefined,
  progress: (text: string) => void,
): Promise<Settled> {
  const collected = kind !== undefined && COLLECTED.includes(kind);
  const stableFor = collected ? SETTLED_FOR_MS : STABLE_NO_GC_MS;
  const started = Date.now();
  const samples: { at: number; rss: number }[] = [];
  let first = 0;
  let peak = 0;
  let dropped = !collected;
  for (let i = 1; ; i++) {
    await sleep(started + i * 1000 - Date.now());
    const at = Date.now() - started;
    const rss = rssBytes(pid);
    if (i === 1) first = rss;
    samples.push({ at, rss });
    if (rss > peak) peak = rss;
    else if (peak - rss >= DROP_BYTES && !dropped) {
      dropped = true;
      progress(
        `RSS fell by ${((peak - rss) / 1048576).toFixed(1)} MiB after ${Math.round(at / 1000)} s (GC)`,
      );
    }
    if (dropped) {
      // the readings of the last `stableFor` ms, all within the band around the newest
      const window = samples.filter((s) => s.at >= at - stableFor);
      const spanOk = window.length > 0 && window[0]!.at <= at - stableFor + 1000;
      const steady = window.every((s) => Math.abs(s.rss - rss) <= rss * SETTLED_BAND);
      if (spanOk && steady && at >= stableFor) return { first, settled: rss, afterMs: at, ok: true };
    }
    if (at >= SETTLE_BOUND_MS) return { first, settled: rss, afterMs: at, ok: false };
  }
}

/** how long RSS is sampled after a forced GC, for V8 to hand the freed pages back (its unmapper runs beside) */
const AFTER_GC_MAX_MS = 10_000;

/** RSS once a full GC forced through the broker's inspector has returned what it freed: sampled every second until
 * two readings agree within 0.5 %. Undefined for a broker without an inspector. */
async function rssAfterFullGc(
  broker: { pid: number; inspectorUrl?: () => string | undefined },
  progress: (text: string) => void,
): Promise<number | undefined> {
  const url = broker.inspectorUrl?.();
  if (url === undefined) return undefined;
  await collectGarbage(url);
  let last = rssBytes(broker.pid);
  for (let waited = 0; waited < AFTER_GC_MAX_MS; waited += 1000) {
    await sleep(1000);
    const rss = rssBytes(broker.pid);
    if (Math.abs(rss - last) <= last * 0.005) {
      progress(`RSS after a forced full GC: ${(rss / 1048576).toFixed(1)} MiB`);
      return rss;
    }
    last = rss;
  }
  progress(`RSS after a forced full GC: ${(last / 1048576).toFixed(1)} MiB (still moving after 10 s)`);
  return last;
}

async function measure(
  broker: { pid: number; port: number; kind?: BrokerKind; inspectorUrl?: () => string | undefined },
  options: MqttBenchOptions,
  progress: (text: string) => void,
): Promise<Outcome<Metrics>> {
  const before = await settledRss(broker.pid, broker.kind, (text) => progress(`before: ${text}`));
  progress(
    `RSS before: ${(before.settled / 1048576).toFixed(1)} MiB ${before.ok ? 'settled' : 'NOT settled'} after ${Math.round(before.afterMs / 1000)} s (${(before.first / 1048576).toFixed(1)} MiB at 1 s)`,
  );
  const beforeGc = await rssAfterFullGc(broker, (text) => progress(`before: ${text}`));
  const workerCount = Math.ceil(options.connections / CONNECTIONS_PER_WORKER);
  const workers: LoadWorker[] = [];
  try {
    for (let w = 0; w < workerCount; w++) {
      const count = Math.min(CONNECTIONS_PER_WORKER, options.connections - w * CONNECTIONS_PER_WORKER);
      const job: ConnectionsJob = {
        kind: 'connections',
        port: broker.port,
        count,
        clientIdPrefix: `rb-idle-${w}`,
        keepAliveSeconds: 600,
        concurrency: HANDSHAKES_AT_ONCE_PER_WORKER,
        replyTimeoutMs: 30_000,
      };
      workers.push(
        startLoadWorker(
          job,
          (text) => progress(`worker ${w + 1}/${workerCount}: ${text}`),
          180_000 + REPLY_TIMEOUT_MS,
        ),
      );
    }
    const outcomes = await Promise.all(workers.map((w) => w.outcome));
    let opened = 0;
    let failed = 0;
    let elapsedMs = 0;
    let firstError: string | undefined;
    for (const outcome of outcomes) {
      if (outcome.status !== 'ok') return outcome;
      if (outcome.value.kind !== 'connections')
        return { status: 'error', message: `unexpected ${outcome.value.kind} result` };
      opened += outcome.value.opened;
      failed += outcome.value.failed;
      elapsedMs = Math.max(elapsedMs, outcome.value.elapsedMs);
      firstError ??= outcome.value.firstError;
    }
    if (opened === 0)
      return { status: 'error', message: `no connection was accepted${firstError ? `: ${firstError}` : ''}` };
    if (failed > 0)
      progress(`${failed} connections failed (first: ${firstError ?? 'dropped after CONNACK'})`);
    const after = await settledRss(broker.pid, broker.kind, (text) => progress(`after: ${text}`));
    progress(
      `RSS after: ${(after.settled / 1048576).toFixed(1)} MiB ${after.ok ? 'settled' : 'NOT settled'} after ${Math.round(after.afterMs / 1000)} s (${(after.first / 1048576).toFixed(1)} MiB at 1 s)`,
    );
    const afterGc = await rssAfterFullGc(broker, (text) => progress(`after: ${text}`));
    const perConnection = (after.settled - before.settled) / opened;
    const gcReading: Metrics =
      beforeGc !== undefined && afterGc !== undefined
        ? {
            rssBeforeGcBytes: beforeGc,
            rssAfterGcBytes: afterGc,
            bytesPerConnectionAfterGc: (afterGc - beforeGc) / opened,
          }
        : {};
    return {
      status: 'ok',
      value: {
        ...gcReading,
        connections: opened,
        failed,
        rssBeforeBytes: before.settled,
        rssAfterBytes: after.settled,
        bytesPerConnection: perConnection,
        bytesPerConnectionAt1s: (after.first - before.first) / opened,
        settleSeconds: after.afterMs / 1000,
        settled: before.ok && after.ok ? 1 : 0,
        rssAt100kBytes: before.settled + perConnection * EXTRAPOLATE_TO,
        connectSeconds: elapsedMs / 1000,
      },
    };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

export const CONNECTIONS_CASES: BenchCase[] = [
  { scenario: 'connections', id: 'idle', label: 'idle connections', inspector: true, measure },
];
