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
import { RepeatingPass } from './repeating-pass.js';

export interface SharedGroupSchedulerOptions {
  /** a pass that failed (a write did not commit) runs again this much later. */
  retryMs: number;
  logger: Logger;
}

export class SharedGroupLeaderScheduler implements LeaderController {
  readonly name = 'shared-group-leaders';
  private readonly passes: RepeatingPass;

  private readonly onNode = (change: NodeChange) => {
    if (change.type === 'unregister' && change.clusterType === ClusterTypes.mqttBroker) this.passes.kick();
  };

  constructor(
    private readonly sm: PlacementStateMachine,
    private readonly groups: SharedGroupLeaders,
    private readonly options: SharedGroupSchedulerOptions,
  ) {
    // a broker that leaves mid-pass gets a pass of its own
    this.passes = new RepeatingPass(() => this.reassign(), {
      what: 'shared-subscription group reassignment',
      retryMs: options.retryMs,
      logger: options.logger,
    });
  }

  start(): void {
    this.sm.on('node', this.onNode);
    this.passes.start();
  }

  async stop(): Promise<void> {
    this.sm.off('node', this.onNode);
    await this.passes.stop();
  }

  private async reassign(): Promise<boolean> {
    const { moved, deleted } = await this.groups.reassignOrphans();
    if (moved || deleted)
      this.options.logger.info(
        { moved, deleted },
        'shared-subscription groups of departed brokers reassigned',
      );
    return true;
  }
}
