// The broker core: the connected clients by client id, the subscription trie, and routing of a published message
// to every matching session. Protocol conversations live in handlers/; sockets in connection.ts; this file only
// holds the shared state they meet in.
import type { Socket } from 'node:net';
import type { Logger } from '@robustmq/common';
import { Connection } from './connection.js';
import { OutgoingPublish } from './outgoing-publish.js';
import { ReasonCode } from './reason-codes.js';
import type { Session, Subscription } from './session.js';
import { TopicTrie } from './topic-trie.js';

export interface BrokerSettings {
  maxPacketSize: number;
  maxConnections: number;
  keepAliveMax: number;
  defaultKeepAlive: number;
  connectTimeoutMs: number;
  maxClientIdLength: number;
  maxWriteBufferBytes: number;
}

/** Plain counters bumped on the hot path; metrics.ts reads them when Prometheus scrapes. */
export interface BrokerStats {
  connectionsAccepted: number;
  messagesReceived: number;
  messagesSent: number;
  messagesDropped: number;
  bytesReceived: number;
  bytesSent: number;
}

export interface ClientInfo {
  clientId: string;
  protocolVersion: number;
  remoteAddress: string;
  keepAlive: number;
  connectedAt: string;
  subscriptions: number;
}

export class Broker {
  readonly stats: BrokerStats = {
    connectionsAccepted: 0,
    messagesReceived: 0,
    messagesSent: 0,
    messagesDropped: 0,
    bytesReceived: 0,
    bytesSent: 0,
  };
  /** every open socket, connected or still before CONNECT. */
  private readonly connections = new Set<Connection>();
  /** connected clients by client id. */
  private readonly clients = new Map<string, Connection>();
  private readonly trie = new TopicTrie<Session, Subscription>();
  private publishEpoch = 0;

  constructor(
    readonly settings: BrokerSettings,
    readonly logger: Logger,
  ) {}

  get connectionCount(): number {
    return this.connections.size;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get subscriptionCount(): number {
    return this.trie.size;
  }

  hasClient(clientId: string): boolean {
    return this.clients.has(clientId);
  }

  /** Takes a new socket under management. */
  accept(socket: Socket): Connection {
    const connection = new Connection(socket, this, this.logger);
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

  /** Ends a connection's part in the broker: its subscriptions go, and its will is published unless it said
   * DISCONNECT. Idempotent. */
  detach(connection: Connection): void {
    const session = connection.session;
    if (!session) return;
    connection.session = undefined;
    if (this.clients.get(session.clientId) === connection) this.clients.delete(session.clientId);
    for (const filter of session.subscriptions.keys()) this.trie.remove(filter, session);
    session.subscriptions.clear();
    const will = session.will;
    if (will) {
      session.will = undefined;
      this.publish(new OutgoingPublish(will.topic, will.payload, will.qos, will.retain, will.properties));
    }
  }

  /** Adds or replaces a subscription; returns true if the filter is new for the session. */
  subscribe(session: Session, filter: string, subscription: Subscription): boolean {
    session.subscriptions.set(filter, subscription);
    return this.trie.add(filter, session, subscription);
  }

  unsubscribe(session: Session, filter: string): boolean {
    session.subscriptions.delete(filter);
    return this.trie.remove(filter, session);
  }

  /** Delivers a message to every matching session, once per session even when several of its filters match (at the
   * highest of their QoS, MQTT-3.3.4-2 / 5.0 §3.3.4). `from` is the publishing session, for No Local. Returns the
   * number of sessions it went to. */
  publish(message: OutgoingPublish, from?: Session): number {
    const epoch = ++this.publishEpoch;
    const targets: Session[] = [];
    const messageQos = message.qos;
    const messageRetain = message.retain;
    this.trie.match(message.topic, (session, subscription) => {
      if (subscription.noLocal && session === from) return;
      const qos = subscription.qos < messageQos ? subscription.qos : (messageQos as 0 | 1);
      const retain = subscription.retainAsPublished && messageRetain;
      if (session.matchEpoch !== epoch) {
        session.matchEpoch = epoch;
        session.matchQos = qos;
        session.matchRetain = retain;
        targets.push(session);
      } else {
        if (qos > session.matchQos) session.matchQos = qos;
        if (retain) session.matchRetain = true;
      }
    });
    let delivered = 0;
    for (const session of targets) {
      if (session.deliver(message, session.matchQos, session.matchRetain)) delivered++;
    }
    this.stats.messagesSent += delivered;
    return delivered;
  }

  listClients(): ClientInfo[] {
    const list: ClientInfo[] = [];
    for (const [clientId, connection] of this.clients) {
      list.push({
        clientId,
        protocolVersion: connection.protocolVersion,
        remoteAddress: connection.remoteAddress,
        keepAlive: connection.keepAliveSeconds,
        connectedAt: new Date(connection.connectedAt).toISOString(),
        subscriptions: connection.session?.subscriptions.size ?? 0,
      });
    }
    return list;
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
