// One timer for the deadlines of every connection (connect timeout, keep-alive) instead of a Node timer each: a
// hashed wheel of slots `tickMs` wide, each slot the set of entries due in it, driven by a single interval that runs
// only while something is scheduled. An entry is called no earlier than its due time and at most about one tick
// after it (later only when the event loop itself is late). Re-arming on every packet would cost a set move per
// packet, so entries re-arm lazily: when called, a keep-alive entry checks its last activity and schedules itself
// again if it is not yet due — the shape the per-connection timer had, with one Timeout for all connections.

export interface WheelEntry {
  /** the slot this entry waits in, managed by the wheel. */
  wheelSlot: Set<WheelEntry> | undefined;
  /** Called once the due time has passed; `now` is Date.now() of this tick. */
  onWheelDue(now: number): void;
}

export const DEFAULT_TICK_MS = 100;

export class TimerWheel {
  /** slot number (due time ÷ tickMs, rounded up) → entries due in it. */
  private readonly slots = new Map<number, Set<WheelEntry>>();
  private timer: NodeJS.Timeout | undefined;
  /** the first slot not yet processed. */
  private nextSlot = 0;

  constructor(
    /** an entry's callback threw: reported here, and the other entries of its slot still run. */
    private readonly onError: (err: unknown) => void,
    private readonly tickMs = DEFAULT_TICK_MS,
  ) {}

  /** Entries waiting (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const slot of this.slots.values()) n += slot.size;
    return n;
  }

  /** Calls `entry.onWheelDue` once `dueMs` (ms since the epoch) has passed; replaces an earlier schedule. */
  schedule(entry: WheelEntry, dueMs: number): void {
    this.cancel(entry);
    if (this.timer === undefined) {
      this.nextSlot = Math.floor(Date.now() / this.tickMs);
      this.timer = setInterval(this.tick, this.tickMs);
      this.timer.unref();
    }
    // rounded up: the slot is processed no earlier than its start, which is no earlier than dueMs
    let index = Math.ceil(dueMs / this.tickMs);
    if (index < this.nextSlot) index = this.nextSlot;
    let slot = this.slots.get(index);
    if (slot === undefined) {
      slot = new Set();
      this.slots.set(index, slot);
    }
    slot.add(entry);
    entry.wheelSlot = slot;
  }

  cancel(entry: WheelEntry): void {
    const slot = entry.wheelSlot;
    if (slot === undefined) return;
    slot.delete(entry);
    entry.wheelSlot = undefined;
    // an emptied slot stays in the map until its tick: finding its index again would cost more than it holds
  }

  /** Stops the interval and forgets every entry (the owner is shutting down). */
  clear(): void {
    for (const slot of this.slots.values()) for (const entry of slot) entry.wheelSlot = undefined;
    this.slots.clear();
    this.stop();
  }

  private stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private readonly tick = (): void => {
    const now = Date.now();
    const last = Math.floor(now / this.tickMs);
    while (this.nextSlot <= last) {
      const index = this.nextSlot++;
      const slot = this.slots.get(index);
      if (slot === undefined) continue;
      this.slots.delete(index);
      for (const entry of slot) {
        if (entry.wheelSlot !== slot) continue; // cancelled or moved while this slot ran
        entry.wheelSlot = undefined;
        try {
          entry.onWheelDue(now);
        } catch (err) {
          this.onError(err);
        }
      }
    }
    if (this.slots.size === 0) this.stop();
  };
}
