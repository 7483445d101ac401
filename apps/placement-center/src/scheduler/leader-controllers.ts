// Runs the leader-only controllers (controller.ts): watches this member's leadership and starts every controller
// when it becomes leader (after a read barrier, so the state written under earlier leaders is applied), stops them
// when it is deposed, and stops them for good on close. Leadership is polled, like node expiry does, so the same
// runner works over the single-node proposer (always leader) and Raft; with Raft, every leader change is also
// reported at once (leadershipChanged), so losing and regaining leadership between two polls still restarts the
// controllers (their state may have missed writes made under the other leader).
import type { Logger } from '@robustmq/common';
import type { Proposer } from '../state/proposer.js';
import type { LeaderController } from './controller.js';

export class LeaderControllers {
  private readonly controllers: LeaderController[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** the start or stop in progress; transitions never overlap. */
  private transition: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly proposer: Proposer,
    private readonly options: { checkIntervalMs: number; logger: Logger },
  ) {}

  /** Adds a controller; it is started at once when this member already leads. */
  add(controller: LeaderController): void {
    this.controllers.push(controller);
    if (this.running) this.enqueue(() => this.startOne(controller));
  }

  start(): void {
    this.timer = setInterval(() => this.check(), this.options.checkIntervalMs);
    this.timer.unref();
    this.check();
  }

  /** Whether the controllers are running on this member now. */
  get leading(): boolean {
    return this.running;
  }

  /** Called on every leader change seen by the consensus layer. */
  leadershipChanged(): void {
    this.check();
  }

  private check(): void {
    if (this.closed) return;
    const isLeader = this.proposer.leader().isLeader;
    if (isLeader && !this.running) {
      this.running = true;
      this.enqueue(async () => {
        // everything committed by earlier leaders must be applied before controllers rebuild their state from it
        try {
          await this.proposer.readBarrier();
        } catch (err) {
          this.options.logger.warn(
            { err },
            'read barrier failed on becoming leader; controllers start on the next check',
          );
          this.running = false;
          return;
        }
        if (!this.running || !this.proposer.leader().isLeader) {
          this.running = false;
          return;
        }
        for (const c of this.controllers) await this.startOne(c);
      });
    } else if (!isLeader && this.running) {
      this.running = false;
      this.enqueue(() => this.stopAll());
    }
  }

  private async startOne(controller: LeaderController): Promise<void> {
    try {
      await controller.start();
      this.options.logger.info({ controller: controller.name }, 'leader controller started');
    } catch (err) {
      this.options.logger.error({ err, controller: controller.name }, 'leader controller failed to start');
    }
  }

  private async stopAll(): Promise<void> {
    for (const c of this.controllers) {
      try {
        await c.stop();
        this.options.logger.info({ controller: c.name }, 'leader controller stopped');
      } catch (err) {
        this.options.logger.error({ err, controller: c.name }, 'leader controller failed to stop');
      }
    }
  }

  private enqueue(step: () => Promise<void>): void {
    this.transition = this.transition.then(step);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.running) {
      this.running = false;
      this.enqueue(() => this.stopAll());
    }
    await this.transition;
  }
}
