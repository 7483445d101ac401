// The run loop of a reconciling controller (journal segment hand-over, shared-subscription group reassignment): a
// pass runs now or, if one is in progress, right after it — requests that arrive during a pass fold into one more
// pass, so passes never overlap and a change seen mid-pass is not missed. A pass that throws or reports itself
// incomplete (something could not be reached or did not commit) runs again `retryMs` later.
import type { Logger } from '@robustmq/common';

export interface RepeatingPassOptions {
  /** what a pass does, for logs ("segment hand-over pass"). */
  what: string;
  retryMs: number;
  logger: Logger;
}

export class RepeatingPass {
  private running = false;
  private pass: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;

  /** `run` resolves true when the pass did everything it found to do, false when it should be tried again. */
  constructor(
    private readonly run: () => Promise<boolean>,
    private readonly options: RepeatingPassOptions,
  ) {}

  /** Starts accepting kicks and runs a first pass. */
  start(): void {
    this.running = true;
    this.kick();
  }

  /** Stops retrying and waits for the pass in progress. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.pass;
  }

  /** Runs a pass now, or right after the one in progress. */
  kick(): void {
    if (!this.running) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = (async () => {
      do {
        this.again = false;
        const complete = await this.run().catch((err: unknown) => {
          if (this.running) this.options.logger.warn({ err }, `${this.options.what} failed`);
          return false;
        });
        if (!complete && this.running && !this.retryTimer) {
          this.options.logger.debug(`${this.options.what} incomplete; again in ${this.options.retryMs} ms`);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.kick();
          }, this.options.retryMs);
          this.retryTimer.unref();
        }
      } while (this.again && this.running);
    })().finally(() => {
      this.pass = undefined;
    });
  }
}
