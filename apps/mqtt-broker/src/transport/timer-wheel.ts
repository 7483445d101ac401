// One timer for the deadlines of every connection (connect timeout, keep-alive) instead of a Node timer each: a
// hashed wheel of slots `tickMs` wide, each slot the entries due in it, driven by a single interval that runs only
// while something is scheduled. An entry is called no earlier than its due time and at most about one tick after it
// (later only when the event loop itself is late). Re-arming on every packet would cost a slot move per packet, so
// entries re-arm lazily: when called, a keep-alive entry checks its last activity and schedules itself again if it
// is not yet due — the shape the per-connection timer had, with one Timeout for all connections.
//
// A slot is an intrusive doubly linked ring through its entries' own `wheelPrev`/`wheelNext` fields (a connection
// is the entry): two fields per entry instead of a Set entry each — a Set holding thousands of connections costs
// ~30 bytes per member in its hash table, plus the tables it leaves behind as it grows (issue 16) — and cancelling
// needs no look-up of the slot.

export interface WheelLink {
  /** the neighbours in this entry's slot ring, managed by the wheel; undefined while not scheduled. */
  wheelPrev: WheelLink | undefined;
  wheelNext: WheelLink | undefined;
}

export interface WheelEntry extends WheelLink {
  /** Called once the due time has passed; `now` is Date.now() of this tick. */
  onWheelDue(now: number): void;
}

/** A slot's ring head; its entries follow it. */
class Slot implements WheelLink {
  wheelPrev: WheelLink = this;
  wheelNext: WheelLink = this;
}

export const DEFAULT_TICK_MS = 100;

function unlink(entry: WheelLink): void {
  entry.wheelPrev!.wheelNext = entry.wheelNext;
  entry.wheelNext!.wheelPrev = entry.wheelPrev;
  entry.wheelPrev = undefined;
  entry.wheelNext = undefined;
}

export class TimerWheel {
  /** slot number (due time ÷ tickMs, rounded up) → the head of the entries due in it. */
  private readonly slots = new Map<number, Slot>();
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
    for (const slot of this.slots.values()) for (let e = slot.wheelNext; e !== slot; e = e.wheelNext!) n++;
    return n;
  }

  /** Calls `entry.onWheelDue` once `dueMs` (ms since the epoch) has passed; replaces an earlier schedule. */
  schedule(entry: WheelEntry, dueMs: number): void {
    if (entry.wheelNext !== undefined) unlink(entry);
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
      slot = new Slot();
      this.slots.set(index, slot);
    }
    // appended at the tail: a slot's entries run in the order they were scheduled
    const tail = slot.wheelPrev;
    entry.wheelPrev = tail;
    entry.wheelNext = slot;
    tail.wheelNext = entry;
    slot.wheelPrev = entry;
  }

  cancel(entry: WheelEntry): void {
    if (entry.wheelNext !== undefined) unlink(entry);
    // an emptied slot stays in the map until its tick: finding its index again would cost more than it holds
  }

  /** Stops the interval and forgets every entry (the owner is shutting down). */
  clear(): void {
    for (const slot of this.slots.values()) while (slot.wheelNext !== slot) unlink(slot.wheelNext);
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
      // taken from the head one at a time: a callback may cancel or move other entries of this slot (they then
      // leave the ring), and whatever it schedules goes to a later slot (nextSlot is past this one)
      while (slot.wheelNext !== slot) {
        const entry = slot.wheelNext as WheelEntry;
        unlink(entry);
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
