// Where the broker's user and access-control data live: placement by default (placement-auth-storage.ts) or MySQL
// (mysql-auth-storage.ts). One adapter is shared by every connection handler; it is chosen by `[auth] storage`
// (open-auth-storage.ts).

// the rule types live in @robustmq/common (acl-rules.ts): the Kafka broker evaluates the same rules.
import type { AclRule } from '@robustmq/common';
export type { AclAction, AclPermission, AclRule, AclSubject } from '@robustmq/common';

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
  /** releases what the adapter opened (connections); the broker calls it once on shutdown. */
  close(): Promise<void>;
}

export const AUTH_STORAGE_TYPES = ['placement', 'mysql'] as const;
export type AuthStorageType = (typeof AUTH_STORAGE_TYPES)[number];
