// MqttResources that tell listeners about every resource write this member proposed once it is applied. The leader's
// MQTT scheduler follows sessions and wills this way: brokers' writes reach the leader (followers send clients
// there), and a member that becomes leader rebuilds its view from the state machine instead.
import type { StoredResource, ResourceTypeName } from '../state/mqtt-records.js';
import { MqttResources, resourceType } from './mqtt-resources.js';

/** A resource write proposed here and applied. */
export type ResourceChange =
  | { kind: 'put'; resource: StoredResource }
  | { kind: 'delete'; type: ResourceTypeName; key: string };

export class ObservedMqttResources extends MqttResources {
  private readonly listeners = new Set<(change: ResourceChange) => void>();

  override async put(...args: Parameters<MqttResources['put']>): ReturnType<MqttResources['put']> {
    const result = await super.put(...args);
    this.emit({ kind: 'put', resource: result.resource });
    return result;
  }

  override async delete(...args: Parameters<MqttResources['delete']>): ReturnType<MqttResources['delete']> {
    await super.delete(...args);
    this.emit({ kind: 'delete', type: resourceType(args[0]), key: args[1] });
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
