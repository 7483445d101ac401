// Session persistence over the StorageAdapter, in the shape of aedes-persistence's async interface (so its abstract
// test suite runs against it) plus the few broker-specific records it needs (session records). Every value lives
// in a StateLog; methods update the in-memory view at once and resolve when the change is durable, so the broker
// reports a subscription, will or retained message as done only once it is.
//
// Keys (one StateLog shard, `mqtt-state.<generation>`):
//   r/<topic>                retained message (packet JSON, with `ts` = publish time for message expiry)
//   s/<clientId>             the client's subscriptions: [{ topic, qos, rh, rap, nl, subscriptionIdentifier? }]
//   m/<clientId>             session record: { expiry (s, -1 = never), disconnectedAt? (ms) }
//   w/<clientId>             will: { topic, payload, qos, retain, properties?, delay?, brokerId, clientId }
//   i/<clientId>/<packetId>  incoming QoS 2 packet awaiting PUBREL; the broker's own are markers written before the
//                            message's append: { messageId, from, at, tag } (session/incoming-qos2.ts)
//   q/<clientId>/<offset>    outgoing QoS 2 message at a log offset that the client answered with PUBREC (value: its
//                            packet id): after a crash or takeover it gets PUBREL again, never the PUBLISH (exactly once)
//   o/<clientId>/<seq>       aedes outgoing queue entry (the broker's own queue is the message log, see README)
//   d/<id>                   `$delayed/N/topic` message waiting for its time (packet JSON with `due`, ms)
// Client ids may contain '/', so keys that carry a second part are parsed from the last '/'.
//
// Methods only the upstream suite calls: the broker itself never calls outgoingEnqueue(Combi), outgoingUpdate,
// outgoingClearMessageId, outgoingStream (its outgoing queue is the message log plus a session's log position),
// createRetainedStream(Combi), retainedCount, subscriptionsByTopic, cleanSubscriptions, countOffline, getClientList,
// incomingGetPacket or getWill. They stay because aedes-persistence's abstract suite (test/aedes-persistence.test.ts
// runs it over the rocksdb and memory adapters) needs the whole interface, and it is the independent check that the
// store behaves as a reference MQTT persistence does: retained wildcard reads, subscription matching, QoS 2 bookkeeping
// and wills across restarts. They are small views over the same maps, so they cost no second code path for the data.
import { Readable } from 'node:stream';
import type { Logger } from '@robustmq/common';
import type { StorageAdapter } from '@robustmq/storage-adapter';
import { TopicTrie } from '../routing/topic-trie.js';
import { fromJson, toJson } from './packet-json.js';
import { RetainedIndex } from './retained-index.js';
import { StateLog } from './state-log.js';

/** the persistence's view of a broker: its id tags wills (streamWill finds wills of brokers that are gone). */
export interface PersistenceBroker {
  id: string;
  counter?: number;
}

export interface PersistenceClient {
  id: string;
}

/** a subscription as aedes stores it: MQTT 5 options rh (retain handling), rap (retain as published), nl (no local). */
export interface StoredSubscription {
  topic: string;
  qos: number;
  rh?: number;
  rap?: boolean;
  nl?: boolean;
  subscriptionIdentifier?: number;
}

export interface TopicSubscription {
  clientId: string;
  topic: string;
  qos: number;
  rh?: number;
  rap?: boolean;
  nl?: boolean;
}

/** any MQTT packet object (aedes passes mqtt-packet objects and aedes-packet instances). */
export type PacketObject = Record<string, unknown> & { messageId?: number; cmd?: string };

/** A publisher's QoS 2 exchange awaiting PUBREL. With a tag it is the marker written before the message's append:
 * the message is in the log if and only if a record of the client's at or after offset `from` carries `tag` (hex);
 * `at` is when the marker was written (ms). Without one, the message is known to be in the log. */
export interface IncomingMarker {
  id: number;
  from?: number;
  at?: number;
  tag?: string;
}

export interface SessionRecord {
  /** session expiry interval in seconds; -1 = never expires. */
  expiry: number;
  /** when the client went away (ms); absent while it was connected. */
  disconnectedAt?: number;
}

type SubscriptionOptions = Omit<StoredSubscription, 'topic'>;

export class SessionPersistence {
  broker: PersistenceBroker | undefined;
  private readonly retained = new RetainedIndex<PacketObject>();
  private readonly subscriptions = new Map<string, Map<string, SubscriptionOptions>>();
  private readonly trie = new TopicTrie<string, TopicSubscription>();
  private readonly outgoing = new Map<string, { seq: number; packet: PacketObject }[]>();
  private readonly incoming = new Map<string, Map<number, PacketObject>>();
  private readonly wills = new Map<string, PacketObject>();
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly delayed = new Map<string, PacketObject>();
  private readonly released = new Map<string, Map<number, number>>();
  private outgoingSeq = 0;
  private destroyed = false;

  private constructor(private readonly state: StateLog) {}

  /** Opens (and loads) the persistence kept in `storage`. */
  static async open(
    storage: StorageAdapter,
    logger: Logger,
    shardBase = 'mqtt-state',
  ): Promise<SessionPersistence> {
    const persistence = new SessionPersistence(await StateLog.open(storage, shardBase, logger));
    persistence.load();
    return persistence;
  }

  /** A read-only snapshot of the persistence kept in `storage` (another broker's, while it is down); undefined when it
   * has none. Nothing may be written through it. */
  static async snapshot(
    storage: StorageAdapter,
    shardBase = 'mqtt-state',
  ): Promise<SessionPersistence | undefined> {
    const state = await StateLog.read(storage, shardBase);
    if (!state) return undefined;
    const persistence = new SessionPersistence(state);
    persistence.load();
    return persistence;
  }

  async setup(broker: PersistenceBroker): Promise<void> {
    this.broker = broker;
  }

  private load(): void {
    for (const [key, value] of this.state.entries('')) {
      const kind = key.slice(0, 2);
      const rest = key.slice(2);
      switch (kind) {
        case 'r/':
          this.retained.set(rest, fromJson(value));
          break;
        case 's/':
          for (const sub of fromJson<StoredSubscription[]>(value)) this.indexSubscription(rest, sub);
          break;
        case 'm/':
          this.sessions.set(rest, fromJson(value));
          break;
        case 'w/':
          this.wills.set(rest, fromJson(value));
          break;
        case 'i/': {
          const [clientId, id] = splitLast(rest);
          mapOf(this.incoming, clientId).set(Number(id), fromJson(value));
          break;
        }
        case 'd/':
          this.delayed.set(rest, fromJson(value));
          break;
        case 'q/': {
          const [clientId, offset] = splitLast(rest);
          mapOf(this.released, clientId).set(Number(offset), fromJson<number>(value));
          break;
        }
        case 'o/': {
          const [clientId, seq] = splitLast(rest);
          const queue = listOf(this.outgoing, clientId);
          queue.push({ seq: Number(seq), packet: fromJson(value) });
          this.outgoingSeq = Math.max(this.outgoingSeq, Number(seq));
          break;
        }
      }
    }
    for (const queue of this.outgoing.values()) queue.sort((a, b) => a.seq - b.seq);
  }

  // ---- retained messages

  async storeRetained(packet: PacketObject): Promise<void> {
    const topic = packet.topic as string;
    const payload = packet.payload as Buffer | string | undefined;
    if (payload === undefined || payload.length === 0) {
      this.retained.delete(topic);
      return this.state.delete(`r/${topic}`);
    }
    const copy = { ...packet };
    this.retained.set(topic, copy);
    return this.state.put(`r/${topic}`, toJson(copy));
  }

  /** Retained messages matching any of the filters, each once. Synchronous: the broker's SUBSCRIBE path uses it. */
  retainedMatching(patterns: string[]): PacketObject[] {
    return this.retained.matching(patterns);
  }

  createRetainedStreamCombi(patterns: string[]): Readable {
    return Readable.from(this.retainedMatching(patterns));
  }

  createRetainedStream(pattern: string): Readable {
    return this.createRetainedStreamCombi([pattern]);
  }

  /** Every stored retained message (the admin API lists them). */
  retainedMessages(): IterableIterator<PacketObject> {
    return this.retained.values();
  }

  getRetained(topic: string): PacketObject | undefined {
    return this.retained.get(topic);
  }

  // ---- delayed messages (`$delayed/N/topic`)

  putDelayed(id: string, packet: PacketObject): Promise<void> {
    this.delayed.set(id, packet);
    return this.state.put(`d/${id}`, toJson(packet));
  }

  deleteDelayed(id: string): Promise<void> {
    if (!this.delayed.delete(id)) return Promise.resolve();
    return this.state.delete(`d/${id}`);
  }

  delayedEntries(): IterableIterator<[string, PacketObject]> {
    return this.delayed.entries();
  }

  get retainedCount(): number {
    return this.retained.size;
  }

  // ---- subscriptions

  async addSubscriptions(client: PersistenceClient, subs: StoredSubscription[]): Promise<void> {
    for (const sub of subs) this.indexSubscription(client.id, sub);
    return this.saveSubscriptions(client.id);
  }

  async removeSubscriptions(client: PersistenceClient, topics: string[]): Promise<void> {
    const stored = this.subscriptions.get(client.id);
    if (!stored) return;
    for (const topic of topics) {
      const sub = stored.get(topic);
      if (sub === undefined) continue;
      if (sub.qos > 0) this.trie.remove(topic, client.id);
      stored.delete(topic);
    }
    return this.saveSubscriptions(client.id);
  }

  async subscriptionsByClient(client: PersistenceClient): Promise<StoredSubscription[]> {
    const stored = this.subscriptions.get(client.id);
    return stored ? [...stored].map(([topic, sub]) => ({ topic, ...sub })) : [];
  }

  async countOffline(): Promise<{ subsCount: number; clientsCount: number }> {
    return { subsCount: this.trie.size, clientsCount: this.subscriptions.size };
  }

  async subscriptionsByTopic(topic: string): Promise<TopicSubscription[]> {
    const out: TopicSubscription[] = [];
    this.trie.match(topic, (_clientId, sub) => out.push(sub));
    return out;
  }

  async cleanSubscriptions(client: PersistenceClient): Promise<void> {
    const stored = this.subscriptions.get(client.id);
    if (!stored) return;
    for (const [topic, sub] of stored) if (sub.qos > 0) this.trie.remove(topic, client.id);
    this.subscriptions.delete(client.id);
    return this.state.delete(`s/${client.id}`);
  }

  getClientList(topic: string): Readable {
    const clients: string[] = [];
    for (const [clientId, subs] of this.subscriptions) if (subs.has(topic)) clients.push(clientId);
    return Readable.from(clients);
  }

  private indexSubscription(clientId: string, sub: StoredSubscription): void {
    const stored = mapOf(this.subscriptions, clientId);
    const { topic, ...options } = sub;
    const record = dropUndefined(options);
    const previous = stored.get(topic);
    stored.set(topic, record);
    if (sub.qos > 0) {
      const { subscriptionIdentifier: _id, ...rest } = record;
      this.trie.add(topic, clientId, { clientId, topic, ...rest });
    } else if (previous && previous.qos > 0) {
      this.trie.remove(topic, clientId);
    }
  }

  private saveSubscriptions(clientId: string): Promise<void> {
    const stored = this.subscriptions.get(clientId);
    if (!stored || stored.size === 0) {
      this.subscriptions.delete(clientId);
      return this.state.delete(`s/${clientId}`);
    }
    return this.state.put(`s/${clientId}`, toJson([...stored].map(([topic, sub]) => ({ topic, ...sub }))));
  }

  // ---- aedes outgoing queue (see the header: the broker itself queues through the message log)

  async outgoingEnqueue(sub: { clientId: string }, packet: PacketObject): Promise<void> {
    return this.outgoingEnqueueCombi([sub], packet);
  }

  async outgoingEnqueueCombi(subs: { clientId: string }[], packet: PacketObject): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const sub of subs) {
      const entry = { seq: ++this.outgoingSeq, packet: aedesPacket(packet, this.broker) };
      listOf(this.outgoing, sub.clientId).push(entry);
      writes.push(this.state.put(outgoingKey(sub.clientId, entry.seq), toJson(entry.packet)));
    }
    await Promise.all(writes);
  }

  async outgoingUpdate(client: PersistenceClient, packet: PacketObject): Promise<void> {
    const queue = listOf(this.outgoing, client.id);
    for (const entry of queue) {
      const stored = entry.packet;
      if (stored.brokerId === packet.brokerId) {
        if (stored.brokerCounter === packet.brokerCounter) {
          stored.messageId = packet.messageId;
          return this.state.put(outgoingKey(client.id, entry.seq), toJson(stored));
        }
      } else if (stored.messageId === packet.messageId) {
        entry.packet = packet;
        return this.state.put(outgoingKey(client.id, entry.seq), toJson(packet));
      }
    }
    throw new Error('no such packet');
  }

  async outgoingClearMessageId(
    client: PersistenceClient,
    packet: PacketObject,
  ): Promise<PacketObject | undefined> {
    const queue = this.outgoing.get(client.id);
    if (!queue || packet === null || typeof packet !== 'object') return undefined;
    const index = queue.findIndex((entry) => entry.packet.messageId === packet.messageId);
    if (index < 0) return undefined;
    const [entry] = queue.splice(index, 1);
    await this.state.delete(outgoingKey(client.id, entry!.seq));
    return entry!.packet;
  }

  outgoingStream(client: PersistenceClient): Readable {
    const queue = this.outgoing.get(client.id) ?? [];
    return Readable.from(queue.map((entry) => ({ ...entry.packet })));
  }

  // ---- incoming QoS 2

  async incomingStorePacket(client: PersistenceClient, packet: PacketObject): Promise<void> {
    const stored = aedesPacket(packet, this.broker);
    stored.messageId = packet.messageId;
    mapOf(this.incoming, client.id).set(packet.messageId!, stored);
    return this.state.put(incomingKey(client.id, packet.messageId!), toJson(stored));
  }

  async incomingGetPacket(client: PersistenceClient, packet: { messageId?: number }): Promise<PacketObject> {
    const stored = this.incoming.get(client.id)?.get(packet.messageId!);
    if (!stored) throw new Error('no such packet');
    return stored;
  }

  async incomingDelPacket(client: PersistenceClient, packet: { messageId?: number }): Promise<void> {
    const store = this.incoming.get(client.id);
    if (!store?.delete(packet.messageId!)) throw new Error('no such packet');
    return this.state.delete(incomingKey(client.id, packet.messageId!));
  }

  async cleanIncoming(client: PersistenceClient): Promise<void> {
    const store = this.incoming.get(client.id);
    if (!store) return;
    this.incoming.delete(client.id);
    return this.state.deleteMany([...store.keys()].map((id) => incomingKey(client.id, id)));
  }

  /** Stores the marker of a publisher's QoS 2 exchange (before its message is appended; see IncomingMarker). */
  async markIncoming(clientId: string, marker: IncomingMarker): Promise<void> {
    const stored: PacketObject = { cmd: 'publish', qos: 2, messageId: marker.id };
    if (marker.tag !== undefined)
      Object.assign(stored, { from: marker.from, at: marker.at, tag: marker.tag });
    mapOf(this.incoming, clientId).set(marker.id, stored);
    return this.state.put(incomingKey(clientId, marker.id), toJson(stored));
  }

  /** The client's incoming QoS 2 exchanges awaiting PUBREL, as markers (a packet id alone: known to be in the log). */
  incomingMarkers(clientId: string): IncomingMarker[] {
    const out: IncomingMarker[] = [];
    for (const [id, packet] of this.incoming.get(clientId) ?? []) {
      const { from, at, tag } = packet;
      out.push(
        typeof tag === 'string' && typeof from === 'number' && typeof at === 'number'
          ? { id, from, at, tag }
          : { id },
      );
    }
    return out;
  }

  hasIncoming(clientId: string, messageId: number): boolean {
    return this.incoming.get(clientId)?.has(messageId) ?? false;
  }

  // ---- outgoing QoS 2 messages released (PUBREC received, PUBREL sent)

  /** Records that the client answered the QoS 2 message at `offset` (sent with `packetId`) with PUBREC; resolves once
   * durable, and only then is PUBREL sent. */
  async putReleased(clientId: string, offset: number, packetId: number): Promise<void> {
    mapOf(this.released, clientId).set(offset, packetId);
    return this.state.put(`q/${clientId}/${offset}`, toJson(packetId));
  }

  /** [offset, packet id] of the client's released QoS 2 messages. */
  releasedOf(clientId: string): [number, number][] {
    return [...(this.released.get(clientId) ?? [])];
  }

  /** Forgets released messages below `offset` (the session's committed position is past them). */
  async forgetReleasedBelow(clientId: string, offset: number): Promise<void> {
    const entries = this.released.get(clientId);
    if (!entries) return;
    const keys: string[] = [];
    for (const at of entries.keys()) {
      if (at >= offset) continue;
      entries.delete(at);
      keys.push(`q/${clientId}/${at}`);
    }
    if (entries.size === 0) this.released.delete(clientId);
    if (keys.length > 0) await this.state.deleteMany(keys);
  }

  // ---- wills

  async putWill(client: PersistenceClient, packet: PacketObject): Promise<void> {
    packet.brokerId = this.broker?.id;
    packet.clientId = client.id;
    this.wills.set(client.id, packet);
    return this.state.put(`w/${client.id}`, toJson(packet));
  }

  async getWill(client: PersistenceClient): Promise<PacketObject | undefined> {
    return this.wills.get(client.id);
  }

  async delWill(client: PersistenceClient): Promise<PacketObject | undefined> {
    const will = this.wills.get(client.id);
    if (!will) return undefined;
    this.wills.delete(client.id);
    await this.state.delete(`w/${client.id}`);
    return will;
  }

  /** wills of brokers not in `brokers` (all wills without the argument). */
  streamWill(brokers: Record<string, unknown> = {}): Readable {
    return Readable.from([...this.wills.values()].filter((will) => !brokers[will.brokerId as string]));
  }

  // ---- session records (broker-specific)

  sessionRecords(): IterableIterator<[string, SessionRecord]> {
    return this.sessions.entries();
  }

  getSession(clientId: string): SessionRecord | undefined {
    return this.sessions.get(clientId);
  }

  putSession(clientId: string, record: SessionRecord): Promise<void> {
    this.sessions.set(clientId, record);
    return this.state.put(`m/${clientId}`, toJson(record));
  }

  /** Forgets everything kept for a client: session record, subscriptions, incoming QoS 2 ids, aedes queue. */
  async deleteSession(clientId: string): Promise<void> {
    const keys = [`m/${clientId}`, `s/${clientId}`];
    this.sessions.delete(clientId);
    const subs = this.subscriptions.get(clientId);
    if (subs) for (const [topic, sub] of subs) if (sub.qos > 0) this.trie.remove(topic, clientId);
    this.subscriptions.delete(clientId);
    for (const id of this.incoming.get(clientId)?.keys() ?? []) keys.push(incomingKey(clientId, id));
    this.incoming.delete(clientId);
    for (const entry of this.outgoing.get(clientId) ?? []) keys.push(outgoingKey(clientId, entry.seq));
    this.outgoing.delete(clientId);
    for (const offset of this.released.get(clientId)?.keys() ?? []) keys.push(`q/${clientId}/${offset}`);
    this.released.delete(clientId);
    await this.state.deleteMany(keys);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) throw new Error('destroyed called twice!');
    this.destroyed = true;
  }
}

/** The shape aedes-packet gives a queued packet (the abstract suite compares against it). */
function aedesPacket(original: PacketObject, broker?: PersistenceBroker): PacketObject {
  const packet: PacketObject = {};
  for (const field of ['clientId', 'nl', 'properties', 'messageExpiry']) {
    if (Object.prototype.hasOwnProperty.call(original, field)) packet[field] = original[field];
  }
  packet.cmd = original.cmd ?? 'publish';
  packet.brokerId = original.brokerId ?? broker?.id;
  packet.brokerCounter =
    original.brokerCounter ?? (broker ? (broker.counter = (broker.counter ?? 0) + 1) : 0);
  packet.topic = original.topic;
  packet.payload = original.payload ?? Buffer.alloc(0);
  packet.qos = original.qos ?? 0;
  packet.retain = original.retain ?? false;
  packet.dup = original.dup ?? false;
  if ((packet.qos as number) > 0 || packet.cmd !== 'publish') packet.messageId = undefined;
  return packet;
}

function dropUndefined<T extends object>(value: T): T {
  const out = {} as T;
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

function splitLast(rest: string): [string, string] {
  const at = rest.lastIndexOf('/');
  return [rest.slice(0, at), rest.slice(at + 1)];
}

function mapOf<K, V>(map: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let inner = map.get(key);
  if (!inner) map.set(key, (inner = new Map()));
  return inner;
}

function listOf<V>(map: Map<string, V[]>, key: string): V[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

const outgoingKey = (clientId: string, seq: number) => `o/${clientId}/${seq}`;
const incomingKey = (clientId: string, id: number) => `i/${clientId}/${id}`;
