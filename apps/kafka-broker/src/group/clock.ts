// Time as the group coordinator sees it: the current time and one-shot timers. Session, rebalance and initial-join
// timeouts are all timers, so the state machine is driven by a real clock in the broker and by a fake one in its
// unit tests, where a test moves time by hand and every timeout fires exactly when it should.

export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  /** runs fn once after delayMs (unless cancelled first). */
  setTimer(delayMs: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, fn) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

/** A clock that only moves when told to: advance() fires the timers that fall due, in deadline order. */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, delayMs), fn });
    return { cancel: () => void this.timers.delete(id) };
  }

  /** moves time forward by ms, firing every timer due on the way at its own deadline (earliest first). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) {
        if (
          entry[1].at <= end &&
          (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[0] < next[0]))
        )
          next = entry;
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }

  /** timers not fired or cancelled yet. */
  get pending(): number {
    return this.timers.size;
  }
}
