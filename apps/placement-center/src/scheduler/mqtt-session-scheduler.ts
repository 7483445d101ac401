// The leader's MQTT session scheduler: delayed will messages, session expiry and the hand-off of a dead broker's
// sessions. Brokers record persistent sessions (SESSION: owner broker, connected or disconnectedAt, expiry) and
// their wills (WILL_MESSAGE, with the delay) as placement resources; this controller keeps their due times in memory
// (rebuilt from the state machine when this member becomes leader) and, when one is due:
//   - a will: publishes it through a live broker's inner gRPC service (the owner if alive, else any other), then
//     deletes it through Raft — at-least-once: a leader that dies between the two lets the next one publish again;
//   - a session: fires its pending will first (the session's end publishes it, MQTT 5 §3.1.3.2.2), tells the owning
//     broker (if alive) to drop the session's state, then deletes SESSION (and SUBSCRIPTION) through Raft;
//   - a broker node that expires or unregisters: its sessions still marked connected become disconnected at that
//     time (through Raft), so their wills fire after their delay and the sessions expire like any other;
//   - a session that moved (its client connected to another broker): the broker it left, if alive, drops its copy.
// Due times: a disconnected session expires at disconnectedAt + expiry (0xFFFFFFFF: never); its will is due at
// disconnectedAt + will delay, or at the session's expiry if that is earlier. A connected session schedules nothing.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@robustmq/common';
import { ClusterTypes, type ClusterTls, type LastWill } from '@robustmq/protocol';
import type { NodeRegistry } from '../cluster/node-registry.js';
import { MetadataError } from '../metadata/metadata-error.js';
import type { ObservedMqttResources, ResourceChange } from '../mqtt/observed-resources.js';
import { resourceKey, resourcePrefix, type StoredResource } from '../state/mqtt-records.js';
import type { NodeChange, PlacementStateMachine } from '../state/state-machine.js';
import { BrokerCallError, BrokerClients, brokerInnerAddress } from './broker-clients.js';
import type { LeaderController } from './controller.js';
import { DueQueue } from './due-queue.js';

/** MQTT 5 session expiry meaning "never". */
export const SESSION_NEVER_EXPIRES = 0xffffffff;
/** longest single timer; a later due time is reached in steps (setTimeout overflows past 2^31-1 ms). */
const MAX_TIMER_MS = 3_600_000;
/** due items handled at once. */
const CONCURRENCY = 32;
const SCAN_PAGE = 1_000;

interface SessionView {
  brokerNodeId: number;
  connected: boolean;
  expirySec: number;
  disconnectedAtMs: number;
}

export interface MqttSchedulerOptions {
  /** a failed step (no live broker, broker call or write failed) is tried again after this long. */
  retryMs: number;
  /** deadline of one call to a broker's inner gRPC service. */
  brokerCallTimeoutMs: number;
  /** a connected session on a broker that is not registered is taken over only when its record is at least this
   * old (a broker may record sessions a moment before its registration is applied). */
  orphanGraceMs: number;
  /** the cluster secret sent to the brokers' inner service (undefined: none). */
  authToken?: string | undefined;
  tls?: ClusterTls | undefined;
  logger: Logger;
}

type WorkKind = 'will' | 'expire' | 'orphan' | 'moved';
const workKey = (kind: WorkKind, clientId: string) => `${kind}:${clientId}`;

function sessionView(resource: StoredResource): SessionView {
  const r = resource.record as {
    brokerNodeId: number;
    connected: boolean;
    sessionExpiryIntervalSec: number;
    lastDisconnectAtMs?: number;
  };
  return {
    brokerNodeId: r.brokerNodeId,
    connected: r.connected,
    expirySec: r.sessionExpiryIntervalSec,
    disconnectedAtMs: r.lastDisconnectAtMs ?? resource.updatedAtMs,
  };
}

function willDelaySec(resource: StoredResource): number {
  return (resource.record as { delayIntervalSec: number }).delayIntervalSec;
}

export class MqttSessionScheduler implements LeaderController {
  readonly name = 'mqtt-sessions';
  private running = false;
  private readonly sessions = new Map<string, SessionView>();
  private readonly wills = new Map<string, number>();
  /** client id → the broker its session left, waiting to be told to drop its copy. */
  private readonly movedFrom = new Map<string, number>();
  private readonly queue = new DueQueue();
  private timer: NodeJS.Timeout | undefined;
  /** changes seen while the maps are being rebuilt, replayed after the scan. */
  private buffered: ResourceChange[] | undefined;
  private brokers: BrokerClients | undefined;
  private working = false;
  private workAgain = false;
  private readonly unsubscribe: () => void;
  private readonly onNode = (change: NodeChange) => {
    if (!this.running || change.type !== 'unregister' || change.clusterType !== ClusterTypes.mqttBroker)
      return;
    // every session the broker still had connected is disconnected now; their wills and expiry run from here
    for (const [clientId, s] of this.sessions) {
      if (s.connected && s.brokerNodeId === change.nodeId) this.queue.set(workKey('orphan', clientId), 0);
    }
    this.arm();
  };

  constructor(
    private readonly sm: PlacementStateMachine,
    private readonly resources: ObservedMqttResources,
    private readonly registry: NodeRegistry,
    private readonly options: MqttSchedulerOptions,
  ) {
    this.unsubscribe = resources.onChange((change) => this.onResource(change));
    sm.on('node', this.onNode);
  }

  /** What is scheduled now (for tests and the admin API): client id → due time, per kind. */
  scheduled(): { wills: Map<string, number>; expiries: Map<string, number> } {
    const wills = new Map<string, number>();
    const expiries = new Map<string, number>();
    for (const clientId of this.sessions.keys()) {
      const w = this.queue.dueAt(workKey('will', clientId));
      const e = this.queue.dueAt(workKey('expire', clientId));
      if (w !== undefined) wills.set(clientId, w);
      if (e !== undefined) expiries.set(clientId, e);
    }
    return { wills, expiries };
  }

  async start(): Promise<void> {
    this.running = true;
    this.sessions.clear();
    this.wills.clear();
    this.queue.clear();
    this.buffered = [];
    this.brokers = new BrokerClients(
      this.options.brokerCallTimeoutMs,
      this.options.authToken,
      this.options.tls,
    );
    try {
      for await (const resource of this.scan('SESSION'))
        this.sessions.set(resource.key, sessionView(resource));
      for await (const resource of this.scan('WILL_MESSAGE'))
        this.wills.set(resource.key, willDelaySec(resource));
    } finally {
      const buffered = this.buffered ?? []; // stop() may have come meanwhile
      this.buffered = undefined;
      for (const change of buffered) this.apply(change);
    }
    if (!this.running) return;
    const now = Date.now();
    const live = new Set(this.registry.list(ClusterTypes.mqttBroker).map((n) => n.nodeId));
    for (const [clientId, s] of this.sessions) {
      // a broker that died while no leader was scheduling left its sessions marked connected
      if (s.connected && !live.has(s.brokerNodeId))
        this.queue.set(workKey('orphan', clientId), now + this.options.orphanGraceMs);
      else this.reschedule(clientId);
    }
    for (const clientId of this.wills.keys()) if (!this.sessions.has(clientId)) this.reschedule(clientId);
    this.options.logger.info(
      { sessions: this.sessions.size, wills: this.wills.size, scheduled: this.queue.size },
      'MQTT session scheduler started',
    );
    this.arm();
  }

  stop(): void {
    this.running = false;
    this.buffered = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.clear();
    this.sessions.clear();
    this.wills.clear();
    this.movedFrom.clear();
    this.brokers?.close();
    this.brokers = undefined;
  }

  close(): void {
    this.stop();
    this.unsubscribe();
    this.sm.off('node', this.onNode);
  }

  private async *scan(type: 'SESSION' | 'WILL_MESSAGE'): AsyncIterable<StoredResource> {
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.sm.scanRecords<StoredResource>(resourcePrefix(type), {
        ...(startAfter ? { startAfter } : {}),
        limit: SCAN_PAGE,
      });
      yield* page.items;
      if (!page.more || !this.running) return;
      startAfter = page.lastKey;
    }
  }

  private onResource(change: ResourceChange): void {
    if (!this.running) return;
    if (this.buffered) this.buffered.push(change);
    else this.apply(change);
  }

  private apply(change: ResourceChange): void {
    if (change.kind === 'put') {
      const { resource } = change;
      if (resource.type === 'SESSION') {
        const previous = this.sessions.get(resource.key);
        const view = sessionView(resource);
        this.sessions.set(resource.key, view);
        // the session is back (or its broker recorded it): it is no longer an orphan to take over
        if (view.connected) this.queue.delete(workKey('orphan', resource.key));
        if (view.connected && previous && previous.brokerNodeId !== view.brokerNodeId) {
          this.movedFrom.set(resource.key, previous.brokerNodeId);
          this.queue.set(workKey('moved', resource.key), 0);
        }
      } else if (resource.type === 'WILL_MESSAGE') this.wills.set(resource.key, willDelaySec(resource));
      else return;
      this.reschedule(resource.key);
    } else {
      if (change.type === 'SESSION') this.sessions.delete(change.key);
      else if (change.type === 'WILL_MESSAGE') this.wills.delete(change.key);
      else return;
      this.reschedule(change.key);
    }
    this.arm();
  }

  /** Recomputes a client's due times from the in-memory views. */
  private reschedule(clientId: string): void {
    const s = this.sessions.get(clientId);
    const delay = this.wills.get(clientId);
    const expiresAt =
      s && !s.connected && s.expirySec < SESSION_NEVER_EXPIRES
        ? s.disconnectedAtMs + s.expirySec * 1000
        : undefined;
    if (expiresAt === undefined) this.queue.delete(workKey('expire', clientId));
    else this.queue.set(workKey('expire', clientId), expiresAt);
    // a will without a session record belongs to a session placement does not schedule (the broker does)
    if (s && !s.connected && delay !== undefined) {
      this.queue.set(
        workKey('will', clientId),
        Math.min(s.disconnectedAtMs + delay * 1000, expiresAt ?? Number.POSITIVE_INFINITY),
      );
    } else this.queue.delete(workKey('will', clientId));
  }

  private arm(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.queue.peek();
    if (next === undefined) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, next - Date.now()));
    this.timer = setTimeout(() => void this.runDue(), wait);
    this.timer.unref();
  }

  private async runDue(): Promise<void> {
    this.timer = undefined;
    if (this.working) {
      this.workAgain = true;
      return;
    }
    this.working = true;
    try {
      do {
        this.workAgain = false;
        const due = this.queue.takeDue(Date.now());
        // wills first: a session that expires publishes its will before it goes
        due.sort((a, b) => Number(b.startsWith('will:')) - Number(a.startsWith('will:')));
        for (let i = 0; i < due.length && this.running; i += CONCURRENCY) {
          await Promise.all(due.slice(i, i + CONCURRENCY).map((key) => this.handle(key)));
        }
      } while (this.workAgain && this.running);
    } finally {
      this.working = false;
      this.arm();
    }
  }

  /** One client's work at a time: a will and the session's expiry due together must not both publish the will. */
  private readonly clientWork = new Map<string, Promise<void>>();

  private handle(key: string): Promise<void> {
    const clientId = key.slice(key.indexOf(':') + 1);
    const previous = this.clientWork.get(clientId) ?? Promise.resolve();
    const next = previous.then(() => this.handleNow(key));
    this.clientWork.set(clientId, next);
    void next.then(() => {
      if (this.clientWork.get(clientId) === next) this.clientWork.delete(clientId);
    });
    return next;
  }

  private async handleNow(key: string): Promise<void> {
    const at = key.indexOf(':');
    const kind = key.slice(0, at) as WorkKind;
    const clientId = key.slice(at + 1);
    try {
      if (kind === 'will') await this.fireWill(clientId);
      else if (kind === 'expire') await this.expireSession(clientId);
      else if (kind === 'moved') await this.dropMovedSession(clientId);
      else await this.takeOver(clientId);
    } catch (err) {
      if (!this.running) return;
      this.options.logger.warn(
        { err, clientId, work: kind },
        `scheduled ${kind} failed; retrying in ${this.options.retryMs} ms`,
      );
      // unless a change meanwhile rescheduled it
      if (!this.queue.has(key)) this.queue.set(key, Date.now() + this.options.retryMs);
    }
  }

  private readRecord(
    type: 'SESSION' | 'WILL_MESSAGE' | 'SUBSCRIPTION',
    clientId: string,
  ): Promise<StoredResource | undefined> {
    return this.sm.getRecord<StoredResource>(resourceKey(type, clientId));
  }

  /** Publishes a due will through a live broker, then deletes it (unless a newer will replaced it meanwhile). */
  private async fireWill(clientId: string): Promise<void> {
    const [will, session] = await Promise.all([
      this.readRecord('WILL_MESSAGE', clientId),
      this.readRecord('SESSION', clientId),
    ]);
    if (!this.running) return;
    if (!will || !session || sessionView(session).connected) return this.resync(clientId, session, will);
    const s = sessionView(session);
    const expiresAt =
      s.expirySec < SESSION_NEVER_EXPIRES
        ? s.disconnectedAtMs + s.expirySec * 1000
        : Number.POSITIVE_INFINITY;
    if (Math.min(s.disconnectedAtMs + willDelaySec(will) * 1000, expiresAt) > Date.now())
      return this.resync(clientId, session, will);

    const record = will.record as {
      topic: string;
      qos: number;
      retain: boolean;
      properties?: Record<string, unknown>;
    };
    const message: LastWill = {
      topic: record.topic,
      payload: Buffer.from(will.payload, 'base64'),
      qos: record.qos,
      retain: record.retain,
      propertiesJson: record.properties ? JSON.stringify(record.properties) : '',
    };
    const targets = this.brokerTargets(s.brokerNodeId);
    if (targets.length === 0)
      throw new Error(`no live MQTT broker with a gRPC port to publish the will of "${clientId}"`);
    let lastError: unknown;
    let publishedBy: number | undefined;
    for (const target of targets) {
      try {
        await this.brokers!.sendLastWill(target.address, clientId, message);
        publishedBy = target.nodeId;
        break;
      } catch (err) {
        lastError = err;
        // the client is back on that broker: the will is not due after all (the session record will say so)
        if (err instanceof BrokerCallError && err.code === grpc.status.FAILED_PRECONDITION) break;
        this.options.logger.warn(
          { err, clientId, broker: target.nodeId },
          'broker could not publish a will; trying another',
        );
      }
    }
    if (publishedBy === undefined) throw lastError as Error;
    this.options.logger.info(
      { clientId, topic: record.topic, broker: publishedBy, owner: s.brokerNodeId },
      'delayed will published',
    );
    const current = await this.readRecord('WILL_MESSAGE', clientId);
    if (current && current.updatedAtMs === will.updatedAtMs)
      await this.deleteResource('WILL_MESSAGE', clientId);
  }

  /** Ends an expired session: its will first, then the owner's state, then the records. */
  private async expireSession(clientId: string): Promise<void> {
    const session = await this.readRecord('SESSION', clientId);
    if (!this.running) return;
    if (!session) return this.resync(clientId, session, undefined);
    const s = sessionView(session);
    if (
      s.connected ||
      s.expirySec >= SESSION_NEVER_EXPIRES ||
      s.disconnectedAtMs + s.expirySec * 1000 > Date.now()
    ) {
      return this.resync(clientId, session, await this.readRecord('WILL_MESSAGE', clientId));
    }
    if (await this.readRecord('WILL_MESSAGE', clientId)) await this.fireWill(clientId);
    const owner = this.liveBroker(s.brokerNodeId);
    if (owner) {
      const deleted = await this.brokers!.deleteSession(owner.address, clientId);
      this.options.logger.debug(
        { clientId, broker: owner.nodeId, deleted },
        'owner broker dropped the expired session',
      );
    }
    const current = await this.readRecord('SESSION', clientId);
    if (current && current.updatedAtMs === session.updatedAtMs) {
      await this.deleteResource('SESSION', clientId);
      if (await this.readRecord('SUBSCRIPTION', clientId))
        await this.deleteResource('SUBSCRIPTION', clientId);
      this.options.logger.info({ clientId, owner: s.brokerNodeId }, 'session expired');
    } else {
      this.resync(clientId, current, await this.readRecord('WILL_MESSAGE', clientId));
    }
  }

  /** The broker a session moved away from drops its copy (subscriptions, queue, a will it still held). A broker the
   * client is connected to again keeps it (DeleteSession answers deleted = false). */
  private async dropMovedSession(clientId: string): Promise<void> {
    const from = this.movedFrom.get(clientId);
    if (from === undefined) return;
    const current = this.sessions.get(clientId);
    const owner = this.liveBroker(from);
    if (owner && current?.brokerNodeId !== from) {
      const deleted = await this.brokers!.deleteSession(owner.address, clientId);
      this.options.logger.debug(
        { clientId, from, deleted },
        'the broker a session moved away from dropped its copy',
      );
    }
    if (this.movedFrom.get(clientId) === from) this.movedFrom.delete(clientId);
  }

  /** A session marked connected on a broker that is gone becomes disconnected now. */
  private async takeOver(clientId: string): Promise<void> {
    const session = await this.readRecord('SESSION', clientId);
    if (!this.running || !session) return;
    const s = sessionView(session);
    if (
      !s.connected ||
      this.registry.list(ClusterTypes.mqttBroker).some((n) => n.nodeId === s.brokerNodeId)
    ) {
      return this.resync(clientId, session, await this.readRecord('WILL_MESSAGE', clientId));
    }
    const record = { ...session.record, connected: false, lastDisconnectAtMs: Date.now() };
    await this.resources.put({ type: 'SESSION', key: clientId, json: JSON.stringify(record) });
    this.options.logger.info(
      { clientId, broker: s.brokerNodeId },
      'session of a departed broker is now disconnected',
    );
  }

  /** The views disagreed with the stored records (a change this member did not see): take the records. */
  private resync(
    clientId: string,
    session: StoredResource | undefined,
    will: StoredResource | undefined,
  ): void {
    if (session) this.sessions.set(clientId, sessionView(session));
    else this.sessions.delete(clientId);
    if (will) this.wills.set(clientId, willDelaySec(will));
    else this.wills.delete(clientId);
    this.reschedule(clientId);
  }

  private async deleteResource(
    type: 'SESSION' | 'WILL_MESSAGE' | 'SUBSCRIPTION',
    clientId: string,
  ): Promise<void> {
    try {
      await this.resources.delete(type, clientId);
    } catch (err) {
      if (err instanceof MetadataError && err.code === 'NOT_FOUND') return;
      throw err;
    }
  }

  private liveBroker(nodeId: number): { nodeId: number; address: string } | undefined {
    const node = this.registry.list(ClusterTypes.mqttBroker).find((n) => n.nodeId === nodeId);
    const address = node && brokerInnerAddress(node);
    return address ? { nodeId, address } : undefined;
  }

  /** The owner first when it is alive, then every other live broker that serves the inner service. */
  private brokerTargets(owner: number): { nodeId: number; address: string }[] {
    const targets: { nodeId: number; address: string }[] = [];
    for (const node of this.registry.list(ClusterTypes.mqttBroker)) {
      const address = brokerInnerAddress(node);
      if (address) targets.push({ nodeId: node.nodeId, address });
    }
    const first = targets.findIndex((t) => t.nodeId === owner);
    if (first > 0) targets.unshift(...targets.splice(first, 1));
    return targets;
  }
}
