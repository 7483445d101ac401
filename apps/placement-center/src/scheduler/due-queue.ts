// Due times of the leader's scheduled work (wills to fire, sessions to expire), earliest first: a binary min-heap
// of (due, key) with the live due time of each key in a map. Changing or removing a key leaves its old heap entry
// behind; entries that no longer match the map are skipped when they reach the top, so every change is O(log n).
interface Entry {
  dueAtMs: number;
  key: string;
}

export class DueQueue {
  private readonly heap: Entry[] = [];
  private readonly due = new Map<string, number>();

  get size(): number {
    return this.due.size;
  }

  /** Sets (or moves) the key's due time. */
  set(key: string, dueAtMs: number): void {
    if (this.due.get(key) === dueAtMs) return;
    this.due.set(key, dueAtMs);
    this.push({ dueAtMs, key });
    // stale entries are dropped lazily; rebuild when they outnumber live ones, so the heap stays proportional
    if (this.heap.length > 64 && this.heap.length > 4 * this.due.size) this.compact();
  }

  delete(key: string): void {
    this.due.delete(key);
  }

  has(key: string): boolean {
    return this.due.has(key);
  }

  dueAt(key: string): number | undefined {
    return this.due.get(key);
  }

  /** The earliest due time, or undefined when nothing is scheduled. */
  peek(): number | undefined {
    this.dropStale();
    return this.heap[0]?.dueAtMs;
  }

  /** Removes and returns every key due at or before `nowMs`, earliest first. */
  takeDue(nowMs: number): string[] {
    const out: string[] = [];
    for (;;) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.dueAtMs > nowMs) return out;
      this.pop();
      this.due.delete(top.key);
      out.push(top.key);
    }
  }

  clear(): void {
    this.heap.length = 0;
    this.due.clear();
  }

  private dropStale(): void {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (this.due.get(top.key) === top.dueAtMs) return;
      this.pop();
    }
  }

  private compact(): void {
    this.heap.length = 0;
    for (const [key, dueAtMs] of this.due) this.push({ dueAtMs, key });
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.dueAtMs <= entry.dueAtMs) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.dueAtMs < heap[left]!.dueAtMs ? right : left;
      if (heap[child]!.dueAtMs >= last.dueAtMs) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}
