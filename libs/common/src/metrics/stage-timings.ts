// Where a message's time goes, stage by stage (issue #13: the QoS 1 p99 on the journal path). A stage is a named
// duration recorded on the hot path (queued for an append, the journal round trip, the fdatasync, a long-poll read's
// wake-up, ...) into a log-scale histogram; a benchmark reads their p50/p99 for the window it measured, next to the
// process's event-loop delay, instead of guessing from end-to-end numbers.
//
// Off unless the environment variable ROBUSTMQ_STAGE_TIMINGS names a directory: `stageTimings` is then undefined and
// every call site costs one comparison. When on, SIGUSR2 writes what was recorded since the previous SIGUSR2 to
// `<dir>/stages-<pid>.json` (rename into place: a reader never sees half a file) and starts over — a benchmark
// signals once when its window starts and once when it ends (`robust-bench mqtt --stage-timings`).
//
// A p99 says how slow the tail is, not what made it slow, so each report also lists its tail events: every stage of
// at least TAIL_EVENT_MS, every GC pause and every hold of the event loop, with the wall-clock time it ended. A
// benchmark lines them up with its slowest messages across all the cluster's processes (robust-bench mqtt-cluster).
import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import { GCProfiler, getHeapStatistics } from 'node:v8';

/** 16 buckets per power of two of microseconds: ±2.2 % resolution, 1 µs to ~17 min in 480 buckets. */
const PER_OCTAVE = 16;
const BUCKETS = 30 * PER_OCTAVE;
/** the event-loop delay monitor's sampling period, ms. */
const LOOP_RESOLUTION_MS = 10;
/** a stage, GC pause or event-loop hold at least this long is also kept as a tail event with its wall-clock time. */
const TAIL_EVENT_MS = 1;
/** most tail events one window keeps (the first ones). */
const MAX_TAIL_EVENTS = 20_000;
/** how often the loop-hold probe runs, ms: a turn that runs this much late is a hold of the event loop. */
const HOLD_PROBE_MS = 5;

class StageHistogram {
  readonly counts = new Float64Array(BUCKETS);
  total = 0;
  max = 0;

  record(ms: number, weight: number): void {
    const us = ms * 1000;
    const i = us < 1 ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log2(us) * PER_OCTAVE));
    this.counts[i]! += weight;
    this.total += weight;
    if (ms > this.max) this.max = ms;
  }

  /** the upper edge of the bucket holding quantile q, in ms. */
  quantile(q: number): number {
    const rank = q * this.total;
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank && this.counts[i]! > 0) return Math.min(this.max, 2 ** ((i + 1) / PER_OCTAVE) / 1000);
    }
    return this.max;
  }
}

export interface StageSummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** One slow occurrence: which stage (or `gc.minor` / `gc.major` / `loop.hold`), when it ended (epoch ms,
 * sub-ms precision, comparable across the processes of one machine) and how long it took. */
export interface TailEvent {
  stage: string;
  at: number;
  ms: number;
}

/**
 * Calls `onPause` for every GC pause of this process as a tail event: `gc.minor` (a scavenge,
 * NODE_PERFORMANCE_GC_MINOR) or `gc.major` (mark-sweep, incremental marking, weak callbacks: they stop the loop too),
 * ending at `at`. Stop it with the returned observer's disconnect().
 */
export function observeGcPauses(
  onPause: (pause: TailEvent & { stage: 'gc.minor' | 'gc.major' }) => void,
): PerformanceObserver {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      const at = performance.timeOrigin + entry.startTime + entry.duration;
      onPause({ stage: kind === 1 ? 'gc.minor' : 'gc.major', at, ms: entry.duration });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return observer;
}

export interface StageReport {
  pid: number;
  /** the window the report covers, ms */
  windowMs: number;
  /** the process's event-loop delay over the window: how late a 10 ms timer ran (perf_hooks monitorEventLoopDelay) */
  eventLoopDelay: StageSummary;
  stages: Record<string, StageSummary>;
  /** stages, GC pauses and event-loop holds of at least TAIL_EVENT_MS, in the order they ended (absent in reports
   * of older builds). */
  tail?: TailEvent[];
  /** bytes the JS heap allocated over the window: what its used size grew by plus what every GC in the window freed
   * (v8.GCProfiler's before/after heap statistics); Buffers' backing stores outside the heap are not counted (absent
   * in reports of older builds). */
  heapAllocated?: number;
}

export class StageTimings {
  private stages = new Map<string, StageHistogram>();
  private since = performance.now();
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private tail: TailEvent[] = [];
  private gcs = new GCProfiler();
  private usedAtStart = getHeapStatistics().used_heap_size;

  constructor() {
    this.gcs.start();
    this.loop.enable();
    // GC pauses: which of them coincide with a slow message (the scavenger runs every few hundred ms under load)
    observeGcPauses((pause) => this.record(pause.stage, pause.ms, 1, pause.at));
    // holds of the event loop, with their time (the delay histogram above has no times)
    let due = performance.now() + HOLD_PROBE_MS;
    setInterval(() => {
      const now = performance.now();
      const late = now - due;
      due = now + HOLD_PROBE_MS;
      if (late >= TAIL_EVENT_MS) this.event('loop.hold', late, performance.timeOrigin + now);
    }, HOLD_PROBE_MS).unref();
  }

  /** adds `ms` to the stage's histogram, counted `weight` times (a batch's wait counts once per message in it);
   * `at`: when it ended (epoch ms), if not now. */
  record(stage: string, ms: number, weight = 1, at?: number): void {
    let h = this.stages.get(stage);
    if (h === undefined) this.stages.set(stage, (h = new StageHistogram()));
    h.record(ms, weight);
    if (ms >= TAIL_EVENT_MS) this.event(stage, ms, at ?? performance.timeOrigin + performance.now());
  }

  private event(stage: string, ms: number, at: number): void {
    if (this.tail.length < MAX_TAIL_EVENTS) this.tail.push({ stage, at, ms });
  }

  /** what was recorded since the last reset. */
  report(): StageReport {
    const stages: Record<string, StageSummary> = {};
    for (const [name, h] of [...this.stages].sort(([a], [b]) => (a < b ? -1 : 1))) {
      stages[name] = {
        count: h.total,
        p50: h.quantile(0.5),
        p90: h.quantile(0.9),
        p99: h.quantile(0.99),
        p999: h.quantile(0.999),
        max: h.max,
      };
    }
    const l = this.loop;
    // the histogram holds each timer turn's whole interval: the delay is what exceeds the sampling period
    const ns = (v: number): number => (Number.isFinite(v) ? Math.max(0, v / 1e6 - LOOP_RESOLUTION_MS) : 0);
    return {
      pid: process.pid,
      windowMs: performance.now() - this.since,
      eventLoopDelay: {
        count: l.count,
        p50: ns(l.percentile(50)),
        p90: ns(l.percentile(90)),
        p99: ns(l.percentile(99)),
        p999: ns(l.percentile(99.9)),
        max: ns(l.max),
      },
      stages,
      tail: this.tail,
      heapAllocated: this.heapAllocated(),
    };
  }

  /** what the heap allocated since the window began; restarts the GC profiler (its record is the window's). */
  private heapAllocated(): number {
    const used = getHeapStatistics().used_heap_size;
    let freed = 0;
    for (const gc of this.gcs.stop()?.statistics ?? []) {
      freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
    }
    this.gcs = new GCProfiler();
    this.gcs.start();
    return used - this.usedAtStart + freed;
  }

  reset(): void {
    this.usedAtStart = getHeapStatistics().used_heap_size;
    this.stages = new Map();
    this.tail = [];
    this.loop.reset();
    this.since = performance.now();
  }
}

function start(dir: string): StageTimings {
  const timings = new StageTimings();
  process.on('SIGUSR2', () => {
    const file = join(dir, `stages-${process.pid}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(timings.report()));
    renameSync(`${file}.tmp`, file);
    timings.reset();
  });
  return timings;
}

const dir = process.env['ROBUSTMQ_STAGE_TIMINGS'];
/** the process's stage timings, or undefined when ROBUSTMQ_STAGE_TIMINGS is not set. */
export const stageTimings: StageTimings | undefined = dir ? start(dir) : undefined;
