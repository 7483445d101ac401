// MQTT 5 shared subscriptions (§4.8.2), also accepted from 3.1.1 clients as most brokers do: `$share/<group>/<filter>`
// subscriptions of several sessions form one group, and each message matching the filter goes to exactly one of
// the group's connected members, in turn (round robin), at that member's subscription QoS.
//
// Choice: a group is served by routing only. A message goes to a member that can take it now (connected, live,
// room in its in-flight window); when none can — or the group has no connected member — the message is not queued
// for the group (counted as dropped). Persistent members keep their shared subscription across reconnects and
// restarts, but do not get, on reconnecting, what the group missed while they were away: the message log is read
// per session, and replaying group traffic per member would hand the same message to several members. In a cluster,
// a message in flight to a member is the group's (its offset is kept with it) until acknowledged, so that a broker
// that dies hands it to the remaining members (cluster/shared-groups.ts). A persistent member's in-flight messages
// stay with its session while it is away (MQTT-4.4.0-1), and a member that unsubscribes completes what it has
// (MQTT-3.10.4-3); a session that ends gives them back to the group (MQTT 5 §4.8.2): a clean member as it leaves
// (router), any other at its end (BrokerCore.forgetSession).
import type { QoS } from '@robustmq/protocol';
import type { OutgoingPublish } from '../packets/outgoing-publish.js';
import type { Subscription } from './subscription.js';

/** What a group needs of a member: delivery only if it can take the message right now. */
export interface SharedMember {
  /** `key` (`<group>/<filter>`) marks the in-flight message as the group's, so the group knows what is unacknowledged. */
  deliverShared(
    message: OutgoingPublish,
    qos: QoS,
    retain: boolean,
    ids: number[] | undefined,
    key: string,
  ): boolean;
  /** Adds to `out` the log offsets of the messages of group `key` this member got and has not acknowledged (not a
   * released QoS 2 message: its receiver has it). */
  sharedPending(key: string, out: number[]): void;
  /** Takes those messages out of the member's window, into `out`: its session has ended and will never send them
   * again, they are the group's (MQTT 5 §4.8.2). */
  takeShared(key: string, out: SharedInflight[]): void;
}

/** A message of a shared group a member had in flight: its log offset, and the message when the member still has it
 * (a lone broker gives it to another member from there). */
export interface SharedInflight {
  offset: number;
  message: OutgoingPublish | undefined;
}

/** `$share/<group>/<filter>` split; undefined for a filter that is not shared; 'invalid' for a malformed one. */
export function parseSharedFilter(filter: string): { group: string; filter: string } | 'invalid' | undefined {
  if (!filter.startsWith('$share/')) return undefined;
  const rest = filter.slice('$share/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return 'invalid'; // no share name, or no filter after it (MQTT-4.8.2-1)
  const group = rest.slice(0, slash);
  if (group.includes('+') || group.includes('#')) return 'invalid';
  const inner = rest.slice(slash + 1);
  if (inner.length === 0) return 'invalid';
  return { group, filter: inner };
}

export class SharedGroup<M extends SharedMember> {
  /** the members in join order; `next` walks them round robin. */
  private readonly members: M[] = [];
  private readonly subscriptions = new Map<M, Subscription>();
  private next = 0;
  /** `<group>/<filter>`. */
  readonly key: string;

  constructor(
    readonly group: string,
    readonly filter: string,
  ) {
    this.key = `${group}/${filter}`;
  }

  get size(): number {
    return this.members.length;
  }

  /** Adds a member, or updates its subscription options. */
  add(session: M, subscription: Subscription): void {
    if (!this.subscriptions.has(session)) this.members.push(session);
    this.subscriptions.set(session, subscription);
  }

  remove(session: M): boolean {
    if (!this.subscriptions.delete(session)) return false;
    const index = this.members.indexOf(session);
    this.members.splice(index, 1);
    if (index < this.next) this.next--;
    return true;
  }

  /** Gives the message to the next member that can take it; false when none could (the message is dropped). */
  deliver(message: OutgoingPublish): boolean {
    const count = this.members.length;
    for (let tried = 0; tried < count; tried++) {
      if (this.next >= count) this.next = 0;
      const session = this.members[this.next++]!;
      const subscription = this.subscriptions.get(session)!;
      const qos: QoS = subscription.qos < message.qos ? subscription.qos : message.qos;
      const retain = subscription.retainAsPublished && message.retain;
      const ids = subscription.identifier !== undefined ? [subscription.identifier] : undefined;
      if (session.deliverShared(message, qos, retain, ids, this.key)) return true;
    }
    return false;
  }

  /** Adds to `out` the log offsets of the messages the group's members here have not acknowledged. */
  pending(out: number[]): void {
    for (const member of this.members) member.sharedPending(this.key, out);
  }
}
