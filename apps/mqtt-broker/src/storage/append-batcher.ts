// Group commit for the broker's message logs (message-log.ts, cluster-log.ts): everything added while the writes in
// flight run goes out as the next single write — so a batch grows with the load, and one failed write has a clear
// extent. Both logs differ in what a write does (who assigns offsets, what a failure means), not in when writes
// happen; that part lives here once.
//
// `depth` is how many writes may be in flight at once. 1 (the lone broker's log): the next batch waits for the
// previous write to finish. More (the shared log on storage with ordered appends): the next batch goes out as soon
// as the previous one has been handed to storage, so a message accepted while an append is in flight does not wait
// for that append's fsync before its own starts (docs/architecture.md "Pipelined appends to the shared log"). A write
// says when it has handed its batch over (`issued`): until then no later batch starts, so batches reach storage in
// the order they were taken even when a write first waits for something (a QoS 2 marker).

export class AppendBatcher<T> {
  private queue: T[] = [];
  private scheduled = false;
  /** writes started and not finished. */
  private writes = 0;
  /** a write has started and not handed its batch to storage yet. */
  private issuing = false;
  private readonly idle: (() => void)[] = [];

  /** `write` sends one batch to storage and settles its items itself; it must never reject. It calls `issued` once
   * the batch is handed to storage (or never will be); a write that does not is taken as issued when it finishes. */
  constructor(
    private readonly write: (batch: T[], issued: () => void) => Promise<void>,
    private readonly depth = 1,
    /** a batch this big goes out at once, without waiting for the end of the poll phase (see add()). */
    private readonly flushAt = Number.POSITIVE_INFINITY,
  ) {}

  /** Items added and not yet handed to a write. */
  get queued(): number {
    return this.queue.length;
  }

  add(item: T): void {
    this.queue.push(item);
    // libuv's poll phase reads every readable socket (up to ~48 × 1,024 reads) before the check phase comes: with
    // thousands of publishers at once, waiting for it held everything they sent back from storage — and their
    // acknowledgements — for the whole phase. A write that completes comes back within the phase (its callback is
    // one of the phase's events), and the next batch then goes at once (depth 1), so storage keeps pace meanwhile.
    if (this.queue.length >= this.flushAt && !this.issuing && this.writes < this.depth) this.flush();
    else this.schedule();
  }

  /** Resolves once everything added so far has been written (or failed). */
  async drain(): Promise<void> {
    if (this.queue.length > 0) this.flush();
    if (this.writes === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.issuing || this.writes >= this.depth || this.queue.length === 0) return;
    this.scheduled = true;
    // after the current I/O phase, so everything routed from the sockets read in this turn shares one write
    setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.issuing || this.writes >= this.depth || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.writes++;
    this.issuing = true;
    let handed = false;
    const issued = () => {
      if (handed) return;
      handed = true;
      this.issuing = false;
      this.schedule();
    };
    void this.write(batch, issued).finally(() => {
      this.writes--;
      if (!handed) {
        handed = true;
        this.issuing = false;
      }
      if (this.queue.length > 0) {
        // depth 1: what came meanwhile goes now (the write that held it back is done)
        if (this.depth === 1) this.flush();
        else this.schedule();
      } else if (this.writes === 0) for (const resolve of this.idle.splice(0)) resolve();
    });
  };
}
