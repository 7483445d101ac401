// Broker state resources (sessions, subscriptions, topics, retained and will messages, topic-rewrite and
// auto-subscribe rules, shared-subscription group leaders): one put/get/delete/list surface, validated per type
// by resource-schemas.ts.
import { pageLimit, requireEnum } from '../metadata/field-checks.js';
import { accepted, invalid, notFound } from '../metadata/metadata-error.js';
import { tagged, type WriteOptions } from '../metadata/write-options.js';
import type { Proposer } from '../state/proposer.js';
import {
  RESOURCE_TYPES,
  resourceKey,
  resourcePrefix,
  type ResourceTypeName,
  type StoredResource,
} from '../state/mqtt-records.js';
import type { PlacementStateMachine } from '../state/state-machine.js';
import { RESOURCE_SPECS, parseResourceJson } from './resource-schemas.js';

const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

export function resourceType(value: string): ResourceTypeName {
  return requireEnum('type', value, RESOURCE_TYPES);
}

function checkKey(type: ResourceTypeName, key: string): string {
  RESOURCE_SPECS[type].checkKey(`key (${RESOURCE_SPECS[type].keyName})`, key);
  return key;
}

export class MqttResources {
  constructor(
    private readonly sm: PlacementStateMachine,
    private readonly proposer: Proposer,
  ) {}

  async put(
    input: { type: string; key: string; json: string; payload?: Buffer },
    options: WriteOptions = {},
  ): Promise<{ resource: StoredResource; created: boolean }> {
    const type = resourceType(input.type);
    const key = checkKey(type, input.key);
    const record = parseResourceJson(type, input.json);
    const payload = input.payload ?? Buffer.alloc(0);
    if (payload.length > 0 && !RESOURCE_SPECS[type].hasPayload)
      throw invalid(`payload is only for RETAINED_MESSAGE and WILL_MESSAGE, not ${type}`);
    if (payload.length > MAX_PAYLOAD_BYTES)
      throw invalid(`payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
    const resource: StoredResource = {
      type,
      key,
      record,
      payload: payload.toString('base64'),
      updatedAtMs: Date.now(),
    };
    const result = await this.proposer.propose({ type: 'mqtt.resource.put', resource, ...tagged(options) });
    // a retry carries the same content; only the time is the first attempt's
    return {
      resource: { ...resource, updatedAtMs: result.updatedAtMs ?? resource.updatedAtMs },
      created: result.created,
    };
  }

  async get(typeIn: string, keyIn: string): Promise<StoredResource> {
    const type = resourceType(typeIn);
    const key = checkKey(type, keyIn);
    await this.proposer.readBarrier();
    const resource = await this.sm.getRecord<StoredResource>(resourceKey(type, key));
    if (!resource) throw notFound(`${type} "${key}" not found`);
    return resource;
  }

  async delete(typeIn: string, keyIn: string, options: WriteOptions = {}): Promise<void> {
    const type = resourceType(typeIn);
    accepted(
      await this.proposer.propose({
        type: 'mqtt.resource.delete',
        resourceType: type,
        key: checkKey(type, keyIn),
        ...tagged(options),
      }),
    );
  }

  async list(
    typeIn: string,
    options: { keyPrefix?: string; startAfter?: string; limit?: number },
  ): Promise<{ resources: StoredResource[]; more: boolean }> {
    const type = resourceType(typeIn);
    await this.proposer.readBarrier();
    const page = await this.sm.scanRecords<StoredResource>(resourcePrefix(type) + (options.keyPrefix ?? ''), {
      ...(options.startAfter ? { startAfter: resourceKey(type, options.startAfter) } : {}),
      limit: pageLimit(options.limit),
    });
    return { resources: page.items, more: page.more };
  }
}
