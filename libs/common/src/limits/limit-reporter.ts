// Counts every time a limit turns something away (a connection over a cap, a CONNECT over the rate, a banned client
// id, a publish over its rate) and says so in the log once per interval — never once per event, which under the
// very abuse the limit is for would flood the log. The counts are served in /metrics by `register()`.
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../log/logger.js';

const DEFAULT_INTERVAL_MS = 10_000;

interface Pending {
  hits: number;
  /** one example of what was refused (an address, a client id) for the log line. */
  example: string | undefined;
}

export class LimitReporter {
  private readonly totals = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = DEFAULT_INTERVAL_MS,
  ) {}

  /** One refusal by `limit` (e.g. "connection_cap") at `scope` (a listener, "connect", "publish"). */
  hit(limit: string, scope: string, example?: string): void {
    const key = `${limit}\u0000${scope}`;
    this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
    const pending = this.pending.get(key);
    if (pending) pending.hits++;
    else this.pending.set(key, { hits: 1, example });
    // the first refusal of a quiet period is logged at once, the rest summed up at the end of the interval
    if (!this.timer) {
      this.flush(false);
      this.timer = setTimeout(() => this.tick(), this.intervalMs).unref();
    }
  }

  /** Refusals so far by `limit` at `scope`. */
  count(limit: string, scope: string): number {
    return this.totals.get(`${limit}\u0000${scope}`) ?? 0;
  }

  /** Serves the counts as `<name>{limit, scope}` in `registry`. */
  register(registry: Registry, name: string): void {
    const totals = this.totals;
    new Counter({
      name,
      help: 'Requests, connections or messages refused by a configured limit, by limit and where it applies',
      labelNames: ['limit', 'scope'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [key, count] of totals) {
          const [limit, scope] = key.split('\u0000') as [string, string];
          this.inc({ limit, scope }, count);
        }
      },
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush(true);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.pending.size === 0) return;
    this.flush(true);
    // more refusals came in this interval: keep summing them up
    this.timer = setTimeout(() => this.tick(), this.intervalMs).unref();
  }

  private flush(summary: boolean): void {
    for (const [key, { hits, example }] of this.pending) {
      const [limit, scope] = key.split('\u0000') as [string, string];
      this.logger.warn(
        { limit, scope, hits, ...(example ? { example } : {}) },
        `limit ${limit} (${scope}) refused ${hits} time${hits === 1 ? '' : 's'}${summary ? ` in the last ${this.intervalMs / 1000} s` : ''}`,
      );
    }
    this.pending.clear();
  }
}
