// Idle connections: N MQTT connections (keep-alive 600 s) held open by several load processes — one process may
// hold at most 20,000 open files here — and the broker's resident memory before and after, per connection, and
// extrapolated to 100,000 connections.
import type { BenchCase, Metrics, MqttBenchOptions } from './bench-results.js';
import { sleep } from './measure-window.js';
import { rssBytes } from './proc-stats.js';
import { startLoadWorker, type LoadWorker, type Outcome } from './run-worker.js';
import { REPLY_TIMEOUT_MS } from './throughput-scenario.js';
import type { ConnectionsJob } from './worker-protocol.js';

/** Connections per load process: well under the open-file limit, and several processes connect in parallel. */
export const CONNECTIONS_PER_WORKER = 2500;
const HANDSHAKES_AT_ONCE_PER_WORKER = 50;
/** time for the broker to finish the work each CONNECT caused before its memory is read */
const SETTLE_MS = 1000;
export const EXTRAPOLATE_TO = 100_000;

async function measure(
  broker: { pid: number; port: number },
  options: MqttBenchOptions,
  progress: (text: string) => void,
): Promise<Outcome<Metrics>> {
  await sleep(SETTLE_MS);
  const rssBefore = rssBytes(broker.pid);
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
    await sleep(SETTLE_MS);
    const rssAfter = rssBytes(broker.pid);
    const perConnection = (rssAfter - rssBefore) / opened;
    return {
      status: 'ok',
      value: {
        connections: opened,
        failed,
        rssBeforeBytes: rssBefore,
        rssAfterBytes: rssAfter,
        bytesPerConnection: perConnection,
        rssAt100kBytes: rssBefore + perConnection * EXTRAPOLATE_TO,
        connectSeconds: elapsedMs / 1000,
      },
    };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

export const CONNECTIONS_CASES: BenchCase[] = [
  { scenario: 'connections', id: 'idle', label: 'idle connections', measure },
];
