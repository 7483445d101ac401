// This broker's persistent sessions and their wills, mirrored into the placement center (SESSION and WILL_MESSAGE
// resources) so that the placement leader can fire a delayed will, expire the session, and take both over when this
// broker dies. Only persistent sessions (expiry > 0) are mirrored: a clean session costs CONNECT no placement round
// trip. Writes never hold up the MQTT conversation; they run in the background, one at a time per client id (so a
// disconnect and the reconnect that follows it reach placement in that order).
//
// Who fires a will (see docs/architecture.md "Session expiry and delayed wills"): once placement has acknowledged a
// disconnect, it owns the delayed will and the session's expiry, and this broker cancels its local timers. When
// placement could not be told, the local timers stay and this broker fires the will and expires the session itself,
// deleting placement's copies afterwards.
import * as grpc from '@grpc/grpc-js';
import { type Logger } from '@robustmq/common';
import { PlacementError, type PlacementClient } from '@robustmq/placement-client';
import { NEVER_EXPIRES, type WillMessage } from '../session/session.js';
import { toJson } from '../storage/packet-json.js';

/** MQTT 5 "never expires", as placement stores it. */
const NEVER = 0xffffffff;

/** What placement made of a disconnect. */
export type HandOff = 'accepted' | 'superseded' | 'failed';

export class PlacementSessions {
  private readonly chains = new Map<string, Promise<unknown>>();
  /** client ids whose will is stored in placement (so a will-less disconnect knows to delete it). */
  private readonly willsStored = new Set<string>();
  private readonly connectedAt = new Map<string, number>();

  constructor(
    private readonly client: PlacementClient,
    private readonly nodeId: number,
    private readonly logger: Logger,
  ) {}

  /** A persistent session's connection was accepted: the session is connected here, with this will (or none). */
  connected(clientId: string, expiry: number, will: WillMessage | undefined, protocolVersion: number): void {
    const connectedAtMs = Date.now();
    this.connectedAt.set(clientId, connectedAtMs);
    const record = { ...this.base(expiry, protocolVersion, connectedAtMs), connected: true };
    if (will) this.willsStored.add(clientId);
    else this.willsStored.delete(clientId);
    void this.enqueue(clientId, 'record a connected session', async () => {
      await this.client.mqtt.putResource('SESSION', clientId, record);
      if (will) await this.client.mqtt.putResource('WILL_MESSAGE', clientId, willRecord(will), will.payload);
      // a will of an earlier connection (maybe on another broker) must not fire after this will-less one ends
      else await this.client.mqtt.deleteResource('WILL_MESSAGE', clientId);
    });
  }

  /** The connection of a persistent session ended at `atMs`. `willGone`: its will was published here or discarded
   * (clean DISCONNECT), so placement's copy goes. Resolves with whether placement now owns the session's timers. */
  disconnected(
    clientId: string,
    expiry: number,
    protocolVersion: number,
    atMs: number,
    willGone: boolean,
  ): Promise<HandOff> {
    const connectedAtMs = this.connectedAt.get(clientId) ?? atMs;
    const record = {
      ...this.base(expiry, protocolVersion, connectedAtMs),
      connected: false,
      lastDisconnectAtMs: atMs,
    };
    const deleteWill = willGone && this.willsStored.delete(clientId);
    return this.enqueue(clientId, 'hand a disconnected session to placement', async () => {
      if (deleteWill) await this.client.mqtt.deleteResource('WILL_MESSAGE', clientId);
      try {
        await this.client.mqtt.putResource('SESSION', clientId, record);
      } catch (err) {
        // the client is connected to another broker now: the session is no longer ours to hand on
        if (err instanceof PlacementError && err.code === grpc.status.FAILED_PRECONDITION)
          return 'superseded' as const;
        throw err;
      }
      return 'accepted' as const;
    }).then((result) => result ?? 'failed');
  }

  /** A persistent session restored from this broker's storage at start-up: who owns it now? 'placement' when placement
   * knows it and it is not connected elsewhere — a session it still had connected here is handed off as disconnected
   * at `disconnectedAt` (its will, if placement still holds one, fires from there); 'elsewhere' when its client is
   * connected to another broker; 'local' when placement does not know it or cannot be asked (local timers decide). */
  async adopt(
    clientId: string,
    disconnectedAt: number,
  ): Promise<{ owner: 'placement' | 'elsewhere' | 'local'; willInPlacement: boolean }> {
    try {
      const stored = await this.client.mqtt.getResource('SESSION', clientId);
      if (!stored) return { owner: 'local', willInPlacement: false };
      const record = stored.record as { brokerNodeId?: number; connected?: boolean; connectedAtMs?: number };
      if (record.connected && record.brokerNodeId !== this.nodeId)
        return { owner: 'elsewhere', willInPlacement: false };
      if (record.connected)
        await this.client.mqtt.putResource('SESSION', clientId, {
          ...record,
          connected: false,
          lastDisconnectAtMs: disconnectedAt,
        });
      const will = await this.client.mqtt.getResource('WILL_MESSAGE', clientId);
      this.connectedAt.set(clientId, record.connectedAtMs ?? disconnectedAt);
      if (will) this.willsStored.add(clientId);
      return { owner: 'placement', willInPlacement: will !== undefined };
    } catch (err) {
      this.logger.warn(
        { err, clientId },
        'could not ask placement about a restored session; its local timers stay in charge',
      );
      return { owner: 'local', willInPlacement: false };
    }
  }

  /** The session ended here (clean start, local expiry, or it stopped being persistent): placement forgets it. */
  ended(clientId: string): void {
    this.willsStored.delete(clientId);
    this.connectedAt.delete(clientId);
    void this.enqueue(clientId, 'delete an ended session', async () => {
      await this.client.mqtt.deleteResource('WILL_MESSAGE', clientId);
      await this.client.mqtt.deleteResource('SESSION', clientId);
    });
  }

  /** A will was published here by a local timer: placement must not publish it again. */
  willPublished(clientId: string): void {
    this.willsStored.delete(clientId);
    void this.enqueue(clientId, 'delete a published will', async () => {
      await this.client.mqtt.deleteResource('WILL_MESSAGE', clientId);
    });
  }

  /** Whether placement holds a record of this client's session written by this broker. */
  mirrors(clientId: string): boolean {
    return this.connectedAt.has(clientId);
  }

  /** Placement dropped the session itself (it expired there). */
  forget(clientId: string): void {
    this.willsStored.delete(clientId);
    this.connectedAt.delete(clientId);
  }

  /** Resolves once every write queued so far has finished (or failed), or after `timeoutMs` — a shutdown must not
   * wait out the retries of an unreachable placement. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.chains.values()]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private base(expiry: number, protocolVersion: number, connectedAtMs: number) {
    return {
      brokerNodeId: this.nodeId,
      sessionExpiryIntervalSec: expiry === NEVER_EXPIRES ? NEVER : expiry,
      connectedAtMs,
      ...(protocolVersion === 3 || protocolVersion === 4 || protocolVersion === 5 ? { protocolVersion } : {}),
    };
  }

  /** Runs `write` after the client's earlier writes; a failure is logged and resolves undefined. */
  private enqueue<T>(clientId: string, what: string, write: () => Promise<T>): Promise<T | undefined> {
    const previous = this.chains.get(clientId) ?? Promise.resolve();
    const next = previous.then(write).catch((err: unknown) => {
      this.logger.warn({ err, clientId }, `could not ${what}; this broker keeps its local timers for it`);
      return undefined;
    });
    this.chains.set(clientId, next);
    void next.then(() => {
      if (this.chains.get(clientId) === next) this.chains.delete(clientId);
    });
    return next;
  }
}

function willRecord(will: WillMessage): Record<string, unknown> {
  return {
    topic: will.topic,
    qos: will.qos,
    retain: will.retain,
    delayIntervalSec: will.delay,
    // Buffers (correlation data) travel as {"$b": base64}, like the broker's own stored packets
    ...(will.properties
      ? { properties: JSON.parse(toJson(will.properties).toString()) as Record<string, unknown> }
      : {}),
  };
}
