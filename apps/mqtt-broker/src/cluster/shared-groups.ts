// Shared subscriptions across the brokers of a cluster: `$share/<group>/<filter>` members connected to different
// brokers split one stream. Every broker reads every message of the shared log in the same order, so the split needs
// no message to move between brokers: each broker that has connected members of a group records that in placement
// (KV `mqtt/share-members/<group>/<filter>/<node id>`), every broker follows those records (with the list of
// registered brokers), and the message at log offset o is served by the o-th broker (mod n, by node id) of the
// group's brokers — one of its members gets it, in turn. When a broker dies, its records stop counting once placement
// expires it, and the remaining brokers split the stream among themselves.
//
// The view is refreshed every REFRESH_MS; while two brokers' views differ (a member joined or a broker died in the
// last moments) a message can go to a member on each, or to none — the same guarantee shared subscriptions give on a
// single broker (a message no member can take now is not queued for the group).
import type { Logger, PlacementClient } from '@robustmq/common';
import { ClusterTypes } from '@robustmq/protocol';
import type { OutgoingPublish } from '../packets/outgoing-publish.js';
import type { SharedGroupCoordinator } from '../routing/router.js';

const PREFIX = 'mqtt/share-members/';
const REFRESH_MS = 500;

export class ClusterSharedGroups implements SharedGroupCoordinator {
  /** group key → node ids of the live brokers with members, ascending. */
  private view = new Map<string, number[]>();
  private readonly local = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;

  constructor(
    private readonly placement: PlacementClient,
    private readonly nodeId: number,
    private readonly logger: Logger,
  ) {}

  /** Loads the view and keeps it fresh. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS).unref();
  }

  /** Stops following and removes this broker's records. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.local].map((key) => this.placement.kvDelete(this.recordKey(key)).catch(() => false)));
  }

  groupOpened(key: string): void {
    this.local.add(key);
    // counted here at once; the others see it at their next refresh
    this.include(key);
    this.placement.kvSet(this.recordKey(key), '1').catch((err: unknown) => this.logger.warn({ err, group: key }, 'could not record shared group members in placement'));
  }

  groupClosed(key: string): void {
    this.local.delete(key);
    const brokers = this.view.get(key);
    if (brokers) this.view.set(key, brokers.filter((id) => id !== this.nodeId));
    this.placement.kvDelete(this.recordKey(key)).catch((err: unknown) => this.logger.warn({ err, group: key }, 'could not remove shared group members from placement'));
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
    if (!brokers.includes(this.nodeId)) this.view.set(key, [...brokers, this.nodeId].sort((a, b) => a - b));
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const alive = new Set((await this.placement.listNodes(ClusterTypes.mqttBroker)).map((n) => n.nodeId));
      const view = new Map<string, number[]>();
      let startAfter = '';
      for (;;) {
        const page = await this.placement.kvListPrefix(PREFIX, startAfter, 1000);
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
      this.view = view;
      // ours count even before placement has them (or if recording them failed)
      for (const key of this.local) this.include(key);
      for (const [key, brokers] of this.view) if (!this.local.has(key) && brokers.includes(this.nodeId)) this.view.set(key, brokers.filter((id) => id !== this.nodeId));
    } catch (err) {
      this.logger.debug({ err }, 'could not refresh the shared group view; keeping the last one');
    } finally {
      this.refreshing = false;
    }
  }
}
