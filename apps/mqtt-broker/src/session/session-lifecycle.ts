// How sessions begin and end: opening (new, resumed or replaced) at CONNECT, what happens when a connection ends
// (the session is kept or dropped, the will is published, delayed or cancelled), expiry of persistent sessions,
// and restoring every persistent session and unpublished will after a restart. With placement, persistent sessions
// and their wills are mirrored there (grpc/placement-sessions.ts): once placement has a disconnect, its leader owns
// the delayed will and the expiry, and the local timers set here are cancelled; when placement cannot be told, they
// stay and this broker fires the will and expires the session itself (then deletes placement's copies).
import { OutgoingPublish } from '../packets/outgoing-publish.js';
import type { PlacementSessions } from '../cluster/placement-sessions.js';
import type { Subscription } from '../routing/subscription.js';
import type { Connection } from '../transport/connection.js';
import { NEVER_EXPIRES, Session, type SessionEnv, type WillMessage } from './session.js';
import type {
  IncomingMarker,
  PacketObject,
  SessionPersistence,
  StoredSubscription,
} from '../storage/session-persistence.js';
import { confirmIncoming } from './incoming-qos2.js';
import { longTimeout } from './long-timeout.js';
import { parseSharedFilter } from '../routing/shared-subscription.js';

/** What session lifetimes need of the broker. */
export interface SessionHost extends SessionEnv {
  /** every session by client id: connected ones, and persistent ones whose client is away. */
  readonly sessions: Map<string, Session>;
  readonly persistence: SessionPersistence;
  /** persistent sessions mirrored into placement; undefined without placement. */
  readonly sessionSync: PlacementSessions | undefined;
  connectionOf(clientId: string): Connection | undefined;
  /** Removes an ended (or handed over) session from the broker, if it is still its client id's. */
  forgetSession(session: Session): void;
  /** Makes a connection (its `session` set) the client id's current one — its session's connection —, closing an
   * older one. */
  attach(connection: Connection): void;
  subscribe(session: Session, filter: string, subscription: Subscription): boolean;
  acceptPublish(message: OutgoingPublish): Promise<void> | undefined;
  /** Asks the broker of the cluster that holds a client's persistent session for it (cluster/cluster-sessions.ts);
   * undefined for a lone broker. */
  readonly takeOver: ((clientId: string) => Promise<HandedSession | undefined>) | undefined;
}

/** A persistent session as one broker hands it to another. */
export interface HandedSession {
  subscriptions: StoredSubscription[];
  /** incoming QoS 2 exchanges awaiting PUBREL: exact ids from a live broker, markers to confirm from a dead one's
   * storage (session/incoming-qos2.ts). */
  awaitingRelease: IncomingMarker[];
  /** outgoing QoS 2 messages the client answered with PUBREC: [log offset, packet id]. */
  released: [number, number][];
  /** session expiry interval in seconds; NEVER_EXPIRES = never. */
  expiry: number;
}

/** Finds or creates the session for a CONNECT and binds the connection to it; the returned promise settles once
 * the session's records are durable, after which the caller sends CONNACK and calls `session.resume()`. */
export async function openSession(
  broker: SessionHost,
  connection: Connection,
  clientId: string,
  cleanStart: boolean,
  expiry: number,
): Promise<{ session: Session; present: boolean }> {
  // a persistent session held by another broker of the cluster comes here first (its old connection is closed there).
  // A clean start takes nothing from it: the other broker is told in the background (its connection with this client
  // id closed, its copy dropped, MQTT-3.1.4-2), so the CONNECT of a clean session waits for no placement read.
  const elsewhere = broker.takeOver !== undefined && !broker.sessions.has(clientId);
  if (elsewhere && cleanStart) {
    broker.takeOver!(clientId).catch((err: unknown) =>
      broker.logger.warn(
        { err, clientId },
        'could not end the session another broker holds for a clean start',
      ),
    );
  }
  const handed = elsewhere && !cleanStart ? await broker.takeOver!(clientId) : undefined;
  if (handed) await adoptSession(broker, clientId, handed);
  const sync = broker.sessionSync;
  const mirrored =
    sync !== undefined && (sync.mirrors(clientId) || broker.persistence.getSession(clientId) !== undefined);
  // an older connection with this client id goes first (MQTT-3.1.4-2), so its session is settled before we look
  broker.connectionOf(clientId)?.close('client id taken over by a new connection', 0x8e);
  let session = broker.sessions.get(clientId);
  const writes: Promise<unknown>[] = [];
  if (session && cleanStart) {
    writes.push(endSession(broker, session));
    session = undefined;
  }
  const present = session !== undefined;
  if (session) {
    clearTimers(session);
    session.pendingWill = undefined; // MQTT-3.1.3-9: reconnecting before the will delay cancels the will
  } else {
    session = new Session(clientId, broker);
    broker.sessions.set(clientId, session);
    if (broker.persistence.getSession(clientId) && !cleanStart) {
      // known to storage but not to us cannot happen (all are restored at start-up); be safe and start clean
      writes.push(broker.persistence.deleteSession(clientId));
    }
  }
  session.expiry = expiry;
  connection.session = session;
  broker.attach(connection);

  const { persistence } = broker;
  if (session.persistent) {
    writes.push(persistence.putSession(clientId, { expiry }));
    // a new session must not inherit the log position of an older one with the same id
    if (!present) writes.push(session.commitNow());
  } else if (persistence.getSession(clientId)) {
    writes.push(persistence.deleteSession(clientId));
  }
  // the will is stored so that a broker crash does not lose it (it is published at the next start)
  const will = connection.will;
  writes.push(
    will ? persistence.putWill({ id: clientId }, willPacket(will)) : persistence.delWill({ id: clientId }),
  );
  // in the background: a clean session (the common case) costs no placement round trip at all — except, in a
  // cluster, one with a will: if this broker dies, placement's leader must still publish it through another broker
  if (sync && (session.persistent || (will !== undefined && broker.log.shared)))
    sync.connected(clientId, expiry, will, connection.protocolVersion);
  else if (sync && mirrored) sync.ended(clientId);
  await Promise.all(writes);
  return { session, present };
}

/** Makes a session handed over by another broker this broker's: its subscriptions, QoS 2 packet ids and position in
 * the shared log (committed there by the other broker), stored here like any persistent session of ours. */
async function adoptSession(broker: SessionHost, clientId: string, handed: HandedSession): Promise<void> {
  const session = new Session(clientId, broker);
  session.expiry = handed.expiry;
  restoreSubscriptions(broker, session, handed.subscriptions);
  // a dead broker's markers name messages that may never have reached the log: only those that did await PUBREL
  const { confirmed } = await confirmIncoming(broker.log, clientId, handed.awaitingRelease);
  for (const id of confirmed) session.awaitingRelease.add(id);
  session.restorePosition(
    (await broker.log.fetchPosition(broker.sessionGroup(clientId))) ?? broker.log.nextOffset,
  );
  session.restoreReleased(handed.released);
  // a connection with this id that came in meanwhile (a CONNECT racing this one through the awaits above) belongs to
  // the session replaced here: it goes, as any older connection does (MQTT-3.1.4-2). The broker finds a client id's
  // connection through its session, so one left on a replaced session would be found by nothing.
  broker.sessions.get(clientId)?.connection?.close('client id taken over by a new connection', 0x8e);
  broker.sessions.set(clientId, session);
  const { persistence } = broker;
  await persistence.putSession(clientId, { expiry: handed.expiry, disconnectedAt: Date.now() });
  if (handed.subscriptions.length > 0)
    await persistence.addSubscriptions({ id: clientId }, handed.subscriptions);
  for (const id of confirmed) await persistence.markIncoming(clientId, { id });
  for (const [offset, packetId] of handed.released) await persistence.putReleased(clientId, offset, packetId);
}

/** Hands a persistent session to another broker of the cluster (TakeOverSession): the client's connection here is
 * closed (MQTT 5: DISCONNECT 0x8E), the session's position committed, and its state returned and dropped here. */
export async function handSessionOver(
  broker: SessionHost,
  clientId: string,
): Promise<HandedSession | undefined> {
  broker.connectionOf(clientId)?.close('session taken over by another broker', 0x8e);
  const session = broker.sessions.get(clientId);
  if (!session) return undefined;
  clearTimers(session);
  // the session lives on elsewhere, which cancels a delayed will (MQTT 5 §3.1.3.2.2)
  session.pendingWill = undefined;
  const subscriptions = await broker.persistence.subscriptionsByClient({ id: clientId });
  // QoS 2 messages of the client's still being appended settle first; then the stored markers go (a failed append
  // may have written its message after all: the new broker looks for it in the log, session/incoming-qos2.ts)
  await session.incomingSettled();
  const handed: HandedSession = {
    subscriptions,
    awaitingRelease: broker.persistence.incomingMarkers(clientId),
    released: broker.persistence.releasedOf(clientId),
    expiry: session.expiry,
  };
  await session.commitNow();
  broker.forgetSession(session);
  broker.sessionSync?.forget(clientId);
  await broker.persistence.delWill({ id: clientId });
  await broker.persistence.deleteSession(clientId);
  return handed;
}

function restoreSubscriptions(
  broker: SessionHost,
  session: Session,
  subscriptions: StoredSubscription[],
): void {
  for (const sub of subscriptions) {
    const shared = parseSharedFilter(sub.topic);
    if (shared === 'invalid') continue; // never stored by a broker
    broker.subscribe(session, sub.topic, {
      qos: Math.min(2, sub.qos) as 0 | 1 | 2,
      noLocal: sub.nl === true,
      retainAsPublished: sub.rap === true,
      retainHandling: sub.rh ?? 0,
      levels: (shared?.filter ?? sub.topic).split('/'),
      identifier: sub.subscriptionIdentifier,
      share: shared?.group,
    });
  }
}

/** A connection has ended (detach has already taken it out of routing). */
export function connectionEnded(broker: SessionHost, connection: Connection, session: Session): void {
  const will = connection.will;
  connection.will = undefined;
  if (session.connection && session.connection !== connection) {
    // taken over: the session lives on, which cancels a delayed will (MQTT 5 §3.1.3.2.2)
    if (will && will.delay === 0) publishWill(broker, session.clientId, will);
    return;
  }
  if (!session.persistent) {
    broker.forgetSession(session);
    if (will) publishWill(broker, session.clientId, will);
    if (broker.persistence.getSession(session.clientId))
      void forget(broker, broker.persistence.deleteSession(session.clientId));
    // an MQTT 5 DISCONNECT may have set the expiry to 0: the session placement knew has ended
    if (broker.sessionSync?.mirrors(session.clientId)) broker.sessionSync.ended(session.clientId);
    return;
  }
  const disconnectedAt = Date.now();
  void forget(
    broker,
    broker.persistence.putSession(session.clientId, { expiry: session.expiry, disconnectedAt }),
  );
  session.commit();
  if (will) {
    if (will.delay === 0) publishWill(broker, session.clientId, will);
    else scheduleWill(broker, session, will, will.delay * 1000);
  }
  scheduleExpiry(broker, session, session.expiry === NEVER_EXPIRES ? undefined : session.expiry * 1000);
  if (broker.sessionSync) handOff(broker, session, will, disconnectedAt, connection.protocolVersion);
}

/** The disconnect of each session's latest hand-off; an older hand-off that completes late changes nothing. */
const handOffs = new WeakMap<Session, object>();

/** Tells placement the session is disconnected. Once placement has it, its leader fires the delayed will and
 * expires the session, so the local timers (the fallback while placement is unreachable) are cancelled. */
function handOff(
  broker: SessionHost,
  session: Session,
  will: WillMessage | undefined,
  disconnectedAt: number,
  protocolVersion: number,
): void {
  const token = {};
  handOffs.set(session, token);
  const willGone = !will || will.delay === 0;
  void broker
    .sessionSync!.disconnected(session.clientId, session.expiry, protocolVersion, disconnectedAt, willGone)
    .then((result) => {
      if (
        handOffs.get(session) !== token ||
        session.connection ||
        broker.sessions.get(session.clientId) !== session
      )
        return;
      if (result === 'failed') return;
      clearTimeout(session.willTimer);
      session.willTimer = undefined;
      if (result === 'superseded') {
        // the client is connected to another broker: its will is cancelled by that connection (MQTT-3.1.3-9)
        session.pendingWill = undefined;
        return;
      }
      // placement is in charge; the will stays pending here so that a clean start on this broker still publishes it
      clearTimeout(session.expiryTimer);
      session.expiryTimer = undefined;
      if (will && will.delay > 0 && session.pendingWill !== will)
        broker.sessionSync!.willPublished(session.clientId);
    });
}

/** Restores every persistent session and handles the wills of connections that died with the previous process. With
 * placement, a session placement knows is left to its leader (which may have fired the will already, when this
 * broker's node expired while it was down); only sessions placement does not know, or cannot be asked about, get
 * local timers. */
export async function restoreSessions(broker: SessionHost): Promise<void> {
  const { persistence, log } = broker;
  const now = Date.now();
  const owners = new Map<string, { owner: 'placement' | 'elsewhere' | 'local'; willInPlacement: boolean }>();
  for (const [clientId, record] of [...persistence.sessionRecords()]) {
    const session = new Session(clientId, broker);
    session.expiry = record.expiry;
    restoreSubscriptions(broker, session, await persistence.subscriptionsByClient({ id: clientId }));
    // markers of QoS 2 messages whose append the previous process may not have completed are confirmed in the log
    const markers = persistence.incomingMarkers(clientId);
    const incoming = await confirmIncoming(log, clientId, markers);
    for (const id of incoming.confirmed) session.awaitingRelease.add(id);
    for (const id of incoming.absent)
      await persistence.incomingDelPacket({ id: clientId }, { messageId: id });
    // a marker found is kept as a plain packet id: the next restart does not scan the log for it again
    const scanned = new Set(markers.filter((m) => m.tag !== undefined).map((m) => m.id));
    for (const id of incoming.confirmed)
      if (scanned.has(id)) await persistence.markIncoming(clientId, { id });
    session.restorePosition((await log.fetchPosition(broker.sessionGroup(clientId))) ?? log.nextOffset);
    session.restoreReleased(persistence.releasedOf(clientId));
    broker.sessions.set(clientId, session);
    const disconnectedAt = record.disconnectedAt ?? now;
    if (record.disconnectedAt === undefined)
      await persistence.putSession(clientId, { ...record, disconnectedAt });
    const ownership = broker.sessionSync
      ? await broker.sessionSync.adopt(clientId, disconnectedAt)
      : undefined;
    if (ownership) owners.set(clientId, ownership);
    // placement's leader expires the sessions it owns (and tells this broker)
    if (record.expiry !== NEVER_EXPIRES && ownership?.owner !== 'placement') {
      scheduleExpiry(broker, session, Math.max(0, disconnectedAt + record.expiry * 1000 - now));
    }
  }
  for (const packet of await wills(broker)) {
    const clientId = packet.clientId as string;
    const will = willFromPacket(packet);
    const session = broker.sessions.get(clientId);
    const ownership = owners.get(clientId);
    if (session && ownership && ownership.owner !== 'local') {
      if (ownership.owner === 'placement' && ownership.willInPlacement) {
        session.pendingWill = will; // placement fires it; kept so that a clean start here still publishes it
      } else {
        // placement already fired (or cancelled) it, or the client is connected elsewhere: it must not go out again
        void forget(broker, broker.persistence.delWill({ id: clientId }));
      }
      continue;
    }
    if (session && will.delay > 0) scheduleWill(broker, session, will, will.delay * 1000);
    else publishWill(broker, clientId, will);
  }
}

/** Ends a session: its pending will is published and everything stored for it is deleted. */
export function endSession(broker: SessionHost, session: Session): Promise<void> {
  clearTimers(session);
  broker.forgetSession(session);
  const will = session.pendingWill;
  session.pendingWill = undefined;
  if (will) publishWill(broker, session.clientId, will);
  return broker.persistence.deleteSession(session.clientId);
}

export function clearTimers(session: Session): void {
  clearTimeout(session.willTimer);
  clearTimeout(session.expiryTimer);
  session.willTimer = undefined;
  session.expiryTimer = undefined;
}

function scheduleWill(broker: SessionHost, session: Session, will: WillMessage, delayMs: number): void {
  session.pendingWill = will;
  session.willTimer = longTimeout(delayMs, () => {
    session.willTimer = undefined;
    if (session.pendingWill !== will) return;
    session.pendingWill = undefined;
    publishWill(broker, session.clientId, will);
    broker.sessionSync?.willPublished(session.clientId);
  });
}

function scheduleExpiry(broker: SessionHost, session: Session, delayMs: number | undefined): void {
  if (delayMs === undefined) return;
  session.expiryTimer = longTimeout(delayMs, () => {
    session.expiryTimer = undefined;
    if (session.connection) return;
    broker.logger.debug({ clientId: session.clientId }, 'session expired');
    void forget(broker, endSession(broker, session));
    broker.sessionSync?.ended(session.clientId);
  });
}

/** Publishes a will like any message from its client, and forgets the stored copy unless a newer connection of
 * the same client has stored its own. */
export function publishWill(broker: SessionHost, clientId: string, will: WillMessage): void {
  const message = new OutgoingPublish(
    will.topic,
    will.payload,
    will.qos,
    will.retain,
    will.properties,
    clientId,
  );
  const retainedWrite = broker.acceptPublish(message);
  if (retainedWrite) void forget(broker, retainedWrite);
  if (!broker.connectionOf(clientId)) void forget(broker, broker.persistence.delWill({ id: clientId }));
}

function willPacket(will: WillMessage): PacketObject {
  const packet: PacketObject = {
    topic: will.topic,
    payload: will.payload,
    qos: will.qos,
    retain: will.retain,
    delay: will.delay,
  };
  if (will.properties) packet.properties = will.properties;
  return packet;
}

function willFromPacket(packet: PacketObject): WillMessage {
  return {
    topic: packet.topic as string,
    payload: packet.payload as Buffer,
    qos: (packet.qos as 0 | 1 | 2) ?? 0,
    retain: packet.retain === true,
    properties: packet.properties as WillMessage['properties'],
    delay: (packet.delay as number) ?? 0,
  };
}

async function wills(broker: SessionHost): Promise<PacketObject[]> {
  const out: PacketObject[] = [];
  for await (const packet of broker.persistence.streamWill()) out.push(packet as PacketObject);
  return out;
}

/** Logs a background write that failed; its caller has nothing to report it to (no client waits for it). */
function forget(broker: SessionHost, write: Promise<unknown>): Promise<void> {
  return write.then(
    () => undefined,
    (err: unknown) => broker.logger.error({ err }, 'session state write failed'),
  );
}
