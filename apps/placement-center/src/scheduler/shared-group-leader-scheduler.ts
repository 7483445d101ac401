// Leader-only controller: when an MQTT broker leaves placement (expired or unregistered), the shared-subscription
// groups it led move to the registered brokers leading the fewest groups, or lose their record when no broker is left
// (the next GetShareSubLeader chooses again). Brokers therefore learn a group's new leader from placement without a
// request of theirs having to notice the old one is gone. It also runs once on becoming leader: a previous leader may
// have seen a broker go and died before moving its groups.
import type { Logger } from '@robustmq/common';
import { ClusterTypes } from '@robustmq/protocol';
import type { SharedGroupLeaders } from '../mqtt/shared-group-leaders.js';
import type { NodeChange, PlacementStateMachine } from '../state/state-machine.js';
import type { LeaderController } from './controller.js';

export interface SharedGroupSchedulerOptions {
  /** a pass that failed (a write did not commit) runs again this much later. */
  retryMs: number;
  logger: Logger;
}

export class SharedGroupLeaderScheduler implements LeaderController {
  readonly name = 'shared-group-leaders';
  private running = false;
  private pass: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;

  private readonly onNode = (change: NodeChange) => {
    if (change.type === 'unregister' && change.clusterType === ClusterTypes.mqttBroker) this.kick();
  };

  constructor(
    private readonly sm: PlacementStateMachine,
    private readonly groups: SharedGroupLeaders,
    private readonly options: SharedGroupSchedulerOptions,
  ) {}

  start(): void {
    this.running = true;
    this.sm.on('node', this.onNode);
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sm.off('node', this.onNode);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.pass;
  }

  /** Runs a pass now, or right after the one in progress (a broker that leaves mid-pass gets a pass of its own). */
  private kick(): void {
    if (!this.running) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = (async () => {
      do {
        this.again = false;
        try {
          const { moved, deleted } = await this.groups.reassignOrphans();
          if (moved || deleted) this.options.logger.info({ moved, deleted }, 'shared-subscription groups of departed brokers reassigned');
        } catch (err) {
          if (!this.running) return;
          this.options.logger.warn({ err }, `shared-subscription group reassignment failed; retrying in ${this.options.retryMs} ms`);
          this.retryTimer ??= setTimeout(() => {
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
