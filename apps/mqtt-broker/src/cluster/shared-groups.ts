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
// one interval plus one placement write of its death) is delivered again; one acknowledged before is not. Past
// MAX_PENDING offsets a record lists only those outside this broker's own share and records the share as an `h` part
// from its oldest unacknowledged offset (given again from there, none lost). A broker of the previous release
// committed only a position (a consumer group on the shared log): that is still read, as `r`.
//
// The view is refreshed every REFRESH_MS; while two brokers' views differ (a member joined in the last moments) a
// message can go to a member on each, or to none — the same guarantee shared subscriptions give on a single broker
// (a message no member can take now is not queued for the group).
//
// A hand-over is resumable: the broker taking a part over first records it in its own position as `h` (parts: the
// offsets `p`, and from `r` up to `to` every offset o with o mod n = i), then deletes the departed broker's record,
// and moves the parts on as it gives their messages. When it dies or stops (a clean stop ends the hand-over at the
// next message), the broker taking its part over gives its `p`, its share from `r` and all of its `h`.
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
// it go), and deletes the position. A member joining here again within CLOSED_KEEP_MS takes the position back if it
// is still there (`reclaim`); after that the mark (and a position nobody can take: no other broker has members of the
// group) is deleted (`forgetClosed`), so a broker's records do not grow with every group that ever had a member here.
//
// A session ending with messages of a group in flight gives them back (`returned`): a clean member leaving while
// others of the group stay here, a persistent member's session ending (expired offline, replaced by a clean start,
// taken over by another broker), a session that had unsubscribed. To a member here, else through a record under the
// members prefix (`…/returned-<node id>-<uuid>`) that the lowest-numbered broker of the group takes at its refresh.
//
// Sessions here that hold a group's messages without being members (a persistent member away, a connection that
// unsubscribed: `heldOffsets`) are listed in this incarnation's held record (`…/held-<node id>-<incarnation>`),
// written with the positions; it is taken like a returned record once that incarnation is no longer registered (the
// sessions' memory died with it), never while it is.
import { createHash, randomUUID } from 'node:crypto';
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
/** how long the position of a group whose last member here left is kept to be taken back by a member joining again;
 * after that its records are cleaned up (`forgetClosed`): another broker has taken the part over within a refresh or
 * two of reading the mark, or no other broker has members of the group (nobody will: not queued). */
const CLOSED_KEEP_MS = 10_000;
/** the suffix of a members record whose broker is leaving. */
const LEAVING = '!';
/** the last level of a record under the members prefix that holds messages given back to a group (`returned`). */
const RETURNED = 'returned-';
/** the last level (`held-<node id>-<incarnation>`) of a record under the members prefix that lists the messages of a
 * group that sessions of that broker hold in flight without being members (`heldOffsets`). */
const HELD = 'held-';

/** What the coordinator needs of the shared log: how far this broker has routed, reads, and the group positions
 * brokers of the previous release committed. */
export interface SharedGroupLog {
  readonly nextOffset: number;
  read(from: number, maxRecords: number): Promise<StoredRecord[]>;
  startOffset(): Promise<number>;
  fetchPosition(group: string): Promise<number | undefined>;
}

/** A stretch of the shared log a broker gives its members of a group on another's behalf: the offsets in `p` (each
 * below `r`), and every offset o from `r` up to `to` with o mod n = i (the departed broker's share under the view
 * that still counted it). */
interface HandOverPart {
  r: number;
  p: number[];
  to: number;
  n: number;
  i: number;
}

/** Where a broker stands in a group, as recorded in placement: routed up to `r`, and `p` (below `r`) given to its
 * members and not acknowledged; `h`, what it is handing over for others and has not given its members yet. */
interface GroupPosition {
  r: number;
  p: number[];
  h?: HandOverPart[];
}

/** The position recorded when a group's last member here left (`value`, as written), as parts to give if a member
 * joins here again before another broker takes it over; `at`, when (kept CLOSED_KEEP_MS at most). */
interface ClosedPosition {
  value: string;
  own: HandOverPart;
  h: HandOverPart[];
  at: number;
}

/** A hand-over under way here: its parts, and `at`, the offset below which every part's messages are given. */
interface Adoption {
  parts: HandOverPart[];
  at: number;
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
  /** group key → the position recorded when its last member here left, while no other broker may have taken it: a
   * member joining here again takes it back if it is still there (`reclaim`). */
  private readonly closedPositions = new Map<string, ClosedPosition>();
  private readonly local = new Set<string>();
  /** group key → the position record last written for it. */
  private readonly committed = new Map<string, string>();
  /** group key → the held record last written for it (absent: none in placement). */
  private readonly committedHeld = new Map<string, string>();
  /** writes of returned-message records in flight: a position write waits for them (what they hold leaves it). */
  private readonly returning = new Set<Promise<void>>();
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
  /** group key → the hand-overs under way here: recorded in this broker's position (`h`) until done. */
  private readonly adopted = new Map<string, Set<Adoption>>();
  /** returned-message records (members prefix) being taken over here. */
  private readonly takingReturns = new Set<string>();
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
    // hand-overs stop at their next message; what they had not given is recorded below as `h`, for the others
    await Promise.all(this.handOvers);
    while (this.committing) await this.committing;
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
    const closed = this.closedPositions.get(key);
    this.closedPositions.delete(key);
    // after the hand-over writes of its last close here, if still going: the record must end up unmarked
    void (this.closing.get(key) ?? Promise.resolve())
      .then(() => (closed ? this.reclaim(key, closed) : undefined))
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
    const position = this.positionOf(key, routed, unacknowledged);
    const value = JSON.stringify(position);
    // this broker's share from `r` on (what the others route here until they see it go), if a member comes back first
    const index = brokers?.indexOf(this.nodeId) ?? -1;
    const own: HandOverPart = {
      r: position.r,
      p: position.p,
      to: position.r, // up to where the log stands when a member comes back, if others split the stream with this one
      n: index < 0 ? 1 : brokers!.length,
      i: index < 0 ? 0 : index,
    };
    this.closedPositions.set(key, { value, own, h: position.h ?? [], at: Date.now() });
    // the hand-overs of this group here stop (no member to give to): the broker that takes the part takes them too
    this.adopted.delete(key);
    const writes = (this.closing.get(key) ?? Promise.resolve())
      .then(async () => {
        // what a member that went away (persistent) keeps is listed in the held record before the position drops it
        await this.writeHeld(key);
        await this.placement.kv.set(positionKey(key, this.nodeId, this.incarnation), value);
        // a member joined here again meanwhile: it serves the part, nothing to hand over
        if (this.local.has(key)) return;
        await this.placement.kv.set(this.recordKey(key), this.incarnation + LEAVING);
        this.logger.info(
          { group: key, at: routed, unacknowledged: position.p.length, handingOver: position.h?.length ?? 0 },
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

  /** A member joined here again after the group's last member here left: the position recorded then, if no broker
   * has taken it over yet (the taker deletes it), is given to the members here — the offsets that member did not
   * acknowledge, this broker's share from where it stood up to now (the others skipped it until they saw it go), and
   * the hand-overs it had under way. Without this, a clean client that reconnects at once (before any other broker's
   * refresh, or with no other broker in the group) lost them: its new position overwrote the record. A broker that
   * read the record just before is given them too (at least once). */
  private async reclaim(key: string, closed: ClosedPosition): Promise<void> {
    const recorded = await this.placement.kv.get(positionKey(key, this.nodeId, this.incarnation));
    if (recorded?.toString('utf8') !== closed.value) return; // taken over meanwhile
    const own = { ...closed.own };
    // alone in the group, nothing of its share went to anybody else: not queued for a group without members
    if (own.n > 1) own.to = this.log.nextOffset;
    const parts = remainingParts([own, ...closed.h], 0);
    if (parts.length === 0 || !this.local.has(key)) return;
    const giving = this.giveParts(key, parts, async () => undefined, { reclaimed: true })
      .catch((err: unknown) =>
        this.logger.warn({ err, group: key }, 'could not give back a shared group part taken back'),
      )
      .finally(() => this.handOvers.delete(giving));
    this.handOvers.add(giving);
    // recorded as this broker's `h` before the record is unmarked (the others then see no departure)
    await this.writePositionsNow(key).catch(() => undefined);
  }

  /** Cleans up after a group whose last member here left a while ago: its leaving mark goes once the position was
   * taken over (or nobody can take it: no other broker has members of the group), so that a broker's records do not
   * grow with every group that ever had a member here. A position nobody took while others have members stays, with
   * its mark (what it holds is still theirs to take). */
  private async forgetClosed(key: string, closed: ClosedPosition): Promise<void> {
    try {
      const record = positionKey(key, this.nodeId, this.incarnation);
      const recorded = await this.placement.kv.get(record);
      if (this.local.has(key)) return; // a member joined meanwhile
      if (recorded !== undefined) {
        const others = (this.view.get(key) ?? []).some((id) => id !== this.nodeId);
        if (others || recorded.toString('utf8') !== closed.value) return;
        await this.placement.kv.delete(record);
      }
      if (this.local.has(key)) return;
      await this.placement.kv.delete(this.recordKey(key));
      if (!this.local.has(key)) this.left.delete(key);
    } catch (err) {
      this.logger.debug({ err, group: key }, 'could not clean up after a closed shared group');
    }
  }

  returned(key: string, offsets: number[]): void {
    if (offsets.length === 0) return;
    const part = returnedPart(offsets);
    const p = part.p;
    if (this.local.has(key) && !this.leaving && !this.stopped) {
      const giving = this.giveParts(key, [part], async () => undefined, { returned: p.length })
        .catch((err: unknown) =>
          this.logger.warn({ err, group: key }, 'could not give returned shared group messages'),
        )
        .finally(() => this.handOvers.delete(giving));
      this.handOvers.add(giving);
      return;
    }
    // no member here: a record the group's brokers read at their next refresh, the lowest of them takes it (one
    // joining later, if the group has none now)
    const record = `${PREFIX}${key}/${RETURNED}${this.nodeId}-${randomUUID()}`;
    const writing = this.placement.kv
      .set(record, JSON.stringify({ h: [part] }))
      .catch((err: unknown) =>
        this.logger.warn(
          { err, group: key, messages: p.length },
          'could not give the messages of an ended session back to its shared group',
        ),
      )
      .finally(() => {
        this.handOvers.delete(writing);
        this.returning.delete(writing);
      });
    this.handOvers.add(writing);
    this.returning.add(writing);
    // the held record (or position) that listed them is written after this one
    this.positionMoved(key);
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

  held(key: string): void {
    this.positionMoved(key);
  }

  /** Schedules a write of the group's position (and of what sessions here hold of it without being members): at once
   * when none is in flight and the last one is at least the interval old, else when that holds. */
  private positionMoved(key: string): void {
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
      const now = Date.now();
      if (!this.leaving)
        for (const [key, closed] of this.closedPositions)
          if (now - closed.at > CLOSED_KEEP_MS && !this.local.has(key) && !this.closing.has(key)) {
            this.closedPositions.delete(key);
            void this.forgetClosed(key, closed);
          }
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
      /** records of messages given back to a group, and held records of brokers no longer registered with their
       * incarnation (their sessions' messages are nobody's now), by group key */
      const returns: { key: string; record: string; value: string }[] = [];
      const helds: { key: string; record: string; value: string; nodeId: number }[] = [];
      let startAfter = '';
      for (;;) {
        const page = await this.placement.kv.listPrefix(PREFIX, startAfter, 1000);
        for (const item of page.items) {
          const rest = item.key.slice(PREFIX.length);
          const slash = rest.lastIndexOf('/');
          const nodeId = Number(rest.slice(slash + 1));
          const key = rest.slice(0, slash);
          const value = item.value.toString('utf8');
          if (rest.startsWith(RETURNED, slash + 1)) {
            returns.push({ key, record: item.key, value });
            continue;
          }
          if (rest.startsWith(HELD, slash + 1)) {
            const holder = parseInt(rest.slice(slash + 1 + HELD.length), 10);
            if (Number.isInteger(holder)) helds.push({ key, record: item.key, value, nodeId: holder });
            continue;
          }
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
      // a held record whose incarnation is no longer the registered one: its sessions are gone with it
      for (const held of helds) {
        let epoch: unknown;
        try {
          epoch = (JSON.parse(held.value) as { e?: unknown }).e;
        } catch {
          epoch = undefined; // not ours to read: taken (and deleted) as a record with nothing to give
        }
        if (held.nodeId === this.nodeId && epoch === this.incarnation) continue;
        if (alive.has(held.nodeId) && alive.get(held.nodeId) === epoch) continue;
        returns.push(held);
      }
      // messages given back to a group go to the lowest of its brokers
      if (!this.leaving)
        for (const { key, record, value } of returns)
          if (this.local.has(key) && view.get(key)?.[0] === this.nodeId)
            this.takeReturned(key, record, value);
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
   * acknowledged: the offsets it recorded as unacknowledged, its part of the log from where it had routed, and what
   * it was itself handing over for others and had not given yet (its `h`). */
  private async handOver(
    key: string,
    departed: number,
    epoch: string,
    brokers: number[],
    to: number,
  ): Promise<void> {
    const position = await this.departedPosition(key, departed, epoch);
    if (position === undefined) return;
    const own: HandOverPart = {
      r: position.r,
      p: position.p,
      to,
      n: brokers.length,
      i: brokers.indexOf(departed),
    };
    const parts = remainingParts([own, ...(position.h ?? [])], 0);
    if (parts.length === 0) return this.forgetPosition(key, departed, epoch);
    this.logger.info(
      {
        group: key,
        departed,
        unacknowledged: own.p.length,
        from: position.r,
        to,
        handingOver: parts.length - 1,
      },
      "handing a departed broker's shared group messages to members here",
    );
    await this.giveParts(key, parts, () => this.forgetPosition(key, departed, epoch), { departed });
  }

  /** Takes over a record of messages a session of another broker had in flight as a member when it ended (`returned`
   * there, with no member of the group left on that broker to give them to). */
  private takeReturned(key: string, record: string, value: string): void {
    if (this.takingReturns.has(record)) return;
    let parts: HandOverPart[];
    try {
      parts = remainingParts(parseParts((JSON.parse(value) as { h?: unknown }).h), 0);
    } catch {
      parts = [];
    }
    this.takingReturns.add(record);
    const release = (): Promise<void> =>
      this.placement.kv.delete(record).then(
        () => undefined,
        (err: unknown) =>
          this.logger.warn({ err, group: key }, 'could not delete a returned-messages record'),
      );
    const taking = (
      parts.length === 0 ? release() : this.giveParts(key, parts, release, { returned: record })
    )
      .catch((err: unknown) =>
        this.logger.warn({ err, group: key }, 'could not give returned shared group messages'),
      )
      .finally(() => {
        this.takingReturns.delete(record);
        this.handOvers.delete(taking);
      });
    this.handOvers.add(taking);
  }

  /** Gives one of this broker's members of group `key` every message of `parts`, in log order. The parts are first
   * recorded in this broker's position (`h`), then `release` drops the record they came from: from then on, this
   * broker stopping or dying hands over what it has not given yet. Stops, with the rest left in `h`, when the broker
   * leaves or stops or the group has no member here any more. */
  private async giveParts(
    key: string,
    parts: HandOverPart[],
    release: () => Promise<void>,
    source: Record<string, unknown>,
  ): Promise<void> {
    const adoption: Adoption = { parts, at: 0 };
    let adoptions = this.adopted.get(key);
    if (!adoptions) this.adopted.set(key, (adoptions = new Set()));
    adoptions.add(adoption);
    let released = false;
    try {
      await this.writePositionsNow(key);
      await release();
      released = true;
    } catch (err) {
      // kept where it came from until the end: given twice if this broker dies meanwhile, never lost
      this.logger.warn({ err, group: key }, 'could not record a hand-over before starting it');
    }
    const current = (): boolean => this.adopted.get(key)?.has(adoption) === true;
    const end = partsEnd(parts);
    let handed = 0;
    let dropped = 0;
    let offset = Math.max(nextWanted(parts, 0), await this.log.startOffset());
    for (;;) {
      if (this.stopped || this.leaving || !current()) return;
      if (offset >= end) break;
      const records = await this.log.read(offset, Math.min(READ_BATCH, end - offset));
      if (records.length === 0) break;
      for (const record of records) {
        if (record.offset >= end) break;
        if (wantedBy(parts, record.offset)) {
          const message = recordToMessage(record);
          const forwardable =
            message && matchesGroup(key, message.topic) ? message.forwardableAt(Date.now()) : undefined;
          // not given: expired meanwhile (MQTT-3.3.2-5) or not the group's
          if (forwardable) {
            const outcome = await this.deliverWhenRoom(key, forwardable);
            if (outcome === undefined) return; // interrupted: the rest stays in this broker's `h`
            if (outcome) handed++;
            else dropped++;
          }
        }
        offset = record.offset + 1;
        adoption.at = offset;
      }
      offset = Math.max(offset, nextWanted(parts, offset));
      adoption.at = offset;
    }
    adoptions.delete(adoption);
    if (adoptions.size === 0 && this.adopted.get(key) === adoptions) this.adopted.delete(key);
    this.positionMoved(key);
    this.handOverStats.handOvers++;
    this.handOverStats.messages += handed;
    this.handOverStats.dropped += dropped;
    this.logger.info({ group: key, ...source, handed, dropped }, 'shared group messages handed over');
    if (!released) await release();
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
        return {
          r: parsed.r,
          p: Array.isArray(parsed.p) ? parsed.p.filter(Number.isInteger) : [],
          h: parseParts(parsed.h),
        };
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

  /** Delivers to a member of the group here, waiting for one with room; false after HAND_OVER_WAIT_MS; undefined
   * when there is no member here any more or the broker is leaving (the message is then still this broker's to hand
   * over). */
  private async deliverWhenRoom(key: string, message: OutgoingPublish): Promise<boolean | undefined> {
    const deadline = Date.now() + HAND_OVER_WAIT_MS;
    for (;;) {
      if (this.stopped || this.leaving) return undefined;
      const delivered = this.members!.deliverToGroup(key, message);
      if (delivered) this.positionMoved(key);
      if (delivered !== false) return delivered;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, HAND_OVER_RETRY_MS));
    }
  }

  /** This broker's position in group `key`: routed up to `routed`, `pending` given and not acknowledged, and the
   * hand-overs under way. */
  private positionOf(key: string, routed: number, pending: number[]): GroupPosition {
    pending.sort((a, b) => a - b);
    const h: HandOverPart[] = [];
    for (const adoption of this.adopted.get(key) ?? [])
      h.push(...remainingParts(adoption.parts, adoption.at));
    let p = pending;
    if (pending.length > MAX_PENDING) {
      // too many to list: this broker's own share (offset mod n = i under its view) is recorded as a part from its
      // oldest unacknowledged offset up to `routed` (given again from there, some acknowledged ones twice); every
      // other offset — given on another's behalf, or under an older view — is still listed, so none is lost
      const brokers = this.view.get(key) ?? [];
      const n = brokers.length;
      const i = brokers.indexOf(this.nodeId);
      const first = i < 0 ? undefined : pending.find((offset) => offset % n === i);
      if (first !== undefined) {
        p = pending.filter((offset) => offset < first || offset % n !== i);
        h.push({ r: first, p: [], to: routed, n, i });
      }
    }
    const position: GroupPosition = { r: routed, p };
    if (h.length > 0) position.h = h;
    return position;
  }

  /** Writes the position of group `key` now (after a write in flight), for a hand-over starting. Rejects when the
   * write fails. */
  private async writePositionsNow(key: string): Promise<void> {
    while (this.committing) await this.committing.catch(() => undefined);
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    this.dirty.add(key);
    const writing = this.commitPositions();
    this.committing = writing
      .catch(() => undefined)
      .finally(() => {
        this.committing = undefined;
        const keys = [...this.dirty];
        this.dirty.clear();
        for (const dirty of keys) this.positionMoved(dirty);
      });
    await writing;
  }

  /** Writes (or deletes) this incarnation's held record of group `key` if what sessions here hold of the group without
   * being members changed since it was last written; undefined when nothing is to write. Taken over by the others only
   * once this incarnation is no longer registered (refresh). */
  private writeHeld(key: string): Promise<void> | undefined {
    const offsets = this.members?.heldOffsets(key) ?? [];
    const value =
      offsets.length === 0 ? undefined : JSON.stringify({ e: this.incarnation, h: [returnedPart(offsets)] });
    if (this.committedHeld.get(key) === value) return undefined;
    const record = `${PREFIX}${key}/${HELD}${this.nodeId}-${this.incarnation}`;
    this.commitStats.writes++;
    const write =
      value === undefined
        ? this.placement.kv.delete(record).then(() => undefined)
        : this.placement.kv.set(record, value);
    return write.then(
      () => {
        if (value === undefined) this.committedHeld.delete(key);
        else this.committedHeld.set(key, value);
      },
      (err: unknown) => {
        this.committedHeld.set(key, ''); // unknown: written again at the next move or refresh
        this.dirty.add(key);
        throw err;
      },
    );
  }

  /** Writes, for each group whose position may have moved, how far this broker has routed and what its members
   * have not acknowledged: where another broker takes over if this one dies. */
  private async commitPositions(): Promise<void> {
    const members = this.members;
    if (!members) return;
    const routed = this.frozenAt ?? this.log.nextOffset;
    const keys = [...this.dirty];
    this.dirty.clear();
    // returned-message records first: they hold what the records written here no longer list
    if (this.returning.size > 0) await Promise.all(this.returning);
    const writes: Promise<void>[] = [];
    for (const key of keys) {
      const held = this.writeHeld(key);
      if (held) writes.push(held);
      if (!this.local.has(key)) continue;
      const value = JSON.stringify(this.positionOf(key, routed, members.pendingOffsets(key)));
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

/** A part of just these offsets. */
function returnedPart(offsets: number[]): HandOverPart {
  const p = [...new Set(offsets)].sort((a, b) => a - b);
  const to = p[p.length - 1]! + 1;
  return { r: to, p, to, n: 1, i: 0 };
}

/** Whether any of `parts` has `offset` to give: listed in its `p` (wherever it lies), or its share from `r` to `to`. */
function wantedBy(parts: HandOverPart[], offset: number): boolean {
  for (const part of parts) {
    if (offset >= part.r && offset < part.to && offset % part.n === part.i) return true;
    if (part.p.includes(offset)) return true;
  }
  return false;
}

/** The least offset from `offset` on that any of `parts` may have to give (Infinity when none). */
function nextWanted(parts: HandOverPart[], offset: number): number {
  let next = Infinity;
  for (const part of parts) {
    const from = Math.max(offset, part.r);
    if (from < part.to && from < next) next = from;
    for (const p of part.p) if (p >= offset && p < next) next = p;
  }
  return next;
}

/** The offset below which every offset `parts` may have to give lies. */
function partsEnd(parts: HandOverPart[]): number {
  let end = 0;
  for (const part of parts) {
    if (part.to > end) end = part.to;
    for (const p of part.p) if (p >= end) end = p + 1;
  }
  return end;
}

/** What is left of `parts` once every offset below `at` has been given; parts with nothing left are dropped. */
function remainingParts(parts: HandOverPart[], at: number): HandOverPart[] {
  const out: HandOverPart[] = [];
  for (const part of parts) {
    const rest: HandOverPart = {
      r: Math.max(part.r, at),
      p: part.p.filter((offset) => offset >= at),
      to: part.to,
      n: part.n,
      i: part.i,
    };
    if (rest.p.length > 0 || rest.r < rest.to) out.push(rest);
  }
  return out;
}

/** The well-formed hand-over parts of a record's `h` (anything else is ignored). */
function parseParts(value: unknown): HandOverPart[] {
  if (!Array.isArray(value)) return [];
  const parts: HandOverPart[] = [];
  for (const item of value as Partial<HandOverPart>[]) {
    const { r, to, n, i } = item ?? {};
    if (![r, to, n, i].every(Number.isInteger) || n! < 1 || i! < 0 || i! >= n!) continue;
    parts.push({
      r: r!,
      to: to!,
      n: n!,
      i: i!,
      p: Array.isArray(item.p) ? item.p.filter(Number.isInteger) : [],
    });
  }
  return parts;
}

/** Whether `topic` matches the filter of group `key` (`<share>/<filter>`). */
function matchesGroup(key: string, topic: string): boolean {
  return levelsMatch(key.slice(key.indexOf('/') + 1).split('/'), topic.split('/'));
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
