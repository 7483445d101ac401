// Group commit for the broker's message logs (message-log.ts, cluster-log.ts): one write in flight at a time, and
// everything added meanwhile waits and goes out as the next single write — so a batch grows with the load, and one
// failed write has a clear extent. Both logs differ in what a write does (who assigns offsets, what a failure
// means), not in when writes happen; that part lives here once.

export class AppendBatcher<T> {
  private queue: T[] = [];
  private scheduled = false;
  private writing = false;
  private readonly idle: (() => void)[] = [];

  /** `write` sends one batch to storage and settles its items itself; it must never reject. */
  constructor(private readonly write: (batch: T[]) => Promise<void>) {}

  /** Items added and not yet handed to a write. */
  get queued(): number {
    return this.queue.length;
  }

  add(item: T): void {
    this.queue.push(item);
    if (!this.scheduled && !this.writing) {
      this.scheduled = true;
      // after the current I/O phase, so everything routed from the sockets read in this turn shares one write
      setImmediate(this.flush);
    }
  }

  /** Resolves once everything added so far has been written (or failed). */
  async drain(): Promise<void> {
    if (!this.writing && this.queue.length > 0) this.flush();
    if (!this.writing) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.writing || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.writing = true;
    void this.write(batch).finally(() => {
      this.writing = false;
      if (this.queue.length > 0) this.flush();
      else for (const resolve of this.idle.splice(0)) resolve();
    });
  };
}
