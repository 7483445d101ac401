// Preloaded into each placement member by placement-write-tails.mjs (PLACEMENT_NODE_ARGS=--import=<this file>):
// records, with absolute timestamps (ms since the epoch), every GC pause (PerformanceObserver), every fdatasync the
// process makes (fs.fdatasync on the pool and fdatasyncSync inline, wrapped before the log store imports them) and
// every event-loop stall over 0.7 ms (a 2 ms interval timer that ran late), and writes them at exit to
// $PLACEMENT_TRACE_DIR/trace-<pid>.json. Off the product path: only the tail-attribution script loads it.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const dir = process.env.PLACEMENT_TRACE_DIR;
const t0 = performance.timeOrigin;
const gc = [];
const fsyncs = [];
const stalls = [];
const kinds = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    gc.push([t0 + e.startTime, e.duration, kinds[e.detail?.kind] ?? 'other']);
}).observe({ entryTypes: ['gc'] });
const onPool = fs.fdatasync;
fs.fdatasync = function (fd, cb) {
  const s = performance.now();
  return onPool.call(fs, fd, (err) => {
    fsyncs.push([t0 + s, performance.now() - s, 'pool']);
    cb(err);
  });
};
const inline = fs.fdatasyncSync;
fs.fdatasyncSync = function (fd) {
  const s = performance.now();
  try {
    return inline.call(fs, fd);
  } finally {
    fsyncs.push([t0 + s, performance.now() - s, 'inline']);
  }
};
// the log store imports these by name from node:fs: make its bindings the wrapped ones
syncBuiltinESMExports();
const PERIOD_MS = 2;
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  const late = now - last - PERIOD_MS;
  if (late > 0.7) stalls.push([t0 + last + PERIOD_MS, late]);
  last = now;
}, PERIOD_MS).unref();
process.on('exit', () => {
  const cpu = process.cpuUsage();
  fs.writeFileSync(
    `${dir}/trace-${process.pid}.json`,
    JSON.stringify({ pid: process.pid, cpuMs: (cpu.user + cpu.system) / 1000, gc, fsyncs, stalls }),
  );
});
