// The broker core: the connected clients by client id, the sessions (connected, and persistent ones waiting for
// their client), the subscription tries (plain and shared), and the way a published message goes out — into the
// message log, into the retained store, and to every matching online session and shared group. Protocol
// conversations live in handlers/; transports in listeners.ts and connection.ts; session lifetimes (expiry, wills)
// in session-lifecycle.ts.
import type { AccessControl } from './auth/access-control.js';
import type { BrokerRules } from './rules/broker-rules.js';
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Logger } from '@robustmq/common';
import type { QoS } from '@robustmq/protocol';
import type { StorageAdapter } from '@robustmq/storage-adapter';
import { Connection, type Transport } from './connection.js';
import type { DelayedPublisher } from './delayed-publish.js';
import type { PlacementSessions } from './grpc/placement-sessions.js';
import type { OutgoingPublish } from './outgoing-publish.js';
import { ReasonCode } from './reason-codes.js';
import { retainedPacket } from './retained.js';
import type { Session, Subscription } from './session.js';
import { connectionEnded } from './session-lifecycle.js';
import { SharedGroup } from './shared-subscription.js';
import type { MessageLog } from './storage/message-log.js';
import type { SessionPersistence } from './storage/session-persistence.js';
import { TopicStats } from './topic-stats.js';
import { TopicTrie } from './topic-trie.js';

export interface BrokerSettings {
  maxPacketSize: number;
  maxConnections: number;
  keepAliveMax: number;
  defaultKeepAlive: number;
  connectTimeoutMs: number;
  maxClientIdLength: number;
  maxWriteBufferBytes: number;
  maxInflight: number;
  /** seconds; 0 = no limit. */
  sessionExpiryMax: number;
  topicAliasMax: number;
  receiveMaximum: number;
  maxAwaitingRel: number;
  maxQueuedMessages: number;
  maxTopicLevels: number;
  maxTopicLength: number;
  delayedPublishMaxS: number;
}

/** Plain counters bumped on the hot path; metrics.ts reads them when Prometheus scrapes. */
export interface BrokerStats {
  connectionsAccepted: number;
  messagesReceived: number;
  messagesSent: number;
  messagesDropped: number;
  bytesReceived: number;
  bytesSent: number;
  /** packets not sent because they exceeded a client's Maximum Packet Size. */
  packetsTooLarge: number;
  /** messages published to a shared subscription group no member could take. */
  sharedDropped: number;
}

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
    subscriptions: connection.session?.subscriptions.size ?? 0,
  };
}

/** Where the broker keeps what must survive it. */
export interface BrokerStorage {
  storage: StorageAdapter;
  log: MessageLog;
  persistence: SessionPersistence;
}

export class Broker {
  readonly stats: BrokerStats = {
    connectionsAccepted: 0,
    messagesReceived: 0,
    messagesSent: 0,
    messagesDropped: 0,
    bytesReceived: 0,
    bytesSent: 0,
    packetsTooLarge: 0,
    sharedDropped: 0,
  };
  /** packets refused for breaking a rule of the spec, by kind (validate.ts kinds, plus 'ack_kind' and 'order'). */
  readonly protocolViolations = new Map<string, number>();
  readonly startedAt = Date.now();
  readonly topics = new TopicStats();
  /** every session by client id: connected ones, and persistent ones whose client is away. */
  readonly sessions = new Map<string, Session>();
  readonly storage: StorageAdapter;
  readonly log: MessageLog;
  readonly persistence: SessionPersistence;
  /** `$delayed/N/topic` messages waiting for their time (set at start-up). */
  delayed: DelayedPublisher | undefined;
  /** authentication, blacklist and ACL; undefined when the broker runs without placement (everyone allowed) */
  accessControl: AccessControl | undefined;
  /** topic rewrite and auto-subscribe rules from placement; undefined without placement (no rules) */
  rules: BrokerRules | undefined;
  /** persistent sessions mirrored into placement, whose leader fires their delayed wills and expires them (set at
   * start-up when placement is enabled). */
  sessionSync: PlacementSessions | undefined;
  /** every open socket, connected or still before CONNECT. */
  private readonly connections = new Set<Connection>();
  /** connected clients by client id. */
  private readonly clients = new Map<string, Connection>();
  private readonly trie = new TopicTrie<Session, Subscription>();
  /** shared subscription groups by `<group>/<filter>`, indexed by filter in `sharedTrie`. */
  private readonly groups = new Map<string, SharedGroup>();
  private readonly sharedTrie = new TopicTrie<SharedGroup, SharedGroup>();
  private sharedMembers = 0;
  private publishEpoch = 0;

  constructor(
    readonly settings: BrokerSettings,
    readonly logger: Logger,
    stores: BrokerStorage,
  ) {
    this.storage = stores.storage;
    this.log = stores.log;
    this.persistence = stores.persistence;
  }

  /** Counts a packet refused for breaking the spec, for mqtt_protocol_violations_total{kind}. */
  countViolation(kind: string): void {
    this.protocolViolations.set(kind, (this.protocolViolations.get(kind) ?? 0) + 1);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** subscriptions of connected sessions (plain and shared), as routing sees them. */
  get subscriptionCount(): number {
    return this.trie.size + this.sharedMembers;
  }

  hasClient(clientId: string): boolean {
    return this.clients.has(clientId);
  }

  /** The consumer group under which a session's position in the message log is committed. Long client ids are
   * hashed: group names are limited to 255 bytes. */
  sessionGroup(clientId: string): string {
    return Buffer.byteLength(clientId) <= 200
      ? `mqtt/${clientId}`
      : `mqtt#${createHash('sha256').update(clientId).digest('hex')}`;
  }

  /** Takes a new connection under management: any duplex byte stream from one of the listeners. */
  accept(stream: Duplex, remoteAddress: string, transport: Transport = 'tcp'): Connection {
    const connection = new Connection(stream, remoteAddress, transport, this, this.logger);
    this.connections.add(connection);
    this.stats.connectionsAccepted++;
    return connection;
  }

  connectionClosed(connection: Connection): void {
    this.connections.delete(connection);
  }

  /** Makes an accepted CONNECT the client id's current connection; an older connection with the same id is closed
   * (MQTT-3.1.4-2). */
  attach(connection: Connection): void {
    const clientId = connection.session!.clientId;
    const previous = this.clients.get(clientId);
    this.clients.set(clientId, connection);
    if (previous && previous !== connection) {
      previous.close('client id taken over by a new connection', ReasonCode.SESSION_TAKEN_OVER);
    }
  }

  /** The connection now in charge of a client id, if any. */
  connectionOf(clientId: string): Connection | undefined {
    return this.clients.get(clientId);
  }

  /** Ends a connection's part in the broker: its subscriptions leave the trie, its session is kept (persistent) or
   * ended, and its will is published or scheduled. Idempotent. */
  detach(connection: Connection): void {
    const session = connection.session;
    if (!session) return;
    connection.session = undefined;
    if (this.clients.get(session.clientId) === connection) this.clients.delete(session.clientId);
    if (session.connection === connection) {
      for (const [filter, subscription] of session.subscriptions) this.unindex(filter, session, subscription);
      session.detach();
    }
    connectionEnded(this, connection, session);
  }

  /** Puts a session's subscriptions into the trie (its connection is attached). */
  activate(session: Session): void {
    for (const [filter, subscription] of session.subscriptions) this.index(filter, session, subscription);
  }

  /** Adds or replaces a subscription; returns true if the filter is new for the session. */
  subscribe(session: Session, filter: string, subscription: Subscription): boolean {
    const isNew = !session.subscriptions.has(filter);
    session.subscriptions.set(filter, subscription);
    if (session.connection) this.index(filter, session, subscription);
    return isNew;
  }

  unsubscribe(session: Session, filter: string): boolean {
    const subscription = session.subscriptions.get(filter);
    if (!subscription) return false;
    session.subscriptions.delete(filter);
    this.unindex(filter, session, subscription);
    return true;
  }

  /** Shared subscription groups with their connected member count. */
  listSharedGroups(): { group: string; filter: string; members: number }[] {
    return [...this.groups.values()].map((g) => ({ group: g.group, filter: g.filter, members: g.size }));
  }

  /** Puts one subscription of a connected session into routing. `filter` is the session's key for it. */
  private index(filter: string, session: Session, subscription: Subscription): void {
    if (subscription.share === undefined) {
      this.trie.add(filter, session, subscription);
      return;
    }
    const inner = subscription.levels.join('/');
    const key = `${subscription.share}/${inner}`;
    let group = this.groups.get(key);
    if (!group) {
      group = new SharedGroup(subscription.share, inner);
      this.groups.set(key, group);
      this.sharedTrie.add(inner, group, group);
    }
    const before = group.size;
    group.add(session, subscription);
    this.sharedMembers += group.size - before;
  }

  private unindex(filter: string, session: Session, subscription: Subscription): void {
    if (subscription.share === undefined) {
      this.trie.remove(filter, session);
      return;
    }
    const inner = subscription.levels.join('/');
    const key = `${subscription.share}/${inner}`;
    const group = this.groups.get(key);
    if (!group?.remove(session)) return;
    this.sharedMembers--;
    if (group.size === 0) {
      this.groups.delete(key);
      this.sharedTrie.remove(inner, group);
    }
  }

  /** Accepts a message: appends it to the message log, stores it as retained if flagged, and routes it to online
   * subscribers at once (they do not wait for storage). Returns the pending retained-store write, if any; the
   * caller waits for it and for `log.onDurable(message.offset)` before acknowledging. */
  acceptPublish(message: OutgoingPublish, from?: Session): Promise<void> | undefined {
    this.log.append(message);
    this.topics.record(message.topic, message.timestamp);
    const retainedWrite = message.retain ? this.persistence.storeRetained(retainedPacket(message)) : undefined;
    this.publish(message, from);
    return retainedWrite;
  }

  /** Delivers a message to every matching online session, once per session even when several of its filters
   * match (at the highest of their QoS, MQTT-3.3.4-2 / 5.0 §3.3.4). `from` is the publishing session, for No
   * Local. Returns the number of sessions it went to. */
  publish(message: OutgoingPublish, from?: Session): number {
    const epoch = ++this.publishEpoch;
    const targets: Session[] = [];
    const messageQos = message.qos;
    const messageRetain = message.retain;
    this.trie.match(message.topic, (session, subscription) => {
      if (subscription.noLocal && session === from) return;
      const qos: QoS = subscription.qos < messageQos ? subscription.qos : messageQos;
      const retain = subscription.retainAsPublished && messageRetain;
      const id = subscription.identifier;
      if (session.matchEpoch !== epoch) {
        session.matchEpoch = epoch;
        session.matchQos = qos;
        session.matchRetain = retain;
        session.matchIds = id === undefined ? undefined : [id];
        targets.push(session);
      } else {
        if (qos > session.matchQos) session.matchQos = qos;
        if (retain) session.matchRetain = true;
        // every matching subscription's identifier goes with the one copy (MQTT-3.3.4-3/-5)
        if (id !== undefined) (session.matchIds ??= []).push(id);
      }
    });
    let delivered = 0;
    for (const session of targets) {
      if (session.deliver(message, session.matchQos, session.matchRetain, session.matchIds)) delivered++;
    }
    if (this.groups.size > 0) {
      this.sharedTrie.match(message.topic, (group) => {
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
        session.commitNow().catch((err: unknown) => this.logger.warn({ err, clientId: session.clientId }, 'could not commit session position')),
      );
    }
    await Promise.all(commits);
  }

  listClients(): ClientInfo[] {
    const list: ClientInfo[] = [];
    for (const [clientId, connection] of this.clients) list.push(clientInfo(clientId, connection));
    return list;
  }

  clientInfo(clientId: string): ClientInfo | undefined {
    const connection = this.clients.get(clientId);
    return connection ? clientInfo(clientId, connection) : undefined;
  }

  /** Disconnects a client on an administrator's request (MQTT 5: DISCONNECT 0x98). False if it is not connected. */
  kick(clientId: string): boolean {
    const connection = this.clients.get(clientId);
    if (!connection) return false;
    connection.close('disconnected by an administrator', ReasonCode.ADMINISTRATIVE_ACTION);
    return true;
  }

  /** Closes every connection (MQTT 5 clients are told the server is shutting down) and waits until their sockets
   * are gone. */
  async closeAll(): Promise<void> {
    const closed: Promise<void>[] = [];
    for (const connection of this.connections) {
      closed.push(new Promise((resolve) => connection.socket.once('close', () => resolve())));
      connection.close('broker shutting down', ReasonCode.SERVER_SHUTTING_DOWN);
    }
    await Promise.all(closed);
  }
}

