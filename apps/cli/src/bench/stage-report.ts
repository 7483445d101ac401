// `--stage-timings`: our broker processes record per-stage latency histograms (ROBUSTMQ_STAGE_TIMINGS, see
// @robustmq/common stage-timings.ts); the load worker signals the broker when its measured window starts and ends,
// and the bench prints the stages' percentiles over that window after each run — where a message's time went.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StageReport, StageSummary } from '@robustmq/common';

/** the directory brokers write their reports to, when the bench asked for stage timings. */
export function stageTimingsDir(): string | undefined {
  return process.env['ROBUSTMQ_STAGE_TIMINGS'] || undefined;
}

/** Whether the process was started with ROBUSTMQ_STAGE_TIMINGS (so it handles SIGUSR2); true where that cannot be
 * read (not Linux): the caller named it. */
function recordsStages(pid: number): boolean {
  try {
    return `\0${readFileSync(`/proc/${pid}/environ`, 'utf8')}`.includes('\0ROBUSTMQ_STAGE_TIMINGS=');
  } catch {
    return true;
  }
}

/** Marks a window boundary in the broker's stage timings (its report since the previous mark is written). A process
 * started without stage timings is not signalled: SIGUSR2's default action would end it. */
export function markStageWindow(brokerPid: number): void {
  if (stageTimingsDir() === undefined || brokerPid <= 0 || !recordsStages(brokerPid)) return;
  try {
    process.kill(brokerPid, 'SIGUSR2');
  } catch {
    // the broker is gone: the run reports that on its own
  }
}

/** The broker's report for the last window, removed once read; undefined when there is none. */
export function takeStageReport(brokerPid: number): StageReport | undefined {
  const dir = stageTimingsDir();
  if (dir === undefined) return undefined;
  const file = join(dir, `stages-${brokerPid}.json`);
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as StageReport;
  rmSync(file, { force: true });
  return report;
}

/** One line per stage: count, p50 / p90 / p99 / p99.9 / max in ms. */
export function formatStageReport(report: StageReport): string[] {
  const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const line = (name: string, s: StageSummary): string =>
    `  ${name.padEnd(32)} ${String(Math.round(s.count)).padStart(8)}  p50 ${ms(s.p50).padStart(6)}  p90 ${ms(s.p90).padStart(6)}  p99 ${ms(s.p99).padStart(6)}  p99.9 ${ms(s.p999).padStart(6)}  max ${ms(s.max).padStart(6)}`;
  return [
    `stage timings of pid ${report.pid} over ${(report.windowMs / 1000).toFixed(1)} s (ms; count = messages, or requests for *.request / fdatasync = waiters):`,
    line('event-loop delay', report.eventLoopDelay),
    ...Object.entries(report.stages).map(([name, s]) => line(name, s)),
  ];
}
