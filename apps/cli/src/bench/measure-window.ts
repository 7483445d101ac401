// Worker-side timing of a measured window: CPU snapshots of the broker and of the load process itself, taken in the
// same instant as the message counters, and a sleep that gives up when the load stops making progress.
import { cpuTimeMs } from './proc-stats.js';
import type { WindowCpu } from './worker-protocol.js';

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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
