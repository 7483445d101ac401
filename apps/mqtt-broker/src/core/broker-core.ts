// The broker core: the connected clients by client id, the sessions (connected, and persistent ones waiting for
// their client), and the way an accepted message goes out — into the message log, into the retained store, and to
// the router, which fans it out to the matching subscribers (routing/router.ts). Its collaborators come in through
// the constructor. It is the context packet handlers work through (handlers/context.ts), the host of every
// connection (transport/connection.ts) and of session lifetimes (session/session-lifecycle.ts); protocol
// conversations live in handlers/, transports in transport/, session lifetimes in session/.
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '@robustmq/common';
import type { Packet } from '@robustmq/protocol';
import type { StorageAdapter } from '@robustmq/storage-adapter';
import type { AccessControl } from '../auth/access-control.js';
import type { PlacementSessions } from '../cluster/placement-sessions.js';
import type { HandlerContext } from '../handlers/context.js';
import { handlePacket } from '../handlers/index.js';
import type { OutgoingPublish } from '../packets/outgoing-publish.js';
import { ReasonCode } from '../packets/reason-codes.js';
import { retainedPacket } from '../packets/retained.js';
import type { ClientLimits } from '../limits/client-limits.js';
import type { BrokerRules } from '../rules/broker-rules.js';
import {
  LocalRouter,
  type Router,
  type SharedGroupCoordinator,
  type SharedGroupInfo,
} from '../routing/router.js';
import type { Subscription } from '../routing/subscription.js';
import type { Session } from '../session/session.js';
import { LogReaders } from '../session/log-readers.js';
import { markIncoming } from '../session/incoming-qos2.js';
import {
  connectionEnded,
  openSession,
  type HandedSession,
  type SessionHost,
} from '../session/session-lifecycle.js';
import type { BrokerLog, DurableCallback } from '../storage/broker-log.js';
import type { SessionPersistence } from '../storage/session-persistence.js';
import { Connection, type ConnectionHost, type Transport } from '../transport/connection.js';
import { TimerWheel } from '../transport/timer-wheel.js';
import { TopicStats } from '../admin/topic-stats.js';
import { newBrokerStats, type BrokerSettings, type BrokerStats } from './broker-settings.js';
import { DelayedPublisher } from './delayed-publish.js';

export type { BrokerSettings, BrokerStats };

export interface ClientInfo {
  clientId: string;
  protocolVersion: number;
  remoteAddress: string;
  transport: Transport;
  keepAlive: number;
  connectedAt: string;
  subscriptions: number;
}

function clientInfo(clientId: string, connection: Connection): ClientInfo {
  return {
    clientId,
    protocolVersion: connection.protocolVersion,
    remoteAddress: connection.remoteAddress,
    transport: connection.transport,
    keepAlive: connection.keepAliveSeconds,
    connectedAt: new Date(connection.connectedAt).toISOString(),
    subscriptions: connection.session?.subscriptionCount ?? 0,
  };
}

/** Where the broker keeps what must survive it. */
export interface BrokerStorage {
  storage: StorageAdapter;
  log: BrokerLog;
  persistence: SessionPersistence;
}

/** The broker's optional collaborators, each present only when its part is configured. */
export interface BrokerCollaborators {
  /** authentication, blacklist and ACL; absent when the broker runs without placement (everyone allowed). */
  accessControl?: AccessControl | undefined;
  /** topic rewrite and auto-subscribe rules from placement; absent without placement (no rules). */
  rules?: BrokerRules | undefined;
  /** persistent sessions mirrored into placement, whose leader fires their delayed wills and expires them; absent
   * without placement. */
  sessionSync?: PlacementSessions | undefined;
  /** asks the broker of the cluster that holds a client's persistent session for it; absent for a lone broker. */
  takeOver?: ((clientId: string) => Promise<HandedSession | undefined>) | undefined;
  /** which broker of the cluster serves a shared subscription group with each message; absent for a lone broker. */
  sharedGroups?: SharedGroupCoordinator | undefined;
  /** where accepted messages are fanned out; a LocalRouter (this broker's subscribers) unless given. */
  router?: Router<Session> | undefined;
  /** `[limits]`: flapping detection and publish rates per client; absent = none. */
  clientLimits?: ClientLimits | undefined;
}

export class Broker implements HandlerContext, ConnectionHost, SessionHost {
  readonly stats: BrokerStats = newBrokerStats();
  /** packets refused for breaking a rule of the spec, by kind (the codec's validation kinds, and 'ack_kind'). */
  readonly protocolViolations = new Map<string, number>();
  readonly startedAt = Date.now();
  readonly topics = new TopicStats();
  /** every session by client id: connected ones, and persistent ones whose client is away. A client id's
   * connection is its session's (`connectionOf`): one map for both, rather than a second map of connections by client
   * id (~50 bytes per connected client in its hash table; issue 16). */
  readonly sessions = new Map<string, Session>();
  readonly storage: StorageAdapter;
  readonly log: BrokerLog;
  readonly persistence: SessionPersistence;
  /** `$delayed/N/topic` messages waiting for their time. */
  readonly delayed: DelayedPublisher;
  readonly accessControl: AccessControl | undefined;
  readonly rules: BrokerRules | undefined;
  readonly sessionSync: PlacementSessions | undefined;
  readonly router: Router<Session>;
  readonly takeOver: ((clientId: string) => Promise<HandedSession | undefined>) | undefined;
  private readonly sharedGroups: SharedGroupCoordinator | undefined;
  readonly clientLimits: ClientLimits | undefined;
  /** the connect timeout and keep-alive of every connection, on one timer. */
  readonly timers: TimerWheel;
  private lastRetainedWrite: Promise<boolean> = Promise.resolve(true);
  private retainedViewFailed = false;
  /** every open socket, connected or still before CONNECT: a list through the connections' own prevOpen/nextOpen
   * fields (a Set would cost ~30 bytes per connection in its hash table). */
  private openHead: Connection | undefined = undefined;
  private openCount = 0;
  /** sessions with a connection attached. */
  private attachedCount = 0;
  /** sessions reading the broker's own log (away, connecting, catching up): a QoS 0 message one of them wants is
   * appended, any other is not (`[mqtt] qos0_log`). */
  private readonly readers = new LogReaders<Session>();

  constructor(
    readonly settings: BrokerSettings,
    readonly logger: Logger,
    stores: BrokerStorage,
    collaborators: BrokerCollaborators = {},
  ) {
    this.storage = stores.storage;
    this.log = stores.log;
    this.persistence = stores.persistence;
    this.accessControl = collaborators.accessControl;
    this.rules = collaborators.rules;
    this.sessionSync = collaborators.sessionSync;
    this.router = collaborators.router ?? new LocalRouter<Session>(this.stats, collaborators.sharedGroups);
    this.takeOver = collaborators.takeOver;
    this.sharedGroups = collaborators.sharedGroups;
    this.clientLimits = collaborators.clientLimits;
    this.delayed = new DelayedPublisher(this);
    this.timers = new TimerWheel((err) => this.logger.error({ err }, 'connection deadline check failed'));
  }

  /** the session records packet handlers read and write. */
  get store(): SessionPersistence {
    return this.persistence;
  }

  handlePacket(connection: Connection, packet: Packet): void {
    handlePacket(this, connection, packet);
  }

  openSession(
    connection: Connection,
    clientId: string,
    cleanStart: boolean,
    expiry: number,
  ): Promise<{ session: Session; present: boolean }> {
    return openSession(this, connection, clientId, cleanStart, expiry);
  }

  markIncoming(session: Session, packetId: number, message: OutgoingPublish): Promise<void> {
    const marked = markIncoming(this.persistence, this.log, session.clientId, packetId, message);
    // (the message is accepted right after this returns: by the time the marker is durable the log knows it)
    session.trackIncoming(
      packetId,
      marked.then(() => this.log.whenStored(message)),
    );
    return marked;
  }

  onStored(message: OutgoingPublish, callback: DurableCallback): void {
    this.log.onStored(message, callback);
  }

  scheduleDelayed(message: OutgoingPublish, delaySeconds: number): Promise<void> {
    return this.delayed.schedule(message, delaySeconds);
  }

  /** Whether publishers must wait: the log has too many accepted messages waiting for storage. */
  publishBacklogged(): boolean {
    return this.log.backlogged;
  }

  onPublishRelief(callback: () => void): void {
    this.log.onRelief(callback);
  }

  /** Counts a packet refused for breaking the spec, for mqtt_protocol_violations_total{kind}. */
  countViolation(kind: string): void {
    this.protocolViolations.set(kind, (this.protocolViolations.get(kind) ?? 0) + 1);
  }

  get connectionCount(): number {
    return this.openCount;
  }

  get clientCount(): number {
    return this.attachedCount;
  }

  /** subscriptions of connected sessions (plain and shared), as routing sees them. */
  get subscriptionCount(): number {
    return this.router.subscriptionCount;
  }

  hasClient(clientId: string): boolean {
    return this.connectionOf(clientId) !== undefined;
  }

  /** The consumer group under which a session's position in the message log is committed. Long client ids are
   * hashed: group names are limited to 255 bytes. */
  sessionGroup(clientId: string): string {
    return Buffer.byteLength(clientId) <= 200
      ? `mqtt/${clientId}`
      : `mqtt#${createHash('sha256').update(clientId).digest('hex')}`;
  }

  readsLog(session: Session, reading: boolean): void {
    if (reading) this.readers.add(session);
    else this.readers.delete(session);
    // recent messages are worth keeping in memory only while some session may read them back
    this.log.holdRecent(this.readers.size > 0);
  }

  /** Sessions that read the message log now (away, connecting or catching up). */
  get logReaderCount(): number {
    return this.readers.size;
  }

  /** Removes a session that has ended (or moved to another broker) from the broker, if it is still the one of its
   * client id. */
  forgetSession(session: Session): void {
    if (this.sessions.get(session.clientId) === session) this.sessions.delete(session.clientId);
    this.readers.delete(session);
    this.log.holdRecent(this.readers.size > 0);
    // a persistent member keeps its shared messages in flight while away (MQTT-4.4.0-1), and a session that
    // unsubscribed from a group keeps those of the group until acknowledged (MQTT-3.10.4-3); when the session ends they
    // are the group's again (MQTT 5 §4.8.2). A clean member's of the groups it is in went as it left them (router).
    this.returnShared(session);
  }

  /** Gives an ending session's unacknowledged shared-group messages back to their groups: in a cluster through the
   * coordinator (a member here or on another broker), alone to another member here. */
  private returnShared(session: Session): void {
    for (const [key, messages] of session.takeSharedUnacknowledged()) {
      if (this.sharedGroups) {
        this.sharedGroups.returned(
          key,
          messages.map((m) => m.share!.offset),
        );
        continue;
      }
      const now = Date.now();
      for (const { message } of messages) {
        // expired meanwhile (MQTT-3.3.2-5): not given
        const forwardable = message?.forwardableAt(now);
        if (forwardable === undefined) continue;
        if (this.router.deliverToGroup(key, forwardable) !== true) {
          this.stats.sharedDropped++;
          this.stats.messagesDropped++;
        }
      }
    }
  }

  sharedAcknowledged(key: string): void {
    this.sharedGroups?.acknowledged(key);
  }

  positionCommitted(clientId: string, offset: number): void {
    this.persistence
      .forgetReleasedBelow(clientId, offset)
      .catch((err: unknown) =>
        this.logger.warn({ err, clientId }, 'could not forget released QoS 2 messages'),
      );
  }

  /** Takes a new connection under management: any duplex byte stream from one of the listeners. `closeReported`:
   * the listener calls `streamClosed(stream)` when the stream closes (the connection adds no 'close' listener). */
  accept(
    stream: Duplex,
    transport: Transport = 'tcp',
    closeReported = false,
    /** the TCP socket under a stream that is not one (WebSocket), for the peer's address. */
    peer?: Socket,
  ): Connection {
    const connection = new Connection(stream, transport, this, closeReported, peer);
    const head = this.openHead;
    connection.nextOpen = head;
    if (head !== undefined) head.prevOpen = connection;
    this.openHead = connection;
    this.openCount++;
    this.stats.connectionsAccepted++;
    return connection;
  }

  connectionClosed(connection: Connection): void {
    const { prevOpen, nextOpen } = connection;
    if (prevOpen === undefined && this.openHead !== connection) return; // not (or no longer) in the list
    if (prevOpen !== undefined) prevOpen.nextOpen = nextOpen;
    else this.openHead = nextOpen;
    if (nextOpen !== undefined) nextOpen.prevOpen = prevOpen;
    connection.prevOpen = undefined;
    connection.nextOpen = undefined;
    this.openCount--;
  }

  /** Makes an accepted CONNECT the client id's current connection: binds it to its session (`connection.session`),
   * whose connection it now is; an older connection of that session is closed first (MQTT-3.1.4-2). */
  attach(connection: Connection): void {
    const session = connection.session!;
    const previous = session.connection as Connection | undefined;
    if (previous === connection) return;
    // closing detaches it from the session (detach below)
    if (previous) previous.close('client id taken over by a new connection', ReasonCode.SESSION_TAKEN_OVER);
    session.bind(connection);
    this.attachedCount++;
  }

  /** The connection now in charge of a client id, if any: its session's. */
  connectionOf(clientId: string): Connection | undefined {
    return this.sessions.get(clientId)?.connection as Connection | undefined;
  }

  /** Ends a connection's part in the broker: its subscriptions leave the trie, its session is kept (persistent) or
   * ended, and its will is published or scheduled. Idempotent. */
  detach(connection: Connection): void {
    const session = connection.session;
    if (!session) return;
    connection.session = undefined;
    if (session.connection === connection) {
      // a persistent session lives on without its connection (MQTT 5 DISCONNECT may have set its expiry to 0 by now)
      const leaving = session.persistent ? 'away' : 'ended';
      for (const [filter, subscription] of session.subscriptionEntries())
        this.router.remove(filter, session, subscription, leaving);
      session.detach();
      this.attachedCount--;
    }
    connectionEnded(this, connection, session);
  }

  /** Puts a session's subscriptions into the trie (its connection is attached). */
  activate(session: Session): void {
    for (const [filter, subscription] of session.subscriptionEntries())
      this.router.add(filter, session, subscription);
  }

  /** Adds or replaces a subscription; returns true if the filter is new for the session. */
  subscribe(session: Session, filter: string, subscription: Subscription): boolean {
    const isNew = !session.subscriptions.has(filter);
    session.subscriptions.set(filter, subscription);
    this.readers.subscribed(session, filter, subscription);
    if (session.connection) this.router.add(filter, session, subscription);
    return isNew;
  }

  unsubscribe(session: Session, filter: string): boolean {
    if (session.subscriptionCount === 0) return false;
    const subscription = session.subscriptions.get(filter);
    if (!subscription) return false;
    session.subscriptions.delete(filter);
    this.readers.unsubscribed(session, filter);
    this.router.remove(filter, session, subscription);
    return true;
  }

  /** Shared subscription groups with their connected member count. */
  listSharedGroups(): SharedGroupInfo[] {
    return this.router.sharedGroups();
  }

  /** Accepts a message: appends it to the message log and, with the broker's own log, stores it as retained if
   * flagged and routes it to online subscribers at once (they do not wait for storage). With the cluster's shared
   * log both happen when the log hands the message back (`fromSharedLog`), on every broker alike. Returns the
   * pending retained-store write, if any; the caller waits for it and for `log.onStored(message)` before
   * acknowledging (QoS 1/2 only). `_from` (the publishing session) is implied by `message.publisher`.
   *
   * With the broker's own log a QoS 0 message goes into it only when a session that reads the log (away, connecting,
   * catching up) has a matching subscription: every other subscriber gets it from routing now, exactly as it would
   * if it were logged, and nobody would read it back (docs/architecture.md "QoS 0 outside the message log"). */
  acceptPublish(message: OutgoingPublish, _from?: Session): Promise<void> | undefined {
    this.topics.record(message.topic, message.timestamp);
    if (this.log.shared) {
      this.log.append(message);
      return undefined;
    }
    if (message.qos > 0 || this.settings.qos0Log === 'always' || this.readers.wants(message.topic))
      this.log.append(message);
    else this.stats.qos0Unlogged++;
    const retainedWrite = message.retain
      ? this.persistence.storeRetained(retainedPacket(message))
      : undefined;
    this.router.route(message);
    return retainedWrite;
  }

  /** A message read from the cluster's shared log (accepted here or on another broker): the retained view follows
   * it, and it goes to this broker's subscribers. */
  fromSharedLog(message: OutgoingPublish): void {
    if (message.retain) this.keepRetained(message);
    this.router.route(message);
  }

  /** The retained view: every broker keeps the retained messages of the shared log in its own state; the log is
   * their durable copy, so a failed write here is repaired by replaying the log at the next start. */
  keepRetained(message: OutgoingPublish): void {
    this.lastRetainedWrite = this.persistence.storeRetained(retainedPacket(message)).then(
      () => true,
      (err: unknown) => {
        this.retainedViewFailed = true;
        this.logger.warn(
          { err, topic: message.topic },
          'retained view not stored; the next start replays it from the log',
        );
        return false;
      },
    );
  }

  /** Resolves once every retained-view write begun so far has settled: false if any failed since start-up. */
  async retainedWritten(): Promise<boolean> {
    await this.lastRetainedWrite;
    return !this.retainedViewFailed;
  }

  /** Commits the log position of every persistent session that is connected (a periodic tick, so a crash replays
   * little that was already delivered). */
  commitSessions(): void {
    for (const session of this.sessions.values()) if (session.connection) session.commit();
  }

  /** Commits every persistent session's position and waits for it (shutdown). */
  async drainCommits(): Promise<void> {
    const commits: Promise<void>[] = [];
    for (const session of this.sessions.values()) {
      if (!session.persistent) continue;
      commits.push(
        session
          .commitNow()
          .catch((err: unknown) =>
            this.logger.warn({ err, clientId: session.clientId }, 'could not commit session position'),
          ),
      );
    }
    await Promise.all(commits);
  }

  listClients(): ClientInfo[] {
    const list: ClientInfo[] = [];
    for (const [clientId, session] of this.sessions)
      if (session.connection) list.push(clientInfo(clientId, session.connection as Connection));
    return list;
  }

  clientInfo(clientId: string): ClientInfo | undefined {
    const connection = this.connectionOf(clientId);
    return connection ? clientInfo(clientId, connection) : undefined;
  }

  /** Disconnects a client on an administrator's request (MQTT 5: DISCONNECT 0x98). False if it is not connected. */
  kick(clientId: string): boolean {
    const connection = this.connectionOf(clientId);
    if (!connection) return false;
    connection.close('disconnected by an administrator', ReasonCode.ADMINISTRATIVE_ACTION);
    return true;
  }

  /** Closes every connection (MQTT 5 clients are told the server is shutting down) and waits until their sockets
   * are gone. */
  async closeAll(): Promise<void> {
    const closed: Promise<void>[] = [];
    const open: Connection[] = [];
    for (let c = this.openHead; c !== undefined; c = c.nextOpen) open.push(c);
    for (const connection of open) {
      closed.push(new Promise((resolve) => connection.socket.once('close', () => resolve())));
      connection.close('broker shutting down', ReasonCode.SERVER_SHUTTING_DOWN);
    }
    await Promise.all(closed);
    this.timers.clear();
  }
}
