// setTimeout for delays longer than Node's 2^31-1 ms limit (session expiry, will delay, `$delayed` messages can be
// days): longer waits are chained. Timers are unref'd — a pending one must not keep a stopping process alive.

const MAX_TIMER_MS = 0x7fffffff;

export function longTimeout(ms: number, fn: () => void): NodeJS.Timeout {
  if (ms <= MAX_TIMER_MS) return setTimeout(fn, Math.max(0, ms)).unref();
  return setTimeout(() => longTimeout(ms - MAX_TIMER_MS, fn), MAX_TIMER_MS).unref();
}
