// Shared-subscription group leaders ($share/<group>/<filter>): which MQTT broker leads each group, like RobustMQ's
// GetShareSubLeader. A group keeps the broker recorded for it (SHARED_GROUP_LEADER resource) while that broker is
// registered; a group without one, or whose broker is gone, gets the registered broker leading the fewest groups
// (ties to the lowest node id, so the choice is reproducible) written through Raft before anyone is told.
// Choices are made only on the placement leader and one at a time there: two calls counting the groups at once
// would both pick the same "least loaded" broker, and two calls for a new group could record different brokers.
// A deposed leader's writes fail (NotPlacementLeaderError), so two members never assign side by side either.
import { ClusterTypes } from '@robustmq/protocol';
import type { NodeRegistry } from '../cluster/node-registry.js';
import { requireSegmentName } from '../metadata/field-checks.js';
import { MetadataError } from '../metadata/metadata-error.js';
import type { WriteOptions } from '../metadata/write-options.js';
import { NotPlacementLeaderError, type Proposer } from '../state/proposer.js';
import { resourceKey, resourcePrefix, type StoredResource } from '../state/mqtt-records.js';
import type { StoredNode } from '../state/records.js';
import type { PlacementStateMachine } from '../state/state-machine.js';
import type { MqttResources } from './mqtt-resources.js';

/** The broker leading the fewest groups; ties to the lowest node id. */
export function leastLoaded(
  brokers: Iterable<StoredNode>,
  groupsLed: Map<number, number>,
): StoredNode | undefined {
  let best: StoredNode | undefined;
  for (const b of brokers) {
    const load = groupsLed.get(b.nodeId) ?? 0;
    const bestLoad = best ? (groupsLed.get(best.nodeId) ?? 0) : Number.POSITIVE_INFINITY;
    if (load < bestLoad || (load === bestLoad && b.nodeId < best!.nodeId)) best = b;
  }
  return best;
}

export class SharedGroupLeaders {
  /** the assignment in progress on this member; assignments never overlap. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sm: PlacementStateMachine,
    private readonly proposer: Proposer,
    private readonly resources: MqttResources,
    private readonly registry: NodeRegistry,
  ) {}

  /** The group's leader broker, chosen and recorded now when it has none that is registered. */
  async leaderOf(groupNameIn: string, options: WriteOptions = {}): Promise<StoredNode> {
    const groupName = requireSegmentName('group_name', groupNameIn);
    const leader = this.proposer.leader();
    // only the leader knows which brokers are alive now (heartbeats) and may choose
    if (!leader.isLeader) throw new NotPlacementLeaderError(leader);
    await this.proposer.readBarrier();
    const current = this.liveBrokers().get((await this.recorded(groupName)) ?? -1);
    return current ?? this.exclusive(() => this.assign(groupName, options));
  }

  /** Moves every group whose broker is no longer registered to a registered one, or deletes the group's record when
   * no broker is registered (the next GetShareSubLeader chooses again). */
  async reassignOrphans(): Promise<{ moved: number; deleted: number }> {
    return this.exclusive(async () => {
      const live = this.liveBrokers();
      const groups = await this.allGroups();
      const led = groupsLed(groups.values(), live);
      let moved = 0;
      let deleted = 0;
      for (const [groupName, brokerNodeId] of groups) {
        if (live.has(brokerNodeId)) continue;
        const chosen = leastLoaded(live.values(), led);
        // no request id: a put or delete repeated after a lost reply leaves the same record, and an id reused by a
        // later move of the same group would be answered from the dedup window without being applied
        if (!chosen) {
          await this.resources.delete('SHARED_GROUP_LEADER', groupName).catch((err: unknown) => {
            if (!(err instanceof MetadataError && err.code === 'NOT_FOUND')) throw err;
          });
          deleted++;
          continue;
        }
        await this.record(groupName, chosen.nodeId, {});
        led.set(chosen.nodeId, (led.get(chosen.nodeId) ?? 0) + 1);
        moved++;
      }
      return { moved, deleted };
    });
  }

  private async assign(groupName: string, options: WriteOptions): Promise<StoredNode> {
    const live = this.liveBrokers();
    // another call may have assigned the group while this one waited for its turn
    const current = live.get((await this.recorded(groupName)) ?? -1);
    if (current) return current;
    const chosen = leastLoaded(live.values(), groupsLed((await this.allGroups()).values(), live));
    if (!chosen) {
      throw new MetadataError(
        'FAILED_PRECONDITION',
        `no MQTT broker is registered to lead shared-subscription group "${groupName}"; start a broker (it registers with placement) and retry`,
      );
    }
    await this.record(groupName, chosen.nodeId, options);
    // a retried request id is answered with its first write, which may have named another broker: the record decides
    const stored = await this.recorded(groupName);
    const leader = live.get(stored ?? -1);
    if (leader) return leader;
    // that first write's broker has gone since: this assignment is a write of its own
    if (options.requestId) return this.assign(groupName, {});
    throw new MetadataError(
      'FAILED_PRECONDITION',
      `shared-subscription group "${groupName}" changed while it was assigned; retry`,
    );
  }

  private async record(groupName: string, brokerNodeId: number, options: WriteOptions): Promise<void> {
    await this.resources.put(
      { type: 'SHARED_GROUP_LEADER', key: groupName, json: JSON.stringify({ brokerNodeId }) },
      options,
    );
  }

  private async recorded(groupName: string): Promise<number | undefined> {
    const r = await this.sm.getRecord<StoredResource>(resourceKey('SHARED_GROUP_LEADER', groupName));
    return r ? (r.record as { brokerNodeId: number }).brokerNodeId : undefined;
  }

  /** group name → broker node id, every group. */
  private async allGroups(): Promise<Map<string, number>> {
    const { items } = await this.sm.scanRecords<StoredResource>(resourcePrefix('SHARED_GROUP_LEADER'));
    return new Map(items.map((r) => [r.key, (r.record as { brokerNodeId: number }).brokerNodeId] as const));
  }

  /** registered MQTT brokers by node id (of any cluster name: a group name is global). */
  private liveBrokers(): Map<number, StoredNode> {
    return new Map(this.registry.list(ClusterTypes.mqttBroker).map((n) => [n.nodeId, n] as const));
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work, work);
    this.turn = run.catch(() => undefined);
    return run;
  }
}

/** How many groups each live broker leads (groups of departed brokers count for nobody). */
function groupsLed(brokerIds: Iterable<number>, live: Map<number, StoredNode>): Map<number, number> {
  const led = new Map<number, number>();
  for (const id of brokerIds) if (live.has(id)) led.set(id, (led.get(id) ?? 0) + 1);
  return led;
}
