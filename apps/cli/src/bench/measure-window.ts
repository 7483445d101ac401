// Worker-side timing of a measured window: CPU snapshots of the broker, of the load process itself and of any
// publisher processes it runs, taken in the same instant as the subscriber's counter, a sleep that gives up when the
// load stops making progress, and the measured window of a throughput-shaped run (raw or MQTT.js clients) built from
// them.
import { cpuTimeMs } from './proc-stats.js';
import { markStageWindow } from './stage-report.js';
import type { ThroughputJob, ThroughputResult, WindowCpu } from './worker-protocol.js';

export interface Snapshot {
  at: number;
  brokerCpuMs: number;
  /** this process (the subscriber's, and the publishers' when they share it) */
  selfCpuMs: number;
  /** the publisher processes together, when the publishers run apart */
  publishersCpuMs?: number;
}

export function snapshot(brokerPid: number, publisherPids?: readonly number[]): Snapshot {
  return {
    at: performance.now(),
    brokerCpuMs: cpuTimeMs(brokerPid),
    selfCpuMs: cpuTimeMs('self'),
    publishersCpuMs: publisherPids?.reduce((sum, pid) => sum + cpuTimeMs(pid), 0),
  };
}

export function windowCpu(start: Snapshot, end: Snapshot): WindowCpu {
  const self = end.selfCpuMs - start.selfCpuMs;
  const cpu: WindowCpu = {
    windowMs: end.at - start.at,
    brokerCpuMs: end.brokerCpuMs - start.brokerCpuMs,
    loadCpuMs: self,
  };
  if (start.publishersCpuMs !== undefined && end.publishersCpuMs !== undefined) {
    cpu.publishersCpuMs = end.publishersCpuMs - start.publishersCpuMs;
    cpu.subscriberCpuMs = self;
    cpu.loadCpuMs = self + cpu.publishersCpuMs;
  }
  return cpu;
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

/** A publisher process's count of messages written, and when it was read (ms, wall clock of this machine). */
export interface SentCount {
  count: number;
  at: number;
}

/** Now on the wall clock that every process of this machine shares, in ms with sub-ms precision. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Messages written within a window of `windowMs`, from counts read at its start and end: each process's rate over
 * the span its own two readings cover (a reply over IPC may come late on a busy machine) times the window. */
export function sentInWindow(start: SentCount[], end: SentCount[], windowMs: number): number {
  let sent = 0;
  start.forEach((s, i) => {
    const e = end[i]!;
    const span = e.at - s.at;
    sent += span > 0 ? ((e.count - s.count) * windowMs) / span : e.count - s.count;
  });
  return Math.round(sent);
}

/** A throughput-shaped load: publishers that count what they wrote (in this process, or in processes of their own
 * that answer when asked), the subscriber's count, and why a load connection ended (null while every one is up). */
export interface DeliveryLoad {
  publishers: readonly { start(): void; stop(): void }[];
  /** messages written so far, each count with the wall-clock time it was read (one entry per process) */
  sent(): SentCount[] | Promise<SentCount[]>;
  /** the publishers' own processes, whose CPU is read with the broker's */
  publisherPids?: readonly number[];
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
  const start = snapshot(job.brokerPid, load.publisherPids);
  // (--stage-timings) the broker's stages over the window: mqtt-bench prints them after the run
  markStageWindow(job.brokerPid);
  const delivered0 = delivered();
  const sent0 = await load.sent();
  progress(`measuring ${job.durationMs / 1000} s`);
  await watchedSleep(job.durationMs, stalled);
  const end = snapshot(job.brokerPid, load.publisherPids);
  markStageWindow(job.brokerPid);
  const delivered1 = delivered();
  const sent1 = await load.sent();
  const cpu = windowCpu(start, end);
  const result: ThroughputResult = {
    kind: 'throughput',
    delivered: delivered1 - delivered0,
    sent: sentInWindow(sent0, sent1, cpu.windowMs),
    ...cpu,
  };
  for (const p of publishers) p.stop();
  return result;
}
