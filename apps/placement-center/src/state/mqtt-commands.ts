// Replicated commands for MQTT metadata and their results. Everything non-deterministic (password salt and hash,
// generated ids, timestamps) is computed by the proposing member and travels inside the command.
import type { Rejection } from '../metadata/metadata-error.js';
import type { RequestTagged } from './request-id.js';
import type {
  BlacklistTypeName,
  PasswordHash,
  ResourceTypeName,
  ScramCredentials,
  StoredAclRule,
  StoredBlacklistEntry,
  StoredResource,
  StoredUser,
} from './mqtt-records.js';

export type MqttCommand = (
  | { type: 'mqtt.user.create'; user: StoredUser }
  | {
      type: 'mqtt.user.update';
      username: string;
      password?: PasswordHash;
      scram?: ScramCredentials;
      superuser?: boolean;
      updatedAtMs: number;
    }
  | { type: 'mqtt.user.delete'; username: string }
  | { type: 'mqtt.acl.create'; rule: StoredAclRule }
  | { type: 'mqtt.acl.delete'; id: string }
  | { type: 'mqtt.blacklist.put'; entry: StoredBlacklistEntry }
  | { type: 'mqtt.blacklist.delete'; entryType: BlacklistTypeName; value: string }
  | { type: 'mqtt.resource.put'; resource: StoredResource }
  | { type: 'mqtt.resource.delete'; resourceType: ResourceTypeName; key: string }
) &
  RequestTagged;

export type MqttCommandResult =
  | { type: 'mqtt.user.create'; rejection?: Rejection; user?: StoredUser }
  | { type: 'mqtt.user.update'; rejection?: Rejection; user?: StoredUser }
  | { type: 'mqtt.user.delete'; rejection?: Rejection }
  | { type: 'mqtt.acl.create'; rejection?: Rejection; rule?: StoredAclRule }
  | { type: 'mqtt.acl.delete'; rejection?: Rejection }
  | { type: 'mqtt.blacklist.put'; created: boolean; entry?: StoredBlacklistEntry }
  | { type: 'mqtt.blacklist.delete'; rejection?: Rejection }
  | { type: 'mqtt.resource.put'; created: boolean; updatedAtMs?: number }
  | { type: 'mqtt.resource.delete'; rejection?: Rejection };

const MQTT_TYPES = new Set<string>([
  'mqtt.user.create',
  'mqtt.user.update',
  'mqtt.user.delete',
  'mqtt.acl.create',
  'mqtt.acl.delete',
  'mqtt.blacklist.put',
  'mqtt.blacklist.delete',
  'mqtt.resource.put',
  'mqtt.resource.delete',
] satisfies MqttCommand['type'][]);

export function isMqttCommand(command: { type: string }): command is MqttCommand {
  return MQTT_TYPES.has(command.type);
}
