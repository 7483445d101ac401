// Shared subscriptions across the brokers of a cluster: `$share/<group>/<filter>` members connected to different
// brokers split one stream. Every broker reads every message of the shared log in the same order, so the split needs
// no message to move between brokers: each broker that has connected members of a group records that in placement
// (KV `mqtt/share-members/<group>/<filter>/<node id>`), every broker follows those records (with the list of
// registered brokers), and the message at log offset o is served by the o-th broker (mod n, by node id) of the
// group's brokers — one of its members gets it, in turn. When a broker dies, its records stop counting once placement
// expires it, and the remaining brokers split the stream among themselves.
//
// A broker's death hands its part of the stream to the others. Each broker records in placement, per group it serves,
// where it stands (KV `mqtt/share-positions/<group>/<filter>/<node id>`): `r`, how far it has routed the shared log,
// and `p`, the offsets below `r` it gave its members that are not acknowledged yet. It records again soon after it
// serves a message of the group or a member acknowledges one — at most one write in flight per broker, at least
// `position_commit_interval_ms` apart (the KV writes of one turn share one placement write). When a broker drops out
// of a group's view because it is no longer registered (dead, or shut down), the lowest-numbered remaining broker of
// the group gives one of its own members every message of the departed broker's `p`, and every message from its `r`
// up to where its own view changed that the departed broker was to serve (offset mod n under the view that still
// counted it, matching the group's filter): what that broker had sent but not had acknowledged, and what it never
// served while it was dying. At least once: a message acknowledged after the departed broker's last record (within
// one interval plus one placement write of its death) is delivered again; one acknowledged before is not. A record
// of more than MAX_PENDING offsets keeps only the oldest as `r` (everything from it is given again). A broker of the
// previous release committed only a position (a consumer group on the shared log): that is still read, as `r`.
//
// The view is refreshed every REFRESH_MS; while two brokers' views differ (a member joined in the last moments) a
// message can go to a member on each, or to none — the same guarantee shared subscriptions give on a single broker
// (a message no member can take now is not queued for the group). Not covered: a second death during a hand-over
// (what the broker handing over has delivered is in its own record's `p`; what it had not delivered yet is not).
//
// Incarnations. Every start of a broker has an incarnation id, registered with placement as the node's label
// `incarnation`; a members record holds it as its value and a position record names it in its key
// (`…/<node id>/<incarnation>`). A record counts only while its node is registered with that incarnation, so the
// records of a broker's previous life (SIGKILLed and restarted with the same id before placement expired it, or a
// late write of a broker stopping) never make the others route part of the stream to a broker that has no member
// for it; the new incarnation deletes them once it is registered. A broker counted in a group departs when its record
// stops counting for any reason but its members leaving: its node unregistered or expired, registered again as a new
// incarnation, or its record marked as leaving. The hand-over is done by the lowest-numbered broker with members of
// the group other than the departed node (so a restarted broker never has to hand over its own previous life).
//
// A clean stop (SIGTERM, `robustmq stop`) hands over like a death, but with less given twice: `leave()` first stops
// serving the shared groups (later messages of its part are handed over from `r`), lets the members acknowledge what
// they have for a moment (LEAVE_DRAIN_MS at most), records the positions, then marks its members records as leaving
// (value `<incarnation>!`), which the others read as a departure at their next refresh — before the connections are
// closed and long before placement forgets the node. What members acknowledge after the last record is given again
// (at most each member's in-flight window). The records are deleted once the broker has unregistered.
//
// The last member of a group here leaving on its own (its connection closed, the broker running on) hands this
// broker's part over the same way, one group at a time (MQTT 5 §4.8.2: a message whose member's session ended SHOULD
// go to another member): the group's position is recorded with `r` where the log stands and `p` the offsets that
// member got, did not acknowledge and will not get again (nothing of a persistent session's: it gets them when it
// reconnects), then the members record is marked as leaving. The broker that takes the part over gives one of its
// members those offsets and this broker's share of the log from `r` on (what the others routed here before they saw
// it go), and deletes the position; the mark stays until a member joins here again or the broker stops.
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
const POSITIONS = 'mqtt/share-positions/';
const REFRESH_MS = 500;
/** unacknowledged offsets one position record lists at most; past it the record holds the oldest as its `r`. */
const MAX_PENDING = 1024;
const READ_BATCH = 500;
/** how long a hand-over waits for a member with room before it drops a message (counted). */
const HAND_OVER_WAIT_MS = 30_000;
const HAND_OVER_RETRY_MS = 20;
/** a leaving broker's members get this long to acknowledge what they have before its positions are recorded. */
const LEAVE_DRAIN_MS = 500;
/** the suffix of a members record whose broker is leaving. */
const LEAVING = '!';

/** What the coordinator needs of the shared log: how far this broker has routed, reads, and the group positions
 * brokers of the previous release committed. */
export interface SharedGroupLog {
  readonly nextOffset: number;
  read(from: number, maxRecords: number): Promise<StoredRecord[]>;
  startOffset(): Promise<number>;
  fetchPosition(group: string): Promise<number | undefined>;
}

/** Where a broker stands in a group, as recorded in placement: routed up to `r`, and `p` (below `r`) given to its
 * members and not acknowledged. */
interface GroupPosition {
  r: number;
  p: number[];
}

export class ClusterSharedGroups implements SharedGroupCoordinator {
  /** group key → node ids of the live brokers with members, ascending. */
  private view = new Map<string, number[]>();
  /** node id → the incarnation it was registered with when the view was made ('' for a broker without one). */
  private epochs = new Map<number, string>();
  /** `leave()` began: shared groups are no longer served here and their records are kept until `stop()`. */
  private leaving = false;
  /** where this broker stopped serving shared groups (the `r` of its last records). */
  private frozenAt: number | undefined;
  /** groups closed here while leaving, or by their last member leaving: their records stay (marked) until `stop()`
   * or until the group opens here again. */
  private readonly left = new Set<string>();
  /** group key → the writes that hand its part over after its last member here left (groupOpened waits for them). */
  private readonly closing = new Map<string, Promise<void>>();
  private readonly local = new Set<string>();
  /** group key → the position record last written for it. */
  private readonly committed = new Map<string, string>();
  /** groups whose position may have moved since it was last written. */
  private readonly dirty = new Set<string>();
  private commitTimer: NodeJS.Timeout | undefined;
  /** the write of positions in flight, if any; the next one waits for it. */
  private committing: Promise<void> | undefined;
  private lastCommitAt = 0;
  private members: SharedGroupMembers | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;
  private stopped = false;
  private readonly handOvers = new Set<Promise<void>>();
  /** hand-overs done and messages handed over; dropped: no member had room within HAND_OVER_WAIT_MS. */
  readonly handOverStats = { handOvers: 0, messages: 0, dropped: 0 };

  /** position writes made (placement KV sets; one Raft write per turn), for diagnosis. */
  readonly commitStats = { writes: 0 };

  constructor(
    private readonly placement: PlacementClient,
    private readonly nodeId: number,
    private readonly log: SharedGroupLog,
    private readonly logger: Logger,
    /** the least time between two writes of positions (`mqtt.position_commit_interval_ms`). */
    private readonly commitIntervalMs: number,
    /** this start's incarnation id, the same as registered with placement (label `incarnation`). */
    private readonly incarnation: string,
  ) {}

  /** Loads the view and keeps it fresh; `members` are this broker's groups (its router). */
  async start(members: SharedGroupMembers): Promise<void> {
    this.members = members;
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS).unref();
  }

  /** The first step of a clean stop, while the members are still connected: stops serving the shared groups here,
   * gives the members up to `drainMs` to acknowledge what they have, records the positions and marks this broker's
   * members records as leaving, so that the others hand its part over as they do for a dead broker's. */
  async leave(drainMs = LEAVE_DRAIN_MS): Promise<void> {
    if (this.leaving || this.stopped) return;
    this.leaving = true;
    this.frozenAt = this.log.nextOffset;
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    const members = this.members;
    const keys = [...this.local];
    const deadline = Date.now() + drainMs;
    while (members && Date.now() < deadline && keys.some((key) => members.pendingOffsets(key).length > 0))
      await new Promise((resolve) => setTimeout(resolve, HAND_OVER_RETRY_MS));
    await this.committing;
    for (const key of keys) this.dirty.add(key);
    try {
      await this.commitPositions();
      // the marks only after the positions: a broker that reads one hands over from what this broker recorded
      await Promise.all(
        keys.map((key) => this.placement.kv.set(this.recordKey(key), this.incarnation + LEAVING)),
      );
    } catch (err) {
      // the others still hand over once placement no longer has this broker registered
      this.logger.warn(
        { err },
        'could not record leaving the shared groups; they are handed over at unregistering',
      );
    }
    this.logger.info({ groups: keys.length, at: this.frozenAt }, 'left the shared groups');
  }

  /** Stops following. After `leave()`, the members records are deleted when this broker has `unregistered` (until then
   * they are what tells the others it left); without `leave()` (a failed start), positions are committed and the
   * records deleted. */
  async stop(unregistered = true): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.commitTimer);
    await Promise.all([...this.handOvers, ...this.closing.values()]);
    await this.committing;
    const keys = new Set(this.local);
    for (const key of this.left) keys.add(key);
    if (this.leaving) {
      if (!unregistered) return;
    } else {
      for (const key of this.local) this.dirty.add(key);
      await this.commitPositions().catch(() => undefined);
    }
    await Promise.all(
      [...keys].map((key) => this.placement.kv.delete(this.recordKey(key)).catch(() => false)),
    );
  }

  groupOpened(key: string): void {
    this.local.add(key);
    this.left.delete(key);
    // counted here at once; the others see it at their next refresh
    this.include(key);
    if (this.leaving) return; // not served here any more; the record says leaving
    // after the hand-over writes of its last close here, if still going: the record must end up unmarked
    void (this.closing.get(key) ?? Promise.resolve())
      .then(() => this.placement.kv.set(this.recordKey(key), this.incarnation))
      .catch((err: unknown) =>
        this.logger.warn({ err, group: key }, 'could not record shared group members in placement'),
      );
  }

  groupClosed(key: string, unacknowledged: number[] = []): void {
    this.local.delete(key);
    // routed here up to this point; later messages of this broker's part are handed over from it
    const routed = this.log.nextOffset;
    const brokers = this.view.get(key);
    if (brokers)
      this.view.set(
        key,
        brokers.filter((id) => id !== this.nodeId),
      );
    // deleting the record would read as "no members here any more" at the others: nothing handed over. Marked as
    // leaving instead (after the position), it reads as a departure: the lowest remaining broker takes the part over
    this.left.add(key);
    if (this.leaving) return;
    this.committed.delete(key);
    this.dirty.delete(key);
    const pending = unacknowledged.sort((a, b) => a - b);
    const position: GroupPosition =
      pending.length > MAX_PENDING ? { r: pending[0]!, p: [] } : { r: routed, p: pending };
    const writes = (this.closing.get(key) ?? Promise.resolve())
      .then(async () => {
        await this.placement.kv.set(
          positionKey(key, this.nodeId, this.incarnation),
          JSON.stringify(position),
        );
        // a member joined here again meanwhile: it serves the part, nothing to hand over
        if (this.local.has(key)) return;
        await this.placement.kv.set(this.recordKey(key), this.incarnation + LEAVING);
        this.logger.info(
          { group: key, at: routed, unacknowledged: pending.length },
          'the last member of a shared group here left; its part goes to the other brokers',
        );
      })
      .catch((err: unknown) =>
        this.logger.warn(
          { err, group: key },
          'could not hand a shared group over after its last member left',
        ),
      )
      .finally(() => {
        if (this.closing.get(key) === writes) this.closing.delete(key);
      });
    this.closing.set(key, writes);
  }

  serves(key: string, message: OutgoingPublish): boolean {
    if (this.leaving) return false; // handed over from `frozenAt` by the broker that takes this one's part
    const brokers = this.view.get(key);
    const offset = message.offset < 0 ? 0 : message.offset;
    if (brokers && brokers.length > 0 && brokers[offset % brokers.length] !== this.nodeId) return false;
    this.positionMoved(key);
    return true;
  }

  acknowledged(key: string): void {
    this.positionMoved(key);
  }

  /** Schedules a write of the group's position: at once when none is in flight and the last one is at least the
   * interval old, else when that holds. */
  private positionMoved(key: string): void {
    if (!this.local.has(key)) return;
    this.dirty.add(key);
    if (this.commitTimer !== undefined || this.committing !== undefined || this.stopped || this.leaving)
      return;
    const wait = Math.max(0, this.lastCommitAt + this.commitIntervalMs - Date.now());
    this.commitTimer = setTimeout(this.commitDirty, wait);
    this.commitTimer.unref();
  }

  private readonly commitDirty = (): void => {
    this.commitTimer = undefined;
    if (this.committing !== undefined || this.stopped) return;
    this.lastCommitAt = Date.now();
    this.committing = this.commitPositions()
      .catch((err: unknown) => this.logger.debug({ err }, 'could not commit shared group positions'))
      .finally(() => {
        this.committing = undefined;
        if (this.dirty.size > 0 && !this.stopped && !this.leaving) {
          const keys = [...this.dirty];
          this.dirty.clear();
          for (const key of keys) this.positionMoved(key);
        }
      });
  };

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
      // every group's `r` follows the log even while none of its messages pass here (a hand-over then reads less),
      // and a write that failed is tried again
      for (const key of this.local) this.positionMoved(key);
      /** node id → the incarnation it is registered with */
      const alive = new Map(
        (await this.placement.cluster.listNodes(ClusterTypes.mqttBroker)).map((n) => [
          n.nodeId,
          n.labels.incarnation ?? '',
        ]),
      );
      const registered = alive.get(this.nodeId) === this.incarnation;
      const view = new Map<string, number[]>();
      /** `<group key>\n<node id>` of every members record, counted or not */
      const recorded = new Set<string>();
      const ours = new Set<string>();
      let startAfter = '';
      for (;;) {
        const page = await this.placement.kv.listPrefix(PREFIX, startAfter, 1000);
        for (const item of page.items) {
          const rest = item.key.slice(PREFIX.length);
          const slash = rest.lastIndexOf('/');
          const nodeId = Number(rest.slice(slash + 1));
          const key = rest.slice(0, slash);
          const value = item.value.toString('utf8');
          recorded.add(`${key}\n${nodeId}`);
          if (nodeId === this.nodeId) {
            if (value === this.incarnation) ours.add(key);
            // this life's mark of a group whose last member left here: kept for the others to read
            else if (value === this.incarnation + LEAVING && !this.local.has(key)) continue;
            // a previous life's record (or a late write of it): removed once this incarnation is the registered one,
            // not before — the others must first see the node change incarnation to hand that life's part over
            else if (registered && !this.leaving) void this.placement.kv.delete(item.key).catch(() => false);
          }
          const epoch = alive.get(nodeId);
          // counts only under the incarnation its node is registered with (a broker without one: any record)
          if (epoch === undefined || (epoch !== '' && value !== epoch)) continue;
          const brokers = view.get(key) ?? [];
          brokers.push(nodeId);
          view.set(key, brokers);
        }
        if (!page.more || page.items.length === 0) break;
        startAfter = page.items[page.items.length - 1]!.key;
      }
      // a record lost (deleted by a previous life's clean-up racing this one's write) is written again
      if (!this.leaving)
        for (const key of this.local)
          if (!ours.has(key))
            void this.placement.kv.set(this.recordKey(key), this.incarnation).catch(() => undefined);
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
      const previousEpochs = this.epochs;
      this.view = view;
      this.epochs = alive;
      this.handOverDeparted(previous, previousEpochs, view, alive, recorded, switchedAt);
    } catch (err) {
      this.logger.debug({ err }, 'could not refresh the shared group view; keeping the last one');
    } finally {
      this.refreshing = false;
    }
  }

  /** Starts a hand-over for each group whose view lost a broker for any reason but its members leaving (the same
   * incarnation still registered, its record gone), if this broker is the lowest-numbered of the group's brokers
   * other than the departed one. */
  private handOverDeparted(
    previous: Map<string, number[]>,
    previousEpochs: Map<number, string>,
    view: Map<string, number[]>,
    alive: Map<number, string>,
    recorded: Set<string>,
    switchedAt: number,
  ): void {
    if (this.leaving) return;
    for (const [key, before] of previous) {
      if (!this.local.has(key)) continue;
      const now = view.get(key) ?? [];
      for (const departed of before) {
        if (departed === this.nodeId) continue;
        const epoch = previousEpochs.get(departed) ?? '';
        const sameLife = alive.has(departed) && alive.get(departed) === epoch;
        if (sameLife && (now.includes(departed) || !recorded.has(`${key}\n${departed}`))) continue;
        if (now.find((id) => id !== departed) !== this.nodeId) continue;
        const handOver = this.handOver(key, departed, epoch, before, switchedAt)
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
   * acknowledged: the offsets it recorded as unacknowledged, and its part of the log from where it had routed. */
  private async handOver(
    key: string,
    departed: number,
    epoch: string,
    brokers: number[],
    to: number,
  ): Promise<void> {
    const position = await this.departedPosition(key, departed, epoch);
    if (position === undefined) return;
    const pending = position.p.filter((offset) => offset < to).sort((a, b) => a - b);
    if (pending.length === 0 && position.r >= to) return this.forgetPosition(key, departed, epoch);
    const index = brokers.indexOf(departed);
    const levels = key.slice(key.indexOf('/') + 1).split('/');
    const pendingSet = new Set(pending);
    const wanted = (offset: number): boolean =>
      offset >= position.r ? offset % brokers.length === index : pendingSet.has(offset);
    let next = 0; // the first unacknowledged offset not passed yet
    /** where to read on from `offset`: below `r`, the next unacknowledged offset (or `r` once all are passed) */
    const readOn = (offset: number): number => {
      if (offset >= position.r) return offset;
      while (next < pending.length && pending[next]! < offset) next++;
      return next < pending.length ? pending[next]! : position.r;
    };
    let handed = 0;
    let dropped = 0;
    let offset = Math.max(readOn(0), await this.log.startOffset());
    this.logger.info(
      { group: key, departed, unacknowledged: pending.length, from: position.r, to },
      "handing a departed broker's shared group messages to members here",
    );
    while (offset < to && !this.stopped) {
      const records = await this.log.read(offset, Math.min(READ_BATCH, to - offset));
      if (records.length === 0) break;
      for (const record of records) {
        if (record.offset >= to) break;
        offset = record.offset + 1;
        if (!wanted(record.offset)) continue;
        const message = recordToMessage(record);
        if (!message || !levelsMatch(levels, message.topic.split('/'))) continue;
        const forwardable = message.forwardableAt(Date.now());
        if (!forwardable) continue; // expired meanwhile (MQTT-3.3.2-5)
        const outcome = await this.deliverWhenRoom(key, forwardable);
        if (outcome === undefined) return; // no members here any more
        if (outcome) handed++;
        else dropped++;
      }
      offset = readOn(offset);
    }
    this.handOverStats.handOvers++;
    this.handOverStats.messages += handed;
    this.handOverStats.dropped += dropped;
    this.logger.info(
      { group: key, departed, handed, dropped },
      'shared group messages of a departed broker handed over',
    );
    await this.forgetPosition(key, departed, epoch);
  }

  /** The departed broker's position in the group: its record in placement, or the position a broker of the previous
   * release committed; undefined when it left neither. */
  private async departedPosition(
    key: string,
    departed: number,
    epoch: string,
  ): Promise<GroupPosition | undefined> {
    const value = await this.placement.kv.get(positionKey(key, departed, epoch));
    if (value !== undefined) {
      const parsed = JSON.parse(value.toString('utf8')) as Partial<GroupPosition>;
      if (typeof parsed.r === 'number')
        return { r: parsed.r, p: Array.isArray(parsed.p) ? parsed.p.filter(Number.isInteger) : [] };
    }
    const committed = await this.log.fetchPosition(positionGroup(departed, key));
    return committed === undefined ? undefined : { r: committed, p: [] };
  }

  /** Drops a departed broker's record once its messages are handed over (a later death must not hand them again). */
  private async forgetPosition(key: string, departed: number, epoch: string): Promise<void> {
    await this.placement.kv
      .delete(positionKey(key, departed, epoch))
      .catch((err: unknown) =>
        this.logger.warn(
          { err, group: key, departed },
          "could not delete a departed broker's group position",
        ),
      );
  }

  /** Delivers to a member of the group here, waiting for one with room; false after HAND_OVER_WAIT_MS. */
  private async deliverWhenRoom(key: string, message: OutgoingPublish): Promise<boolean | undefined> {
    const deadline = Date.now() + HAND_OVER_WAIT_MS;
    for (;;) {
      const delivered = this.members!.deliverToGroup(key, message);
      if (delivered) this.positionMoved(key);
      if (delivered !== false || this.stopped) return delivered;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, HAND_OVER_RETRY_MS));
    }
  }

  /** Writes, for each group whose position may have moved, how far this broker has routed and what its members
   * have not acknowledged: where another broker takes over if this one dies. */
  private async commitPositions(): Promise<void> {
    const members = this.members;
    if (!members) return;
    const routed = this.frozenAt ?? this.log.nextOffset;
    const keys = [...this.dirty];
    this.dirty.clear();
    const writes: Promise<void>[] = [];
    for (const key of keys) {
      if (!this.local.has(key)) continue;
      const pending = members.pendingOffsets(key);
      let position: GroupPosition;
      if (pending.length > MAX_PENDING) position = { r: Math.min(...pending), p: [] };
      else position = { r: routed, p: pending.sort((a, b) => a - b) };
      const value = JSON.stringify(position);
      if (this.committed.get(key) === value) continue;
      this.commitStats.writes++;
      // the sets of one turn travel in one placement batch (one Raft write)
      writes.push(
        this.placement.kv.set(positionKey(key, this.nodeId, this.incarnation), value).then(
          () => void this.committed.set(key, value),
          (err: unknown) => {
            this.committed.delete(key);
            throw err;
          },
        ),
      );
    }
    for (const key of this.committed.keys()) if (!this.local.has(key)) this.committed.delete(key);
    const results = await Promise.allSettled(writes);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}

/** The placement KV key of the position of broker `nodeId`'s incarnation `epoch` in the shared group `key` (without
 * an incarnation: a broker of the release before incarnations). */
function positionKey(key: string, nodeId: number, epoch: string): string {
  return epoch === '' ? `${POSITIONS}${key}/${nodeId}` : `${POSITIONS}${key}/${nodeId}/${epoch}`;
}

/** The consumer group under which a broker of the previous release committed its position for the shared group
 * `key` (hashed: group names are limited to 255 bytes). */
function positionGroup(nodeId: number, key: string): string {
  return `mqtt-share/${nodeId}/${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}
