// Sessions belong to the cluster: when a client connects here and placement's SESSION record says its persistent
// session lives on another broker, this broker asks that broker (its inner gRPC service, TakeOverSession) to close
// the client's old connection (MQTT 5: DISCONNECT 0x8E), commit the session's position in the shared message log and
// hand over the session's subscriptions and QoS 2 packet ids; the new connection then resumes the session here,
// reading the shared log from that position — so messages queued while the client was away, and those it had not
// acknowledged, follow it. When that broker is dead (unregistered, or refusing connections), the session's state is
// read from that broker's own journal namespace (`mqtt-broker-<node id>`, read-only: nothing there is changed) and
// its position from the shared log, where the dead broker committed it. A broker that is alive but slow is asked
// again, never read behind its back; when nothing settles it the CONNECT fails and the client retries. See
// docs/architecture.md "The broker cluster".
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@robustmq/common';
import type { PlacementClient } from '@robustmq/placement-client';
import {
  ClusterClients,
  ClusterTypes,
  newBrokerInnerClient,
  type BrokerInnerServiceClient,
  type ClusterTls,
} from '@robustmq/protocol';
import type { StorageAdapter } from '@robustmq/storage-adapter';
import type { HandedSession } from '../session/session-lifecycle.js';
import {
  SessionPersistence,
  type IncomingMarker,
  type StoredSubscription,
} from '../storage/session-persistence.js';

const TAKE_OVER_TIMEOUT_MS = 3_000;
/** a broker that is alive but slow to hand over (its commit waits for the journal) is asked once more, for longer. */
const TAKE_OVER_RETRY_TIMEOUT_MS = 10_000;
/** a dead broker's state snapshot is read again after this long (its sessions reconnect within seconds). */
const SNAPSHOT_TTL_MS = 30_000;

/** How to open another broker's storage (its journal namespace) for reading. */
export type OpenBrokerStorage = (nodeId: number) => Promise<StorageAdapter>;

export class ClusterSessions {
  private readonly clients: ClusterClients<BrokerInnerServiceClient>;
  /** read-only snapshots of dead brokers' session state, by node id. */
  private readonly snapshots = new Map<
    number,
    { at: number; persistence: Promise<SessionPersistence | undefined> }
  >();

  constructor(
    private readonly placement: PlacementClient,
    private readonly nodeId: number,
    private readonly logger: Logger,
    authToken: string | undefined,
    private readonly openBrokerStorage: OpenBrokerStorage,
    /** the cluster's TLS settings for the inner gRPC channel; undefined = plaintext. */
    tls: ClusterTls | undefined,
  ) {
    this.clients = new ClusterClients(newBrokerInnerClient, { authToken, tls });
  }

  /** The session of `clientId` from the broker placement says holds it, or undefined when no other broker does.
   * Rejects when that cannot be settled now — placement cannot be asked, the broker holding the session is registered
   * but does not hand it over, or a dead broker's state cannot be read — so the CONNECT fails and the client tries
   * again: a session started here meanwhile would be a second copy, and each copy resends from its own position what
   * the other had completed (QoS 2 duplicates). Only a broker that is gone (not registered, or refusing connections)
   * has its state read from its storage. */
  async takeOver(clientId: string): Promise<HandedSession | undefined> {
    const record = await this.placement.mqtt.getResource('SESSION', clientId);
    if (!record) return undefined;
    const owner = Number(record.record.brokerNodeId);
    if (!Number.isInteger(owner) || owner === this.nodeId) return undefined;
    const address = await this.innerAddress(owner);
    if (!address) return this.fromDeadBroker(owner, clientId);
    let reply: Awaited<ReturnType<ClusterSessions['call']>>;
    try {
      reply = await this.call(address, clientId, TAKE_OVER_TIMEOUT_MS);
    } catch (err) {
      if ((err as { code?: number }).code === grpc.status.UNAVAILABLE) {
        this.logger.warn(
          { err, clientId, owner },
          'the broker holding the session is not reachable; reading its state',
        );
        return this.fromDeadBroker(owner, clientId);
      }
      // alive but slow: asked again, it answers with the same hand-over (inner-service.ts keeps it)
      this.logger.warn(
        { err, clientId, owner },
        'the broker holding the session did not hand it over in time; asking again',
      );
      reply = await this.call(address, clientId, TAKE_OVER_RETRY_TIMEOUT_MS);
    }
    if (!reply.found) return undefined;
    this.logger.debug({ clientId, from: owner }, 'session taken over from another broker');
    return {
      subscriptions: JSON.parse(reply.subscriptionsJson || '[]') as StoredSubscription[],
      awaitingRelease: reply.incomingJson
        ? parseMarkers(reply.incomingJson)
        : reply.awaitingRelease.map((id) => ({ id })),
      released: JSON.parse(reply.releasedJson || '[]') as [number, number][],
      expiry: Number(reply.expiry),
    };
  }

  /** The session as the dead broker `owner` last stored it, or undefined when it stored none (then it starts here);
   * rejects when its state cannot be read. */
  private async fromDeadBroker(owner: number, clientId: string): Promise<HandedSession | undefined> {
    try {
      let entry = this.snapshots.get(owner);
      if (!entry || Date.now() - entry.at > SNAPSHOT_TTL_MS) {
        entry = { at: Date.now(), persistence: this.readSnapshot(owner) };
        this.snapshots.set(owner, entry);
      }
      const persistence = await entry.persistence;
      const record = persistence?.getSession(clientId);
      if (!persistence || !record) return undefined;
      this.logger.info({ clientId, owner }, 'session resumed from the state of a broker that is gone');
      return {
        subscriptions: await persistence.subscriptionsByClient({ id: clientId }),
        awaitingRelease: persistence.incomingMarkers(clientId),
        released: persistence.releasedOf(clientId),
        expiry: record.expiry,
      };
    } catch (err) {
      this.snapshots.delete(owner);
      this.logger.warn(
        { err, clientId, owner },
        'could not read the session state of a broker that is gone; the client is refused for now',
      );
      throw err;
    }
  }

  private async readSnapshot(owner: number): Promise<SessionPersistence | undefined> {
    const storage = await this.openBrokerStorage(owner);
    try {
      return await SessionPersistence.snapshot(storage);
    } finally {
      await storage.close().catch(() => undefined);
    }
  }

  close(): void {
    this.clients.close();
  }

  private async innerAddress(nodeId: number): Promise<string | undefined> {
    const nodes = await this.placement.cluster.listNodes(ClusterTypes.mqttBroker);
    const node = nodes.find((n) => n.nodeId === nodeId);
    const port = node?.ports.grpc;
    return node && port ? `${node.host}:${port}` : undefined;
  }

  private call(
    address: string,
    clientId: string,
    timeoutMs: number,
  ): Promise<{
    found: boolean;
    subscriptionsJson: string;
    awaitingRelease: number[];
    releasedJson: string;
    expiry: number | string;
    incomingJson: string;
  }> {
    const inner = this.clients.get(address);
    return new Promise((resolve, reject) => {
      inner.TakeOverSession(
        { clientId, brokerNodeId: this.nodeId },
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err, reply) => (err || !reply ? reject(err ?? new Error('empty reply')) : resolve(reply)),
      );
    });
  }
}

/** The incoming QoS 2 markers of a TakeOverSession reply; anything malformed is an error (the takeover then reads
 * the other broker's stored state instead). */
function parseMarkers(json: string): IncomingMarker[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value)) throw new Error('incoming_json is not an array');
  return value.map((entry: unknown) => {
    const m = entry as Partial<IncomingMarker> | null;
    if (!m || !Number.isInteger(m.id) || m.id! < 1 || m.id! > 0xffff)
      throw new Error('incoming_json: bad packet id');
    if (m.tag === undefined) return { id: m.id! };
    if (
      typeof m.tag !== 'string' ||
      !/^[0-9a-f]{16}$/.test(m.tag) ||
      !Number.isInteger(m.from) ||
      !Number.isFinite(m.at)
    ) {
      throw new Error('incoming_json: bad marker');
    }
    return { id: m.id!, from: m.from!, at: m.at!, tag: m.tag };
  });
}
