// Token buckets, the rate limiter every client-facing limit uses: `rate` tokens per second refill a bucket of
// `burst`. A connection attempt takes a token or is refused (tryTake); a message takes its tokens and, when that
// leaves the bucket in debt, says how long the sender must wait (takeWithDebt) — backpressure instead of loss.
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.at = now;
  }

  private refill(now: number): void {
    if (now > this.at) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
      this.at = now;
    }
  }

  /** Takes `n` tokens if the bucket has them. */
  tryTake(n = 1, now = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Takes `n` tokens, going into debt if need be; returns the milliseconds until the debt is paid (0: none). */
  takeWithDebt(n: number, now = Date.now()): number {
    this.refill(now);
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rate) * 1000);
  }

  /** Whether the bucket is full again (nothing to remember about its key). */
  isFull(now = Date.now()): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }
}

/** One token bucket per key (a source address, a client id), forgetting keys whose bucket is full again. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly rate: number,
    readonly burst: number,
    /** keys remembered before full buckets are swept out (a flood of distinct addresses cannot grow it forever). */
    private readonly sweepAt = 10_000,
  ) {}

  tryTake(key: string, now = Date.now()): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.sweepAt) this.sweep(now);
      bucket = new TokenBucket(this.rate, this.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.tryTake(1, now);
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}
