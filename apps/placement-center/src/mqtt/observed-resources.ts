// MqttResources that tell listeners about every resource write this member proposed once it is applied. The leader's
// MQTT scheduler follows sessions and wills this way: brokers' writes reach the leader (followers send clients
// there), and a member that becomes leader rebuilds its view from the state machine instead.
// It also refuses a stale hand-off: a broker that reports a session disconnected while the session is connected on
// another broker (or by a newer connection) gets FAILED_PRECONDITION, so a slow broker that noticed a dead socket late
// cannot make the leader fire the will of a client that has already reconnected elsewhere. The check reads the
// applied state before proposing, so it narrows the race to one Raft round trip rather than closing it.
import { MetadataError } from '../metadata/metadata-error.js';
import type { Proposer } from '../state/proposer.js';
import { resourceKey, type StoredResource, type ResourceTypeName } from '../state/mqtt-records.js';
import type { PlacementStateMachine } from '../state/state-machine.js';
import { MqttResources, resourceType } from './mqtt-resources.js';

interface SessionOwnership {
  brokerNodeId?: number;
  connected?: boolean;
  connectedAtMs?: number;
}

/** A resource write proposed here and applied. */
export type ResourceChange =
  { kind: 'put'; resource: StoredResource } | { kind: 'delete'; type: ResourceTypeName; key: string };

export class ObservedMqttResources extends MqttResources {
  private readonly listeners = new Set<(change: ResourceChange) => void>();

  constructor(
    private readonly records: PlacementStateMachine,
    proposer: Proposer,
  ) {
    super(records, proposer);
  }

  override async put(...args: Parameters<MqttResources['put']>): ReturnType<MqttResources['put']> {
    if (args[0].type === 'SESSION') await this.refuseStaleDisconnect(args[0].key, args[0].json);
    const result = await super.put(...args);
    this.emit({ kind: 'put', resource: result.resource });
    return result;
  }

  override async delete(...args: Parameters<MqttResources['delete']>): ReturnType<MqttResources['delete']> {
    await super.delete(...args);
    this.emit({ kind: 'delete', type: resourceType(args[0]), key: args[1] });
  }

  private async refuseStaleDisconnect(clientId: string, json: string): Promise<void> {
    let incoming: SessionOwnership;
    try {
      incoming = JSON.parse(json) as SessionOwnership;
    } catch {
      return; // put() reports the bad JSON
    }
    if (typeof incoming !== 'object' || incoming === null || incoming.connected !== false) return;
    const stored = (await this.records.getRecord<StoredResource>(resourceKey('SESSION', clientId)))
      ?.record as SessionOwnership | undefined;
    if (!stored?.connected) return;
    if (
      stored.brokerNodeId !== incoming.brokerNodeId ||
      (stored.connectedAtMs ?? 0) > (incoming.connectedAtMs ?? 0)
    ) {
      throw new MetadataError(
        'FAILED_PRECONDITION',
        `session "${clientId}" is connected on broker ${stored.brokerNodeId} by a newer connection; this disconnect is stale`,
      );
    }
  }

  /** Follows applied resource writes; returns the function that stops following. */
  onChange(listener: (change: ResourceChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: ResourceChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
