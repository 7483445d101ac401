// Worker-side timing of a measured window: CPU snapshots of the broker and of the load process itself, taken in the
// same instant as the message counters, a sleep that gives up when the load stops making progress, and the measured
// window of a throughput-shaped run (raw or MQTT.js clients) built from them.
import { cpuTimeMs } from './proc-stats.js';
import type { ThroughputJob, ThroughputResult, WindowCpu } from './worker-protocol.js';

export interface Snapshot {
  at: number;
  brokerCpuMs: number;
  loadCpuMs: number;
}

export function snapshot(brokerPid: number): Snapshot {
  return { at: performance.now(), brokerCpuMs: cpuTimeMs(brokerPid), loadCpuMs: cpuTimeMs('self') };
}

export function windowCpu(start: Snapshot, end: Snapshot): WindowCpu {
  return {
    windowMs: end.at - start.at,
    brokerCpuMs: end.brokerCpuMs - start.brokerCpuMs,
    loadCpuMs: end.loadCpuMs - start.loadCpuMs,
  };
}

/** Sleeps `ms`, checking every 250 ms whether the run has stalled (the check returns why) and failing if so. */
export function watchedSleep(ms: number, stalled: () => string | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = performance.now() + ms;
    const check = (): void => {
      const reason = stalled();
      if (reason) return reject(new Error(reason));
      const left = deadline - performance.now();
      if (left <= 0) return resolve();
      setTimeout(check, Math.min(250, left));
    };
    check();
  });
}

/** A throughput-shaped load: publishers that count what they wrote, the subscriber's count, and why a load
 * connection ended (null while every one is up). */
export interface DeliveryLoad {
  publishers: readonly { readonly sent: number; start(): void; stop(): void }[];
  delivered(): number;
  lostConnection(): string | null;
}

/** Starts the publishers, warms up, then measures one window: messages delivered and sent, CPU of broker and load.
 * Fails once a connection ends or the subscriber receives nothing for replyTimeoutMs. */
export async function measureDelivery(
  job: Pick<ThroughputJob, 'brokerPid' | 'warmupMs' | 'durationMs' | 'replyTimeoutMs'>,
  load: DeliveryLoad,
  progress: (text: string) => void,
): Promise<ThroughputResult> {
  const { publishers, delivered } = load;
  const sentNow = () => publishers.reduce((sum, p) => sum + p.sent, 0);
  let lastDelivered = delivered();
  let lastDeliveryAt = performance.now();
  const stalled = (): string | null => {
    const lost = load.lostConnection();
    if (lost) return lost;
    const now = performance.now();
    if (delivered() !== lastDelivered) {
      lastDelivered = delivered();
      lastDeliveryAt = now;
    } else if (now - lastDeliveryAt > job.replyTimeoutMs) {
      return `stalled: the subscriber received nothing for ${job.replyTimeoutMs} ms`;
    }
    return null;
  };

  for (const p of publishers) p.start();
  if (job.warmupMs > 0) {
    progress(`warming up ${job.warmupMs / 1000} s`);
    await watchedSleep(job.warmupMs, stalled);
  }
  const start = snapshot(job.brokerPid);
  const delivered0 = delivered();
  const sent0 = sentNow();
  progress(`measuring ${job.durationMs / 1000} s`);
  await watchedSleep(job.durationMs, stalled);
  const end = snapshot(job.brokerPid);
  const result: ThroughputResult = {
    kind: 'throughput',
    delivered: delivered() - delivered0,
    sent: sentNow() - sent0,
    ...windowCpu(start, end),
  };
  for (const p of publishers) p.stop();
  return result;
}
