// The MQTT blacklist: client ids, users, IPs and CIDR blocks refused at connect, each optionally until an expiry
// time. Expired entries stay listed (with their expiry) until deleted; brokers ignore them.
import { requireEnum, requireText, requireUint } from '../metadata/field-checks.js';
import { accepted } from '../metadata/metadata-error.js';
import { tagged, type WriteOptions } from '../metadata/write-options.js';
import type { Proposer } from '../state/proposer.js';
import {
  BLACKLIST_TYPES,
  MQTT_KEY,
  type BlacklistTypeName,
  type StoredBlacklistEntry,
} from '../state/mqtt-records.js';
import type { PlacementStateMachine } from '../state/state-machine.js';
import { checkCidr, checkIp } from './ip-address.js';

export interface BlacklistInput {
  type: string;
  value: string;
  expiresAtMs?: number;
  reason?: string;
}

function checkValue(type: BlacklistTypeName, value: string): string {
  if (type === 'BLACKLIST_IP') return checkIp('value', value);
  if (type === 'BLACKLIST_CIDR') return checkCidr('value', value);
  return requireText('value', value);
}

export class MqttBlacklist {
  constructor(
    private readonly sm: PlacementStateMachine,
    private readonly proposer: Proposer,
  ) {}

  async put(
    input: BlacklistInput,
    options: WriteOptions = {},
  ): Promise<{ entry: StoredBlacklistEntry; created: boolean }> {
    const type = requireEnum('type', input.type, BLACKLIST_TYPES);
    const entry: StoredBlacklistEntry = {
      type,
      value: checkValue(type, input.value),
      expiresAtMs: requireUint('expires_at_ms', input.expiresAtMs),
      reason: input.reason ? requireText('reason', input.reason) : '',
      createdAtMs: Date.now(),
    };
    const result = await this.proposer.propose({ type: 'mqtt.blacklist.put', entry, ...tagged(options) });
    return { entry: result.entry ?? entry, created: result.created };
  }

  async delete(typeIn: string, value: string, options: WriteOptions = {}): Promise<void> {
    const type = requireEnum('type', typeIn, BLACKLIST_TYPES);
    accepted(
      await this.proposer.propose({
        type: 'mqtt.blacklist.delete',
        entryType: type,
        value: requireText('value', value),
        ...tagged(options),
      }),
    );
  }

  async list(): Promise<StoredBlacklistEntry[]> {
    await this.proposer.readBarrier();
    return (await this.sm.scanRecords<StoredBlacklistEntry>(MQTT_KEY.blacklist)).items;
  }
}
