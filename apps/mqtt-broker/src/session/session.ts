// A client's MQTT session: its subscriptions, the QoS 1/2 messages it has not acknowledged, the QoS 2 packet ids
// awaiting PUBREL, and its place in the message log. A session outlives its connection when it is persistent
// (clean session 0 / session expiry > 0) and is then resumed by the next connection with its client id.
//
// Delivery has two modes. Live: the broker routes each message to the session as it is published. Catching up:
// the session reads the message log from `position`, matching records against its own subscriptions, until it
// reaches the end of the log and goes live again — all synchronously at the end, so no message falls in between.
// A session catches up after a reconnect (from where it was) and whenever its in-flight window or socket is full
// (from the message it could not take), so a slow or offline subscriber loses no QoS 1/2 message and the broker
// never buffers them per session in memory. The recent end of the log is in memory (the log's, shared by every
// session: storage/message-log.ts), so a session only a little behind reads no storage.
import type { MqttVersion, QoS } from '@robustmq/protocol';
import { StorageError } from '@robustmq/storage-adapter';
import type { Logger } from '@robustmq/common';
import type { BrokerSettings, BrokerStats } from '../core/broker-settings.js';
import type { Subscription } from '../routing/subscription.js';
import type { SharedInflight } from '../routing/shared-subscription.js';
import type { BrokerLog } from '../storage/broker-log.js';
import type { OutboundAliases } from '../transport/topic-alias.js';
import { PUBREL, ackPacket } from '../packets/fixed-packets.js';
import {
  withDup,
  withPacketId,
  type ForwardedProperties,
  type OutgoingPublish,
} from '../packets/outgoing-publish.js';
import { recordToMessage } from '../storage/message-record.js';
import { CatchUpReader } from './catch-up-reader.js';
import { filterMatches } from '../routing/topic-match.js';

export type { Subscription };

/** What a session needs of the broker it lives in. */
export interface SessionEnv {
  readonly settings: BrokerSettings;
  readonly stats: BrokerStats;
  readonly logger: Logger;
  readonly log: BrokerLog;
  /** the consumer group under which a session's position in the message log is committed. */
  sessionGroup(clientId: string): string;
  /** The session's position was committed at `offset`: released QoS 2 records below it are no longer needed. */
  positionCommitted(clientId: string, offset: number): void;
  /** A message this session got as a member of shared group `key` was acknowledged (cluster: the group's position). */
  sharedAcknowledged(key: string): void;
  /** The session reads the message log from now on (`true`: it is away, connecting or catching up), or gets its
   * messages from routing again (`false`) — a QoS 0 message a reader wants must go into the log (log-readers.ts). */
  readsLog(session: Session, reading: boolean): void;
}

/** What a session needs of the connection of its client (transport/connection.ts). */
export interface SessionLink {
  readonly protocolVersion: MqttVersion;
  readonly clientReceiveMaximum: number;
  readonly clientMaxPacketSize: number;
  readonly outboundAliases: OutboundAliases | undefined;
  readonly isClosing: boolean;
  readonly congested: boolean;
  canAcceptMessage(): boolean;
  write(bytes: Buffer): void;
  waitForDrain(): Promise<void>;
  close(why: string, v5ReasonCode?: number): void;
}

export interface WillMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties: ForwardedProperties | undefined;
  /** MQTT 5 Will Delay Interval, seconds. */
  delay: number;
}

/** An outgoing QoS 1/2 message the client has not finished acknowledging. */
export interface InflightMessage {
  packetId: number;
  /** its offset in the message log; -1 for a retained message sent on subscribe (not part of the log position). */
  offset: number;
  qos: 1 | 2;
  /** the message and how it was sent, to send it again with DUP after a reconnect — encoded again, because the new
   * connection may speak another version and has none of the old one's topic aliases. Undefined only for a released
   * QoS 2 message restored from storage (only PUBREL is ever sent again for it). */
  message: OutgoingPublish | undefined;
  retain: boolean;
  ids: number[] | undefined;
  /** QoS 2: PUBREC arrived and PUBREL was sent; a resend is then PUBREL, never the PUBLISH again. */
  released: boolean;
  /** sent as the chosen member of a shared group (`offset` is then -1: not part of the session's position): the
   * group's key and the message's log offset, which the group's position in the log is held at until acknowledged. */
  share?: { key: string; offset: number };
}

const MAX_PACKET_ID = 0xffff;
/** pauses between attempts when reading the log fails (a journal server died, leadership moving, placement
 * electing): from the first to the longest, doubling. */
const READ_RETRY_FIRST_MS = 100;
const READ_RETRY_MAX_MS = 2_000;
/** session expiry value meaning "never" (MQTT 5 0xFFFFFFFF, or a 3.x persistent session without a configured max). */
export const NEVER_EXPIRES = -1;

/** What an empty collection of a session reads as before it exists: most sessions of a large fleet never need some
 * of them (a publisher has no subscriptions, a QoS 0 client nothing in flight), so they are made on first write. */
const NO_INFLIGHT: ReadonlyMap<number, InflightMessage> = new Map();

/** Session flags, in one small integer rather than a field each (issue 16: a broker holds one session per client). */
const LIVE = 1;
const READING = 2;
const COMMITTING = 4;
const COMMIT_AGAIN = 8;
/** set for `positionCommitIntervalMs` after a commit starts: a commit asked for meanwhile waits for it. */
const COMMIT_HELD = 16;
/** the broker was last told that this session reads the log (not live, or no connection). */
const READER = 32;

/** setTimeout's callback for a session's commit interval (one function for every session, no closure each). */
function releaseCommit(session: Session): void {
  session.commitReleased();
}

/** What only some sessions need (QoS 2 exchanges, a will or expiry waiting, retained messages waiting for room),
 * made on a session's first need of any of it. */
class SessionExtras {
  /** incoming QoS 2 packet ids already delivered and answered with PUBREC, until the client's PUBREL. */
  awaiting: Set<number> | undefined = undefined;
  pendingWill: WillMessage | undefined = undefined;
  willTimer: NodeJS.Timeout | undefined = undefined;
  expiryTimer: NodeJS.Timeout | undefined = undefined;
  /** incoming QoS 2 exchanges whose marker or append is still being written (a handover waits for them). */
  incomingWrites: Set<Promise<void>> | undefined = undefined;
  /** log offsets of released QoS 2 messages restored from storage: never sent again (they are in `inflight`). */
  releasedOffsets: Set<number> | undefined = undefined;
  /** retained messages (sent on subscribe) waiting for room in the in-flight window; undefined while none wait. */
  retainedBacklog: { message: OutgoingPublish; qos: QoS; ids: number[] | undefined }[] | undefined =
    undefined;
  /** reading storage while far behind in the log; dropped once the session reaches the part held in memory. */
  catchUp: CatchUpReader | undefined = undefined;
}

export class Session {
  private subs: Map<string, Subscription> | undefined = undefined;
  private outgoing: Map<number, InflightMessage> | undefined = undefined;
  connection: SessionLink | undefined = undefined;
  /** session expiry interval in seconds: 0 ends the session with its connection, NEVER_EXPIRES never. */
  expiry = 0;
  /** the next log offset to read while catching up. */
  position: number;
  private nextPacketId = 1;
  private committed = -1;
  /** LIVE | READING | COMMITTING | COMMIT_AGAIN; LIVE: messages arrive from routing, else catching up from the log at
   * `position`. */
  private flags = LIVE;
  private extra: SessionExtras | undefined = undefined;

  constructor(
    readonly clientId: string,
    private readonly broker: SessionEnv,
  ) {
    this.position = broker.log.nextOffset;
    this.noteReading();
  }

  /** Tells the broker when the session starts or stops reading the log (it is a reader unless live and connected). */
  private noteReading(): void {
    const reading = (this.flags & LIVE) === 0 || this.connection === undefined;
    if (reading === ((this.flags & READER) !== 0)) return;
    this.flags = reading ? this.flags | READER : this.flags & ~READER;
    this.broker.readsLog(this, reading);
  }

  private extras(): SessionExtras {
    return (this.extra ??= new SessionExtras());
  }

  private get live(): boolean {
    return (this.flags & LIVE) !== 0;
  }

  private set live(on: boolean) {
    this.flags = on ? this.flags | LIVE : this.flags & ~LIVE;
  }

  private get reading(): boolean {
    return (this.flags & READING) !== 0;
  }

  private set reading(on: boolean) {
    this.flags = on ? this.flags | READING : this.flags & ~READING;
  }

  private get committing(): boolean {
    return (this.flags & COMMITTING) !== 0;
  }

  private set committing(on: boolean) {
    this.flags = on ? this.flags | COMMITTING : this.flags & ~COMMITTING;
  }

  private get commitAgain(): boolean {
    return (this.flags & COMMIT_AGAIN) !== 0;
  }

  private set commitAgain(on: boolean) {
    this.flags = on ? this.flags | COMMIT_AGAIN : this.flags & ~COMMIT_AGAIN;
  }

  private get commitHeld(): boolean {
    return (this.flags & COMMIT_HELD) !== 0;
  }

  private set commitHeld(on: boolean) {
    this.flags = on ? this.flags | COMMIT_HELD : this.flags & ~COMMIT_HELD;
  }

  /** the will of the last connection, waiting for its delay or the end of the session. */
  get pendingWill(): WillMessage | undefined {
    return this.extra?.pendingWill;
  }

  set pendingWill(will: WillMessage | undefined) {
    if (will !== undefined || this.extra !== undefined) this.extras().pendingWill = will;
  }

  get willTimer(): NodeJS.Timeout | undefined {
    return this.extra?.willTimer;
  }

  set willTimer(timer: NodeJS.Timeout | undefined) {
    if (timer !== undefined || this.extra !== undefined) this.extras().willTimer = timer;
  }

  get expiryTimer(): NodeJS.Timeout | undefined {
    return this.extra?.expiryTimer;
  }

  set expiryTimer(timer: NodeJS.Timeout | undefined) {
    if (timer !== undefined || this.extra !== undefined) this.extras().expiryTimer = timer;
  }

  private get releasedOffsets(): Set<number> | undefined {
    return this.extra?.releasedOffsets;
  }

  private set releasedOffsets(offsets: Set<number> | undefined) {
    if (offsets !== undefined || this.extra !== undefined) this.extras().releasedOffsets = offsets;
  }

  private get retainedBacklog(): SessionExtras['retainedBacklog'] {
    return this.extra?.retainedBacklog;
  }

  private set retainedBacklog(backlog: SessionExtras['retainedBacklog']) {
    if (backlog !== undefined || this.extra !== undefined) this.extras().retainedBacklog = backlog;
  }

  get persistent(): boolean {
    return this.expiry !== 0;
  }

  /** topic filter → subscription, mirrored in the broker's trie while a connection is attached. */
  get subscriptions(): Map<string, Subscription> {
    return (this.subs ??= new Map());
  }

  /** outgoing QoS 1/2 messages by packet id, in the order they were sent (= log order). */
  get inflight(): Map<number, InflightMessage> {
    return (this.outgoing ??= new Map());
  }

  /** incoming QoS 2 packet ids already delivered and answered with PUBREC, until the client's PUBREL. */
  get awaitingRelease(): Set<number> {
    const extras = this.extras();
    return (extras.awaiting ??= new Set());
  }

  get subscriptionCount(): number {
    return this.subs?.size ?? 0;
  }

  get inflightCount(): number {
    return this.outgoing?.size ?? 0;
  }

  get awaitingReleaseCount(): number {
    return this.extra?.awaiting?.size ?? 0;
  }

  /** The subscriptions, without making the map when there are none. */
  subscriptionEntries(): Iterable<[string, Subscription]> {
    return this.subs ?? [];
  }

  /** The in-flight messages, without making the map when there are none. */
  private inflightMessages(): Iterable<InflightMessage> {
    return (this.outgoing ?? NO_INFLIGHT).values();
  }

  /** QoS 1/2 messages in flight at most: ours, or the client's Receive Maximum (MQTT-3.3.4-9). */
  private windowOf(connection: SessionLink): number {
    const max = this.broker.settings.maxInflight;
    return connection.clientReceiveMaximum < max ? connection.clientReceiveMaximum : max;
  }

  /** Live delivery from Broker.publish. False when the message was not sent now (it may still be, from the log). */
  deliver(message: OutgoingPublish, qos: QoS, retain: boolean, ids?: number[]): boolean {
    if (!this.live) return false;
    const released = this.releasedOffsets;
    if (released !== undefined && released.has(message.offset)) return true;
    const connection = this.connection!;
    if (qos === 0) {
      if (!connection.canAcceptMessage()) return false;
      return this.send(connection, message, 0, retain, message.offset, ids);
    }
    if (this.inflightCount >= this.windowOf(connection) || connection.congested) {
      if (message.offset < 0) return false; // not in the log: nothing to catch up from
      this.catchUpFrom(message.offset);
      return false;
    }
    return this.send(connection, message, qos, retain, message.offset, ids);
  }

  /** Delivery to this session as the chosen member of a shared subscription group: only if it can take the message
   * right now — the log cannot give it back later, because reading the log never matches shared subscriptions. */
  deliverShared(
    message: OutgoingPublish,
    qos: QoS,
    retain: boolean,
    ids: number[] | undefined,
    key: string,
  ): boolean {
    const connection = this.connection;
    if (!this.live || !connection || connection.isClosing || connection.congested) return false;
    if (qos > 0 && this.inflightCount >= this.windowOf(connection)) return false;
    return this.send(
      connection,
      message,
      qos,
      retain,
      -1,
      ids,
      message.offset >= 0 ? { key, offset: message.offset } : undefined,
    );
  }

  takeShared(key: string, out: SharedInflight[]): void {
    const outgoing = this.outgoing;
    if (outgoing === undefined) return;
    for (const [packetId, message] of outgoing) {
      const share = message.share;
      if (share === undefined || share.key !== key || message.released) continue;
      outgoing.delete(packetId);
      out.push({ offset: share.offset, message: message.message });
    }
  }

  sharedPending(key: string, out: number[]): void {
    for (const message of this.inflightMessages()) {
      const share = message.share;
      // a released QoS 2 message: its receiver has it, another member must not get it too
      if (share !== undefined && share.key === key && !message.released) out.push(share.offset);
    }
  }

  /** Takes out of the window the messages this session got as a member of shared groups and has not acknowledged
   * (not a released QoS 2 message: its receiver has it), by group: the session is ending and they go back to their
   * groups. */
  takeSharedUnacknowledged(): Map<string, InflightMessage[]> {
    const out = new Map<string, InflightMessage[]>();
    const outgoing = this.outgoing;
    if (outgoing === undefined) return out;
    for (const [packetId, message] of outgoing) {
      const share = message.share;
      if (share === undefined || message.released) continue;
      outgoing.delete(packetId);
      const list = out.get(share.key);
      if (list) list.push(message);
      else out.set(share.key, [message]);
    }
    return out;
  }

  /** A retained message for a new subscription: sent now, or as soon as the in-flight window has room. */
  deliverRetained(message: OutgoingPublish, qos: QoS, ids: number[] | undefined): void {
    const connection = this.connection;
    if (!connection) return;
    if (qos > 0 && (this.inflightCount >= this.windowOf(connection) || this.retainedBacklog !== undefined)) {
      (this.retainedBacklog ??= []).push({ message, qos, ids });
      return;
    }
    if (this.send(connection, message, qos, true, -1, ids)) this.broker.stats.messagesSent++;
  }

  /** Binds a connection that is completing CONNECT; nothing is sent to it until `resume()` (after CONNACK). */
  bind(connection: SessionLink): void {
    this.connection = connection;
    if (this.live) {
      this.live = false;
      this.position = this.broker.log.nextOffset;
    }
    this.noteReading();
  }

  /** After CONNACK: unfinished messages are sent again (PUBLISH with DUP, or PUBREL), then the log catches the
   * session up from where it was and it goes live. */
  resume(): void {
    const connection = this.connection;
    if (!connection) return;
    for (const message of this.inflightMessages()) {
      if (message.released) {
        connection.write(ackPacket(PUBREL, message.packetId));
        continue;
      }
      if (!message.message) continue;
      const bytes = this.encode(connection, message.message, message.qos, message.retain, message.ids, false);
      if (bytes) connection.write(withDup(withPacketId(bytes, message.packetId)));
    }
    void this.readLog();
  }

  /** The connection is gone; the session keeps its place (everything routed so far was considered). */
  detach(): void {
    this.connection = undefined;
    if (this.live) {
      this.live = false;
      this.position = this.broker.log.nextOffset;
    }
    this.noteReading();
    this.retainedBacklog = undefined;
    // what was read ahead for this connection is not held while the client is away
    if (this.extra !== undefined) this.extra.catchUp = undefined;
  }

  /** PUBACK, PUBCOMP, or a failed PUBREC: the message leaves the window. */
  finish(packetId: number): boolean {
    const message = this.outgoing?.get(packetId);
    if (message === undefined) return false;
    this.outgoing!.delete(packetId);
    if (message.share !== undefined) this.broker.sharedAcknowledged(message.share.key);
    this.windowOpened();
    return true;
  }

  /** PUBREC for an outgoing QoS 2 message: answer PUBREL and remember it was released. */
  release(packetId: number): boolean {
    const message = this.outgoing?.get(packetId);
    if (!message || message.qos !== 2) return false;
    message.released = true;
    return true;
  }

  /** Durably records the session's position in the log: the oldest unacknowledged message, or everything it has
   * considered. One commit at a time, at least `positionCommitIntervalMs` apart; a change meanwhile is committed
   * after that (a position is one placement write in a cluster: a subscriber acknowledging thousands of messages a
   * second must not make as many). Only persistent sessions. */
  commit(): void {
    if (!this.persistent) return;
    if (this.committing || this.commitHeld) {
      this.commitAgain = true;
      return;
    }
    const point = this.commitPoint();
    if (point <= this.committed || point < 0) return;
    this.committing = true;
    const interval = this.broker.settings.positionCommitIntervalMs;
    if (interval > 0) {
      this.commitHeld = true;
      setTimeout(releaseCommit, interval, this).unref();
    }
    const done = (): void => {
      this.committing = false;
      if (this.commitAgain && !this.commitHeld) {
        this.commitAgain = false;
        this.commit();
      }
    };
    this.broker.log.onDurable(point - 1, (err) => {
      if (err) return done();
      this.broker.stats.positionCommits++;
      this.broker.log.commitPosition(this.broker.sessionGroup(this.clientId), point).then(
        () => {
          if (point > this.committed) this.committed = point;
          this.broker.positionCommitted(this.clientId, point);
          done();
        },
        (commitErr: unknown) => {
          this.broker.logger.warn(
            { err: commitErr, clientId: this.clientId },
            'could not commit session position',
          );
          done();
        },
      );
    });
  }

  /** The interval after a commit has passed: a commit asked for meanwhile goes now (if none is in flight). */
  commitReleased(): void {
    this.commitHeld = false;
    if (this.commitAgain && !this.committing) {
      this.commitAgain = false;
      this.commit();
    }
  }

  /** Commits and resolves once this position is durable (a new session must not inherit an old one's offset). */
  async commitNow(): Promise<void> {
    const point = this.commitPoint();
    await this.broker.log.whenDurable(point - 1);
    await this.broker.log.commitPosition(this.broker.sessionGroup(this.clientId), point);
    this.committed = point;
  }

  /** An incoming QoS 2 exchange's writes (marker, append): if they fail, its packet id no longer awaits PUBREL. */
  trackIncoming(packetId: number, writes: Promise<unknown>): void {
    const tracked = writes.then(
      () => undefined,
      () => {
        this.awaitingRelease.delete(packetId);
      },
    );
    const extras = this.extras();
    const pending = (extras.incomingWrites ??= new Set());
    pending.add(tracked);
    void tracked.then(() => pending.delete(tracked));
  }

  /** Resolves once every incoming QoS 2 exchange begun so far is stored or failed: `awaitingRelease` is then exact. */
  async incomingSettled(): Promise<void> {
    const writes = this.extra?.incomingWrites;
    while (writes !== undefined && writes.size > 0) await Promise.all([...writes]);
  }

  /** Restores QoS 2 messages the client had answered with PUBREC (`[offset, packet id]`): they are in flight as
   * released (PUBREL is sent again at resume), and the log reader skips their offsets. */
  restoreReleased(released: [number, number][]): void {
    for (const [offset, packetId] of released) {
      if (offset < this.position || this.inflight.has(packetId)) continue;
      this.inflight.set(packetId, {
        packetId,
        offset,
        qos: 2,
        message: undefined,
        retain: false,
        ids: undefined,
        released: true,
      });
      (this.releasedOffsets ??= new Set()).add(offset);
    }
  }

  /** Restores the committed position after a restart. */
  restorePosition(offset: number): void {
    this.position = offset;
    this.committed = offset;
    this.live = false;
    this.noteReading();
  }

  private commitPoint(): number {
    for (const message of this.inflightMessages()) if (message.offset >= 0) return message.offset;
    return this.live && this.connection ? this.broker.log.nextOffset : this.position;
  }

  private windowOpened(): void {
    const connection = this.connection;
    if (!connection) return;
    const backlog = this.retainedBacklog;
    while (backlog !== undefined && backlog.length > 0 && this.inflightCount < this.windowOf(connection)) {
      const { message, qos, ids } = backlog.shift()!;
      if (this.send(connection, message, qos, true, -1, ids)) this.broker.stats.messagesSent++;
    }
    if (backlog !== undefined && backlog.length === 0 && this.retainedBacklog === backlog)
      this.retainedBacklog = undefined;
    if (!this.live) void this.readLog();
  }

  private catchUpFrom(offset: number): void {
    this.live = false;
    this.position = offset;
    this.noteReading();
    void this.readLog();
  }

  /** Reads the log from `position` while there is room, until it reaches the end and the session goes live. */
  private async readLog(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    let retryMs = 0;
    try {
      const log = this.broker.log;
      while (this.connection && !this.live) {
        const connection = this.connection;
        if (this.inflightCount >= this.windowOf(connection) || this.retainedBacklog !== undefined) return; // an ack resumes us
        if (connection.congested) {
          await connection.waitForDrain();
          continue;
        }
        if (log.failed) return;
        if (this.position >= log.memoryOffset) {
          if (this.extra !== undefined) this.extra.catchUp = undefined;
          // the rest is held in memory (recently routed; perhaps not durable yet): finish in this turn and go live
          while (this.position < log.nextOffset) {
            // no message at an offset whose append failed: nothing to send there
            const message = log.tailAt(this.position);
            if (message && !this.consider(connection, message)) return;
            this.position++;
          }
          this.live = true;
          this.noteReading();
          return;
        }
        let records;
        const reader = (this.extras().catchUp ??= new CatchUpReader(log, this.broker.stats));
        try {
          records = await reader.read(this.position);
        } catch (err) {
          if (err instanceof StorageError && err.code === 'OFFSET_OUT_OF_RANGE') {
            // retention removed what this session had not read: continue with the oldest message left
            this.position = Math.max(this.position, await log.startOffset());
            continue;
          }
          // the log is still there, the way to it is not (a journal server died, its segment's leadership is moving,
          // placement is electing): read again after a pause, keeping the connection — closing it would only send
          // the client to reconnect and read the same log again (every session of a broker at once)
          retryMs = retryMs === 0 ? READ_RETRY_FIRST_MS : Math.min(READ_RETRY_MAX_MS, retryMs * 2);
          if (retryMs === READ_RETRY_FIRST_MS)
            this.broker.logger.warn(
              { err, clientId: this.clientId, offset: this.position },
              'reading the message log failed; retrying',
            );
          this.broker.stats.logReadRetries++;
          await new Promise((resolve) => setTimeout(resolve, retryMs));
          continue;
        }
        retryMs = 0;
        for (let i = 0; i < records.length; i++) {
          const record = records[i]!;
          const current = this.connection;
          if (!current || record.offset !== this.position) break;
          const message = recordToMessage(record);
          if (message && !this.consider(current, message)) {
            // no room: the rest of the batch waits here for the next acknowledgement
            reader.keep(records, i);
            break;
          }
          this.position++;
        }
      }
    } finally {
      this.reading = false;
    }
  }

  /** Sends a message read from the log if it matches; false when there is no room for it now (try again later). */
  private consider(connection: SessionLink, message: OutgoingPublish): boolean {
    // released before a crash or takeover: its PUBREL was sent again instead
    const released = this.releasedOffsets;
    if (released !== undefined && released.delete(message.offset)) {
      if (released.size === 0) this.releasedOffsets = undefined;
      return true;
    }
    let qos = -1;
    let retain = false;
    let ids: number[] | undefined;
    const messageQos = message.qos;
    const subs = this.subs;
    if (subs === undefined) return true;
    for (const sub of subs.values()) {
      // shared subscriptions are served by routing only: a member reading the log would take every message
      if (sub.share !== undefined) continue;
      if (qos >= sub.qos && qos >= messageQos && sub.identifier === undefined) continue;
      if (sub.noLocal && message.publisher === this.clientId) continue;
      if (!filterMatches(sub.levels, message.topic)) continue;
      const granted = sub.qos < messageQos ? sub.qos : messageQos;
      if (granted > qos) qos = granted;
      if (sub.retainAsPublished && message.retain) retain = true;
      if (sub.identifier !== undefined) (ids ??= []).push(sub.identifier);
    }
    if (qos < 0) return true;
    if (qos === 0 && this.broker.log.nextOffset - this.position > this.broker.settings.maxQueuedMessages) {
      // too far behind: QoS 0 is what a session loses first (QoS 1/2 stay in the log)
      this.broker.stats.messagesDropped++;
      return true;
    }
    if (connection.congested) return false;
    if (qos > 0 && this.inflightCount >= this.windowOf(connection)) return false;
    const forwardable = message.forwardableAt(Date.now());
    if (!forwardable) return true; // expired while waiting (MQTT-3.3.2-5)
    if (this.send(connection, forwardable, qos as QoS, retain, message.offset, ids))
      this.broker.stats.messagesSent++;
    return true;
  }

  /** The PUBLISH bytes for this client (QoS > 0 with a placeholder packet id), or undefined when they exceed its
   * Maximum Packet Size. `useAlias` assigns or uses a topic alias when the client accepts them. */
  private encode(
    connection: SessionLink,
    message: OutgoingPublish,
    qos: QoS,
    retain: boolean,
    ids: number[] | undefined,
    useAlias: boolean,
  ): Buffer | undefined {
    if (connection.protocolVersion !== 5) return message.bytes(false, qos, retain);
    const aliases = useAlias ? connection.outboundAliases : undefined;
    let bytes: Buffer;
    if (aliases) {
      const known = aliases.known(message.topic);
      if (known !== undefined) {
        bytes = message.variant(qos, retain, known, true, ids);
      } else {
        const alias = aliases.candidate();
        bytes = message.variant(qos, retain, alias, false, ids);
        if (bytes.length <= connection.clientMaxPacketSize) aliases.assign(message.topic, alias);
      }
    } else {
      bytes = message.variant(qos, retain, 0, false, ids);
    }
    if (bytes.length > connection.clientMaxPacketSize) {
      // MQTT-3.1.2-25: discarded for this client, as if it had been sent; counted
      this.broker.stats.packetsTooLarge++;
      this.broker.stats.messagesDropped++;
      return undefined;
    }
    return bytes;
  }

  private send(
    connection: SessionLink,
    message: OutgoingPublish,
    qos: QoS,
    retain: boolean,
    offset = message.offset,
    ids?: number[],
    share?: { key: string; offset: number },
  ): boolean {
    let bytes = this.encode(connection, message, qos, retain, ids, true);
    if (!bytes) return false;
    if (qos > 0) {
      const packetId = this.allocatePacketId();
      if (packetId === 0) return false;
      bytes = withPacketId(bytes, packetId);
      const entry: InflightMessage = {
        packetId,
        offset,
        qos: qos as 1 | 2,
        message,
        retain,
        ids,
        released: false,
      };
      if (share) entry.share = share;
      this.inflight.set(packetId, entry);
    }
    connection.write(bytes);
    return true;
  }

  /** A packet id no in-flight message uses, or 0 when all are taken. */
  private allocatePacketId(): number {
    for (let tries = 0; tries < MAX_PACKET_ID; tries++) {
      const id = this.nextPacketId;
      this.nextPacketId = id === MAX_PACKET_ID ? 1 : id + 1;
      if (this.outgoing === undefined || !this.outgoing.has(id)) return id;
    }
    return 0;
  }
}
