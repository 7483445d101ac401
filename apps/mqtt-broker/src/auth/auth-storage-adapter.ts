// Where the broker's user and access-control data live: placement by default (more implementations, e.g. MySQL,
// plug in here). One adapter is shared by every connection handler; it is chosen by `[auth] storage`.
import type { PlacementClient } from '@robustmq/common';

export type AclPermission = 'ALLOW' | 'DENY';
export type AclAction = 'PUBLISH' | 'SUBSCRIBE' | 'ALL';
export type AclSubject = 'SUBJECT_USER' | 'SUBJECT_CLIENT_ID' | 'SUBJECT_IP' | 'SUBJECT_ALL';

export interface AclRule {
  id: string;
  permission: AclPermission;
  action: AclAction;
  subjectType: AclSubject;
  subjectValue: string;
  topicFilter: string;
  priority: number;
}

export type BlacklistType = 'BLACKLIST_CLIENT_ID' | 'BLACKLIST_USER' | 'BLACKLIST_IP' | 'BLACKLIST_CIDR';

export interface BlacklistEntry {
  type: BlacklistType;
  value: string;
  /** ms since the epoch; 0 never expires */
  expiresAtMs: number;
}

export interface AuthStorageAdapter {
  authenticate(username: string, password: string): Promise<{ authenticated: boolean; superuser: boolean }>;
  listAcl(): Promise<AclRule[]>;
  listBlacklist(): Promise<BlacklistEntry[]>;
}

export const AUTH_STORAGE_TYPES = ['placement'] as const;
export type AuthStorageType = (typeof AUTH_STORAGE_TYPES)[number];

export class PlacementAuthStorage implements AuthStorageAdapter {
  constructor(private readonly client: PlacementClient) {}

  authenticate(username: string, password: string) {
    return this.client.authenticateUser(username, password);
  }

  async listAcl(): Promise<AclRule[]> {
    return (await this.client.listAclRules()).map((r) => ({
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
    return (await this.client.listBlacklist()).map((e) => ({ type: e.type as BlacklistType, value: e.value, expiresAtMs: e.expiresAtMs }));
  }
}

export function createAuthStorage(type: string, client: PlacementClient | undefined): AuthStorageAdapter {
  if (type === 'placement') {
    if (!client) throw new Error('[auth] storage = "placement" needs [placement] enabled = true');
    return new PlacementAuthStorage(client);
  }
  throw new Error(`unknown [auth] storage "${type}"; valid: ${AUTH_STORAGE_TYPES.join(', ')}`);
}
