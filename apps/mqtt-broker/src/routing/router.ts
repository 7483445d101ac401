// Routing behind one interface (the seam aedes calls `mq`): the broker hands every accepted message to its Router and
// indexes the subscriptions of connected sessions in it; what the router does with them is its own business.
// LocalRouter fans a message out to the matching subscribers of this broker — plain subscriptions through a topic
// trie (one copy per subscriber however many of its filters match), `$share/<group>/<filter>` groups one member
// each. A cluster router puts messages that other brokers accepted through the same local fan-out. What a topic
// matches in the trie is remembered until the subscriptions change: traffic repeats its topics, and walking the trie
// (splitting the topic, a map lookup per level and branch) was the largest part of routing a message.
import type { QoS } from '@robustmq/protocol';
import type { BrokerStats } from '../core/broker-settings.js';
import type { OutgoingPublish } from '../packets/outgoing-publish.js';
import { SharedGroup, type SharedInflight, type SharedMember } from './shared-subscription.js';
import type { Subscription } from './subscription.js';
import { TopicTrie } from './topic-trie.js';

/** What routing needs of a session: live delivery, plain and as a shared group's chosen member. */
export interface Subscriber extends SharedMember {
  readonly clientId: string;
  /** False when the message was not sent now (it may still be, from the log). */
  deliver(message: OutgoingPublish, qos: QoS, retain: boolean, ids?: number[]): boolean;
}

export interface SharedGroupInfo {
  group: string;
  filter: string;
  members: number;
}

/** Why a subscription leaves routing: an UNSUBSCRIBE on a live connection, the connection of a persistent session
 * closing (it comes back), or the connection of a session that ends with it. */
export type Leaving = 'unsubscribed' | 'away' | 'ended';

export interface Router<S extends Subscriber> extends SharedGroupMembers {
  /** subscriptions in routing (plain and shared members). */
  readonly subscriptionCount: number;
  /** Puts one subscription of a connected subscriber into routing. `filter` is the subscriber's key for it. */
  add(filter: string, subscriber: S, subscription: Subscription): void;
  /** Takes one out. A shared group member's unacknowledged messages of the group stay with a session that lives on
   * (`unsubscribed`: MQTT-3.10.4-3, it completes their delivery; `away`: MQTT-4.4.0-1, sent again when it is back)
   * and still count as the group's; those of a session that `ended` go to another member (MQTT 5 §4.8.2). */
  remove(filter: string, subscriber: S, subscription: Subscription, leaving?: Leaving): void;
  /** Delivers a message to every matching subscriber (not to its publisher's own session where No Local is set).
   * Returns how many it went to. */
  route(message: OutgoingPublish): number;
  sharedGroups(): SharedGroupInfo[];
}

/** This broker's shared subscription groups, as the cluster's coordinator sees them. */
export interface SharedGroupMembers {
  /** The log offsets of the messages of group `key` its members here have not acknowledged (none when there is no
   * such group here), in no particular order. */
  pendingOffsets(key: string): number[];
  /** Gives a message to one member of group `key` here: true if one took it, false if none can now, undefined when
   * the broker has no members of the group any more. */
  deliverToGroup(key: string, message: OutgoingPublish): boolean | undefined;
  /** The log offsets of the messages of group `key` that sessions here hold in flight without being members (a
   * persistent member away, a connection that unsubscribed), not acknowledged yet. */
  heldOffsets(key: string): number[];
}

/** Decides which broker of a cluster serves a shared subscription group with a given message, so that each message
 * goes to one member cluster-wide (cluster/shared-groups.ts); a lone broker has none and serves every message. */
export interface SharedGroupCoordinator {
  /** this broker now has connected members of the group `<share>/<filter>`. */
  groupOpened(key: string): void;
  /** this broker no longer has any: the last one left on its own (not a broker stopping). `unacknowledged`: the log
   * offsets of the group's messages that member got, did not acknowledge and will not be given again (its session
   * ended), for the other brokers' members (MQTT 5 §4.8.2). */
  groupClosed(key: string, unacknowledged: number[]): void;
  /** a persistent session that ended (expired, replaced by a clean start, taken over by another broker) had the
   * group's messages at these log offsets in flight and not acknowledged: they go to another member (MQTT 5 §4.8.2),
   * here or on another broker. */
  returned(key: string, offsets: number[]): void;
  /** whether this broker gives `message` to one of its members of the group. */
  serves(key: string, message: OutgoingPublish): boolean;
  /** a session here acknowledged a message of the group: the group's position here (or what is held) may move on. */
  acknowledged(key: string): void;
  /** the sessions here that hold messages of the group without being members changed (`heldOffsets`). */
  held(key: string): void;
}

/** How one subscriber is matched by one message: the merge of all its matching subscriptions. */
interface Match {
  qos: QoS;
  retain: boolean;
  ids: number[] | undefined;
}

/** topics whose trie matches are remembered; past this many the memory starts afresh (a broker with more distinct
 * live topics than this pays one extra array per routed message, nothing more). */
const MATCH_CACHE_TOPICS = 4096;

export class LocalRouter<S extends Subscriber> implements Router<S> {
  private readonly trie = new TopicTrie<S, Subscription>();
  /** topic → its plain subscriptions in trie visiting order, flat: subscriber, subscription, subscriber, …; cleared
   * whenever a plain subscription is added or removed. */
  private readonly matchCache = new Map<string, (S | Subscription)[]>();
  /** shared subscription groups by `<group>/<filter>`, indexed by filter in `sharedTrie`. */
  private readonly groups = new Map<string, SharedGroup<S>>();
  private readonly sharedTrie = new TopicTrie<SharedGroup<S>, SharedGroup<S>>();
  private sharedMembers = 0;
  /** group key → sessions here that hold messages of the group in flight without being its members (a persistent
   * member away, a connection that unsubscribed): still the group's until acknowledged or given back, so a broker
   * that dies meanwhile has them handed over. Kept only in a cluster (with a coordinator). */
  private readonly holders = new Map<string, Set<S>>();
  /** reused by every route(): the subscribers one message matches, in match order. */
  private readonly matches = new Map<S, Match>();

  constructor(
    private readonly stats: BrokerStats,
    private readonly coordinator?: SharedGroupCoordinator,
  ) {}

  get subscriptionCount(): number {
    return this.trie.size + this.sharedMembers;
  }

  add(filter: string, subscriber: S, subscription: Subscription): void {
    if (subscription.share === undefined) {
      this.trie.add(filter, subscriber, subscription);
      this.matchCache.clear();
      return;
    }
    const inner = subscription.levels.join('/');
    const key = `${subscription.share}/${inner}`;
    let group = this.groups.get(key);
    if (!group) {
      group = new SharedGroup<S>(subscription.share, inner);
      this.groups.set(key, group);
      this.sharedTrie.add(inner, group, group);
      this.coordinator?.groupOpened(key);
    }
    const before = group.size;
    group.add(subscriber, subscription);
    this.sharedMembers += group.size - before;
    // back in the group (a persistent member reconnecting): what it holds counts as a member's again
    const holders = this.holders.get(key);
    if (holders?.delete(subscriber)) {
      if (holders.size === 0) this.holders.delete(key);
      this.coordinator?.held(key);
    }
  }

  remove(filter: string, subscriber: S, subscription: Subscription, leaving: Leaving = 'unsubscribed'): void {
    if (subscription.share === undefined) {
      this.trie.remove(filter, subscriber);
      this.matchCache.clear();
      return;
    }
    const inner = subscription.levels.join('/');
    const key = `${subscription.share}/${inner}`;
    const group = this.groups.get(key);
    if (!group?.remove(subscriber)) return;
    this.sharedMembers--;
    const coordinator = this.coordinator;
    // an ended session's unacknowledged messages are the group's: out of its window, so that nothing gives them twice
    const taken: SharedInflight[] = [];
    if (leaving === 'ended') subscriber.takeShared(key, taken);
    else if (coordinator) this.hold(key, subscriber);
    if (group.size === 0) {
      this.groups.delete(key);
      this.sharedTrie.remove(inner, group);
      if (coordinator) coordinator.groupClosed(key, taken.map(offsetOf));
      else this.countDropped(taken.length); // no member left here to give them to
      return;
    }
    if (taken.length === 0) return;
    // to the members that stay (MQTT 5 §4.8.2): in a cluster recorded first (a hand-over of this broker's), alone
    // straight from the messages
    if (coordinator) {
      coordinator.returned(key, taken.map(offsetOf));
      return;
    }
    const now = Date.now();
    for (const { message } of taken) {
      const forwardable = message?.forwardableAt(now); // expired meanwhile (MQTT-3.3.2-5): not given
      if (forwardable === undefined) continue;
      if (group.deliver(forwardable)) this.stats.messagesSent++;
      else this.countDropped(1);
    }
  }

  /** Records that `subscriber`, no longer a member of group `key`, still holds messages of it in flight. */
  private hold(key: string, subscriber: S): void {
    const offsets: number[] = [];
    subscriber.sharedPending(key, offsets);
    if (offsets.length === 0) return;
    let holders = this.holders.get(key);
    if (!holders) this.holders.set(key, (holders = new Set()));
    holders.add(subscriber);
    this.coordinator!.held(key);
  }

  private countDropped(count: number): void {
    this.stats.sharedDropped += count;
    this.stats.messagesDropped += count;
  }

  /** Once per subscriber even when several of its filters match, at the highest of their QoS (MQTT-3.3.4-2 / 5.0
   * §3.3.4), with every matching subscription's identifier (MQTT-3.3.4-3/-5). */
  route(message: OutgoingPublish): number {
    const messageQos = message.qos;
    const messageRetain = message.retain;
    const found = this.plainMatches(message.topic);
    let delivered = 0;
    if (found.length === 2) {
      // one subscription matches, the common case: nothing to merge
      const subscriber = found[0] as S;
      const subscription = found[1] as Subscription;
      // MQTT-3.8.3-3: not to a connection with the publisher's client id (on whichever broker it was published)
      if (!subscription.noLocal || subscriber.clientId !== message.publisher) {
        const qos: QoS = subscription.qos < messageQos ? subscription.qos : messageQos;
        const id = subscription.identifier;
        const retain = subscription.retainAsPublished && messageRetain;
        if (subscriber.deliver(message, qos, retain, id === undefined ? undefined : [id])) delivered++;
      }
    } else if (found.length > 0) {
      const matches = this.matches;
      for (let i = 0; i < found.length; i += 2) {
        const subscriber = found[i] as S;
        const subscription = found[i + 1] as Subscription;
        if (subscription.noLocal && subscriber.clientId === message.publisher) continue;
        const qos: QoS = subscription.qos < messageQos ? subscription.qos : messageQos;
        const retain = subscription.retainAsPublished && messageRetain;
        const id = subscription.identifier;
        const match = matches.get(subscriber);
        if (match === undefined) {
          matches.set(subscriber, { qos, retain, ids: id === undefined ? undefined : [id] });
          continue;
        }
        if (qos > match.qos) match.qos = qos;
        if (retain) match.retain = true;
        if (id !== undefined) (match.ids ??= []).push(id);
      }
      for (const [subscriber, match] of matches) {
        if (subscriber.deliver(message, match.qos, match.retain, match.ids)) delivered++;
      }
      matches.clear();
    }
    if (this.groups.size > 0) {
      const coordinator = this.coordinator;
      this.sharedTrie.match(message.topic, (group) => {
        if (coordinator && !coordinator.serves(`${group.group}/${group.filter}`, message)) return;
        if (group.deliver(message)) {
          delivered++;
        } else {
          this.stats.sharedDropped++;
          this.stats.messagesDropped++;
        }
      });
    }
    this.stats.messagesSent += delivered;
    return delivered;
  }

  /** The plain subscriptions matching `topic`, from the cache or from the trie. */
  private plainMatches(topic: string): (S | Subscription)[] {
    let found = this.matchCache.get(topic);
    if (found !== undefined) return found;
    found = [];
    this.trie.collect(topic, found);
    if (this.matchCache.size >= MATCH_CACHE_TOPICS) this.matchCache.clear();
    this.matchCache.set(topic, found);
    return found;
  }

  sharedGroups(): SharedGroupInfo[] {
    return [...this.groups.values()].map((g) => ({ group: g.group, filter: g.filter, members: g.size }));
  }

  pendingOffsets(key: string): number[] {
    const out: number[] = [];
    this.groups.get(key)?.pending(out);
    return out;
  }

  heldOffsets(key: string): number[] {
    const holders = this.holders.get(key);
    const out: number[] = [];
    if (!holders) return out;
    for (const holder of holders) {
      const before = out.length;
      holder.sharedPending(key, out);
      // acknowledged everything, or given back (its session ended): no longer a holder
      if (out.length === before) holders.delete(holder);
    }
    if (holders.size === 0) this.holders.delete(key);
    return out;
  }

  deliverToGroup(key: string, message: OutgoingPublish): boolean | undefined {
    const group = this.groups.get(key);
    if (!group) return undefined;
    const delivered = group.deliver(message);
    if (delivered) this.stats.messagesSent++;
    return delivered;
  }
}

function offsetOf(inflight: SharedInflight): number {
  return inflight.offset;
}
