// Where the broker's user and access-control data live: placement by default (placement-auth-storage.ts) or MySQL
// (mysql-auth-storage.ts). One adapter is shared by every connection handler; it is chosen by `[auth] storage`
// (open-auth-storage.ts).

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
  /** releases what the adapter opened (connections); the broker calls it once on shutdown. */
  close(): Promise<void>;
}

export const AUTH_STORAGE_TYPES = ['placement', 'mysql'] as const;
export type AuthStorageType = (typeof AUTH_STORAGE_TYPES)[number];
