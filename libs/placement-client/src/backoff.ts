// Exponential backoff with full jitter, so many clients retrying after an outage do not retry in lock-step.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  multiplier?: number;
}

export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next retry. */
  next(): number {
    const ceiling = Math.min(
      this.options.maxMs,
      this.options.initialMs * (this.options.multiplier ?? 2) ** this.attempt,
    );
    this.attempt++;
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
