// A client's MQTT session: its subscriptions, the QoS 1 messages it has not acknowledged, the QoS 2 packet ids
// awaiting PUBREL and its will. Kept apart from the Connection (the socket) because later sessions outlive
// connections (clean start = false, session expiry) and move between brokers; today a session lives as long as its
// connection.
import type { QoS } from '@robustmq/protocol';
import type { Connection } from './connection.js';
import { withPacketId, type ForwardedProperties, type OutgoingPublish } from './outgoing-publish.js';

/** What is stored per (session, topic filter) in the subscription trie. */
export interface Subscription {
  /** the QoS granted in SUBACK. */
  qos: 0 | 1;
  /** MQTT 5 No Local: do not deliver the session's own messages. */
  noLocal: boolean;
  /** MQTT 5 Retain As Published: keep the RETAIN flag the message was published with. */
  retainAsPublished: boolean;
}

export interface WillMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties: ForwardedProperties | undefined;
}

const MAX_PACKET_ID = 0xffff;

export class Session {
  /** topic filter → subscription, mirrored in the broker's trie so they can be removed when the session ends. */
  readonly subscriptions = new Map<string, Subscription>();
  /** outgoing QoS 1 PUBLISH bytes awaiting PUBACK, by packet id (kept for redelivery once sessions persist). */
  readonly inflight = new Map<number, Buffer>();
  /** incoming QoS 2 packet ids already delivered and answered with PUBREC, until the client's PUBREL. */
  readonly awaitingRelease = new Set<number>();
  will: WillMessage | undefined;
  /** MQTT 5 Receive Maximum of the client: QoS 1 messages in flight at most. */
  receiveMaximum = MAX_PACKET_ID;
  /** MQTT 5 Maximum Packet Size of the client: larger messages are not sent to it. */
  maxPacketSize = Number.POSITIVE_INFINITY;

  /** Scratch fields of Broker.publish, which merges a session's overlapping subscriptions into one delivery without
   * allocating a map per message. Valid only while `matchEpoch` equals the broker's current publish epoch. */
  matchEpoch = 0;
  matchQos: 0 | 1 = 0;
  matchRetain = false;

  private nextPacketId = 1;

  constructor(
    readonly clientId: string,
    readonly cleanStart: boolean,
    readonly connection: Connection,
  ) {}

  /** Sends a message to the client at the given QoS; false when it was dropped (connection closing or too slow,
   * too many in flight, too large for the client). */
  deliver(message: OutgoingPublish, qos: 0 | 1, retain: boolean): boolean {
    const connection = this.connection;
    if (!connection.canAcceptMessage()) return false;
    let bytes = message.bytes(connection.protocolVersion === 5, qos, retain);
    if (bytes.length > this.maxPacketSize) return false;
    if (qos === 1) {
      const packetId = this.allocatePacketId();
      if (packetId === 0) return false;
      bytes = withPacketId(bytes, packetId);
      this.inflight.set(packetId, bytes);
    }
    connection.write(bytes);
    return true;
  }

  /** A free packet id for an outgoing QoS 1 message, or 0 when Receive Maximum (or the id space) is exhausted. */
  private allocatePacketId(): number {
    if (this.inflight.size >= this.receiveMaximum) return 0;
    for (let tries = 0; tries < MAX_PACKET_ID; tries++) {
      const id = this.nextPacketId;
      this.nextPacketId = id === MAX_PACKET_ID ? 1 : id + 1;
      if (!this.inflight.has(id)) return id;
    }
    return 0;
  }
}
