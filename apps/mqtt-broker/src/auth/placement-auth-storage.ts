// The default AuthStorageAdapter: users (salted scrypt hashes, checked by the placement center), ACL rules and the
// blacklist kept in the placement center and read over its gRPC API.
import type { PlacementClient } from '@robustmq/placement-client';
import type {
  AclAction,
  AclPermission,
  AclRule,
  AclSubject,
  AuthStorageAdapter,
  BlacklistEntry,
  BlacklistType,
} from './auth-storage-adapter.js';

export class PlacementAuthStorage implements AuthStorageAdapter {
  /** `client` stays the caller's: the broker shares it with registration and rules, and closes it itself. */
  constructor(private readonly client: PlacementClient) {}

  authenticate(username: string, password: string) {
    return this.client.mqtt.authenticateUser(username, password);
  }

  async listAcl(): Promise<AclRule[]> {
    return (await this.client.mqtt.listAclRules()).map((r) => ({
      id: r.id,
      permission: r.permission as AclPermission,
      action: r.action as AclAction,
      subjectType: r.subjectType as AclSubject,
      subjectValue: r.subjectValue,
      topicFilter: r.topicFilter,
      priority: r.priority,
    }));
  }

  async listBlacklist(): Promise<BlacklistEntry[]> {
    return (await this.client.mqtt.listBlacklist()).map((e) => ({
      type: e.type as BlacklistType,
      value: e.value,
      expiresAtMs: e.expiresAtMs,
    }));
  }

  async close(): Promise<void> {}
}
