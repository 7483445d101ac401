// The narrow view of the broker that packet handlers (and the auto-subscribe rules they apply) work through: limits
// and counters, the access and rule checks, the storage calls a conversation waits for, and the broker operations
// a packet can cause. The Broker implements it; handlers never see the Broker itself, its connections or its maps.
import type { Logger } from '@robustmq/common';
import type { AccessControl } from '../auth/access-control.js';
import type { BrokerSettings, BrokerStats } from '../core/broker-settings.js';
import type { OutgoingPublish } from '../packets/outgoing-publish.js';
import type { ClientLimits } from '../limits/client-limits.js';
import type { BrokerRules } from '../rules/broker-rules.js';
import type { Subscription } from '../routing/subscription.js';
import type { Session } from '../session/session.js';
import type { DurableCallback } from '../storage/broker-log.js';
import type { PacketObject, StoredSubscription } from '../storage/session-persistence.js';
import type { Connection } from '../transport/connection.js';

/** The session records handlers write and read (storage/session-persistence.ts implements it). */
export interface HandlerStore {
  addSubscriptions(client: { id: string }, subscriptions: StoredSubscription[]): Promise<unknown>;
  removeSubscriptions(client: { id: string }, topics: string[]): Promise<unknown>;
  retainedMatching(filters: string[]): Iterable<PacketObject>;
  delWill(client: { id: string }): Promise<unknown>;
  hasIncoming(clientId: string, packetId: number): boolean;
  incomingDelPacket(client: { id: string }, packet: PacketObject): Promise<unknown>;
  putReleased(clientId: string, offset: number, packetId: number): Promise<unknown>;
}

export interface HandlerContext {
  readonly settings: BrokerSettings;
  readonly stats: BrokerStats;
  readonly logger: Logger;
  /** authentication, blacklist and ACL; undefined when everyone is allowed (no placement). */
  readonly accessControl: AccessControl | undefined;
  /** topic rewrite and auto-subscribe rules; undefined without placement. */
  readonly rules: BrokerRules | undefined;
  readonly store: HandlerStore;
  /** `[limits]` per client (flapping detection); absent = none. */
  readonly clientLimits: ClientLimits | undefined;
  readonly clientCount: number;
  hasClient(clientId: string): boolean;
  /** Finds or creates the session for an accepted CONNECT and binds the connection to it; settles once the
   * session's records are durable. */
  openSession(
    connection: Connection,
    clientId: string,
    cleanStart: boolean,
    expiry: number,
  ): Promise<{ session: Session; present: boolean }>;
  /** Puts a just-connected session's subscriptions into routing. */
  activate(session: Session): void;
  subscribe(session: Session, filter: string, subscription: Subscription): boolean;
  unsubscribe(session: Session, filter: string): boolean;
  /** Accepts a message (log, retained store, routing); returns the pending retained write, if any. */
  acceptPublish(message: OutgoingPublish, from?: Session): Promise<void> | undefined;
  /** Stores the marker of a persistent session's incoming QoS 2 exchange before `message` is accepted (the log
   * appends it only once the marker is durable; session/incoming-qos2.ts); resolves once the marker is durable. */
  markIncoming(session: Session, packetId: number, message: OutgoingPublish): Promise<void>;
  /** Calls back once an accepted message is durable, or with the error that means it never will be. */
  onStored(message: OutgoingPublish, callback: DurableCallback): void;
  /** Stores a `$delayed/N/topic` message to be published after `delaySeconds`; resolves once it is durable. */
  scheduleDelayed(message: OutgoingPublish, delaySeconds: number): Promise<void>;
}
