// Shared subscriptions across the brokers of a cluster: `$share/<group>/<filter>` members connected to different
// brokers split one stream. Every broker reads every message of the shared log in the same order, so the split needs
// no message to move between brokers: each broker that has connected members of a group records that in placement
// (KV `mqtt/share-members/<group>/<filter>/<node id>`), every broker follows those records (with the list of
// registered brokers), and the message at log offset o is served by the o-th broker (mod n, by node id) of the
// group's brokers — one of its members gets it, in turn. When a broker dies, its records stop counting once placement
// expires it, and the remaining brokers split the stream among themselves.
//
// A broker's death hands its part of the stream to the others. Each broker commits, per group it serves, a position
// in the shared log (group `mqtt-share/<node id>/<hash of the group key>`): the oldest message it gave one of its
// members that is not acknowledged yet, or else how far it has routed. When a broker drops out of a group's view
// because it is no longer registered (dead, or shut down), the lowest-numbered remaining broker of the group reads the
// log from the departed broker's committed position up to where its own view changed, and gives every message the
// departed broker was to serve (offset mod n under the view that still counted it, matching the group's filter) to
// one of its own members: what that broker had sent but not had acknowledged, and what it never served while it
// was dying. At least once: a message acknowledged after the departed broker's last commit is delivered again.
//
// The view is refreshed every REFRESH_MS; while two brokers' views differ (a member joined in the last moments) a
// message can go to a member on each, or to none — the same guarantee shared subscriptions give on a single broker
// (a message no member can take now is not queued for the group). Not covered: a second death during a hand-over
// (the broker handing over commits its own position only, which does not cover the range it was handing over).
import { createHash } from 'node:crypto';
import type { Logger } from '@robustmq/common';
import type { PlacementClient } from '@robustmq/placement-client';
import { ClusterTypes } from '@robustmq/protocol';
import type { StoredRecord } from '@robustmq/storage-adapter';
import type { OutgoingPublish } from '../packets/outgoing-publish.js';
import type { SharedGroupCoordinator, SharedGroupMembers } from '../routing/router.js';
import { levelsMatch } from '../routing/topic-match.js';
import { recordToMessage } from '../storage/message-record.js';

const PREFIX = 'mqtt/share-members/';
const REFRESH_MS = 500;
const READ_BATCH = 500;
/** how long a hand-over waits for a member with room before it drops a message (counted). */
const HAND_OVER_WAIT_MS = 30_000;
const HAND_OVER_RETRY_MS = 20;

/** What the coordinator needs of the shared log: how far this broker has routed, reads, and group positions. */
export interface SharedGroupLog {
  readonly nextOffset: number;
  read(from: number, maxRecords: number): Promise<StoredRecord[]>;
  startOffset(): Promise<number>;
  commitPosition(group: string, offset: number): Promise<void>;
  fetchPosition(group: string): Promise<number | undefined>;
}

export class ClusterSharedGroups implements SharedGroupCoordinator {
  /** group key → node ids of the live brokers with members, ascending. */
  private view = new Map<string, number[]>();
  private readonly local = new Set<string>();
  /** group key → the position last committed for it. */
  private readonly committed = new Map<string, number>();
  private members: SharedGroupMembers | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;
  private stopped = false;
  private readonly handOvers = new Set<Promise<void>>();
  /** hand-overs done and messages handed over; dropped: no member had room within HAND_OVER_WAIT_MS. */
  readonly handOverStats = { handOvers: 0, messages: 0, dropped: 0 };

  constructor(
    private readonly placement: PlacementClient,
    private readonly nodeId: number,
    private readonly log: SharedGroupLog,
    private readonly logger: Logger,
  ) {}

  /** Loads the view and keeps it fresh; `members` are this broker's groups (its router). */
  async start(members: SharedGroupMembers): Promise<void> {
    this.members = members;
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS).unref();
  }

  /** Stops following, commits the groups' positions one last time and removes this broker's records. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all([...this.handOvers]);
    await this.commitPositions().catch(() => undefined);
    await Promise.all(
      [...this.local].map((key) => this.placement.kv.delete(this.recordKey(key)).catch(() => false)),
    );
  }

  groupOpened(key: string): void {
    this.local.add(key);
    // counted here at once; the others see it at their next refresh
    this.include(key);
    this.placement.kv
      .set(this.recordKey(key), '1')
      .catch((err: unknown) =>
        this.logger.warn({ err, group: key }, 'could not record shared group members in placement'),
      );
  }

  groupClosed(key: string): void {
    this.local.delete(key);
    const brokers = this.view.get(key);
    if (brokers)
      this.view.set(
        key,
        brokers.filter((id) => id !== this.nodeId),
      );
    this.placement.kv
      .delete(this.recordKey(key))
      .catch((err: unknown) =>
        this.logger.warn({ err, group: key }, 'could not remove shared group members from placement'),
      );
  }

  serves(key: string, message: OutgoingPublish): boolean {
    const brokers = this.view.get(key);
    if (!brokers || brokers.length === 0) return true;
    const offset = message.offset < 0 ? 0 : message.offset;
    return brokers[offset % brokers.length] === this.nodeId;
  }

  private recordKey(key: string): string {
    return `${PREFIX}${key}/${this.nodeId}`;
  }

  private include(key: string): void {
    const brokers = this.view.get(key) ?? [];
    if (!brokers.includes(this.nodeId))
      this.view.set(
        key,
        [...brokers, this.nodeId].sort((a, b) => a - b),
      );
  }

  private async refresh(): Promise<void> {
    if (this.refreshing || this.stopped) return;
    this.refreshing = true;
    try {
      await this.commitPositions().catch((err: unknown) =>
        this.logger.debug({ err }, 'could not commit shared group positions'),
      );
      const alive = new Set(
        (await this.placement.cluster.listNodes(ClusterTypes.mqttBroker)).map((n) => n.nodeId),
      );
      const view = new Map<string, number[]>();
      let startAfter = '';
      for (;;) {
        const page = await this.placement.kv.listPrefix(PREFIX, startAfter, 1000);
        for (const item of page.items) {
          const rest = item.key.slice(PREFIX.length);
          const slash = rest.lastIndexOf('/');
          const nodeId = Number(rest.slice(slash + 1));
          if (!alive.has(nodeId)) continue;
          const key = rest.slice(0, slash);
          const brokers = view.get(key) ?? [];
          brokers.push(nodeId);
          view.set(key, brokers);
        }
        if (!page.more || page.items.length === 0) break;
        startAfter = page.items[page.items.length - 1]!.key;
      }
      for (const brokers of view.values()) brokers.sort((a, b) => a - b);
      // ours count even before placement has them (or if recording them failed)
      for (const key of this.local) {
        const brokers = view.get(key) ?? [];
        if (!brokers.includes(this.nodeId))
          view.set(
            key,
            [...brokers, this.nodeId].sort((a, b) => a - b),
          );
      }
      for (const [key, brokers] of view)
        if (!this.local.has(key) && brokers.includes(this.nodeId))
          view.set(
            key,
            brokers.filter((id) => id !== this.nodeId),
          );
      // the new view applies from the next message routed: everything below `switchedAt` was split by the old one
      const switchedAt = this.log.nextOffset;
      const previous = this.view;
      this.view = view;
      this.handOverDeparted(previous, view, alive, switchedAt);
    } catch (err) {
      this.logger.debug({ err }, 'could not refresh the shared group view; keeping the last one');
    } finally {
      this.refreshing = false;
    }
  }

  /** Starts a hand-over for each group whose view lost a broker that is no longer registered, if this broker is the
   * lowest-numbered of the group's remaining brokers. */
  private handOverDeparted(
    previous: Map<string, number[]>,
    view: Map<string, number[]>,
    alive: Set<number>,
    switchedAt: number,
  ): void {
    for (const [key, before] of previous) {
      if (!this.local.has(key)) continue;
      const now = view.get(key) ?? [];
      if (now[0] !== this.nodeId) continue;
      for (const departed of before) {
        if (departed === this.nodeId || now.includes(departed) || alive.has(departed)) continue;
        const handOver = this.handOver(key, departed, before, switchedAt)
          .catch((err: unknown) =>
            this.logger.warn(
              { err, group: key, departed },
              "could not hand over a departed broker's shared group messages",
            ),
          )
          .finally(() => this.handOvers.delete(handOver));
        this.handOvers.add(handOver);
      }
    }
  }

  /** Gives this broker's members of group `key` what broker `departed` was to serve below `to` and has not had
   * acknowledged (from its committed position on). */
  private async handOver(key: string, departed: number, brokers: number[], to: number): Promise<void> {
    const from = await this.log.fetchPosition(positionGroup(departed, key));
    if (from === undefined || from >= to) return;
    const index = brokers.indexOf(departed);
    const levels = key.slice(key.indexOf('/') + 1).split('/');
    let handed = 0;
    let dropped = 0;
    let offset = Math.max(from, await this.log.startOffset());
    this.logger.info(
      { group: key, departed, from: offset, to },
      "handing a departed broker's shared group messages to members here",
    );
    while (offset < to && !this.stopped) {
      const records = await this.log.read(offset, Math.min(READ_BATCH, to - offset));
      if (records.length === 0) break;
      for (const record of records) {
        if (record.offset >= to) break;
        offset = record.offset + 1;
        if (record.offset % brokers.length !== index) continue;
        const message = recordToMessage(record);
        if (!message || !levelsMatch(levels, message.topic.split('/'))) continue;
        const forwardable = message.forwardableAt(Date.now());
        if (!forwardable) continue; // expired meanwhile (MQTT-3.3.2-5)
        const outcome = await this.deliverWhenRoom(key, forwardable);
        if (outcome === undefined) return; // no members here any more
        if (outcome) handed++;
        else dropped++;
      }
    }
    this.handOverStats.handOvers++;
    this.handOverStats.messages += handed;
    this.handOverStats.dropped += dropped;
    this.logger.info(
      { group: key, departed, handed, dropped },
      'shared group messages of a departed broker handed over',
    );
  }

  /** Delivers to a member of the group here, waiting for one with room; false after HAND_OVER_WAIT_MS. */
  private async deliverWhenRoom(key: string, message: OutgoingPublish): Promise<boolean | undefined> {
    const deadline = Date.now() + HAND_OVER_WAIT_MS;
    for (;;) {
      const delivered = this.members!.deliverToGroup(key, message);
      if (delivered !== false || this.stopped) return delivered;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, HAND_OVER_RETRY_MS));
    }
  }

  /** Commits, for each group with members here, the oldest unacknowledged message its members got from this broker
   * (or how far this broker has routed): where another broker starts if this one dies. */
  private async commitPositions(): Promise<void> {
    const members = this.members;
    if (!members) return;
    const routed = this.log.nextOffset;
    for (const key of this.local) {
      const pending = members.oldestPending(key);
      const point = pending !== undefined && pending < routed ? pending : routed;
      if (this.committed.get(key) === point) continue;
      await this.log.commitPosition(positionGroup(this.nodeId, key), point);
      this.committed.set(key, point);
    }
    for (const key of this.committed.keys()) if (!this.local.has(key)) this.committed.delete(key);
  }
}

/** The consumer group under which broker `nodeId` commits its position for the shared group `key` (hashed: group
 * names are limited to 255 bytes). */
function positionGroup(nodeId: number, key: string): string {
  return `mqtt-share/${nodeId}/${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}
