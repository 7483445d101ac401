// MQTT metadata records and their key layout (see records.ts for the other keyspaces):
//   mqtt/user/<username>                 StoredUser (JSON; the password only as a salted scrypt hash and SCRAM keys)
//   mqtt/acl/<id>                        StoredAclRule
//   mqtt/bl/<type>/<value>               StoredBlacklistEntry
//   mqtt/res/<resource type>/<key>       StoredResource (sessions, subscriptions, topics, retained and will
//                                        messages, topic-rewrite and auto-subscribe rules, shared-group leaders)
import type { PasswordHash, ScramCredentials } from '@robustmq/common';

export type { PasswordHash, ScramCredentials };

export interface StoredUser {
  username: string;
  password: PasswordHash;
  /** SCRAM-SHA-256/512 credentials derived from the same password (Kafka SASL/SCRAM); absent for users whose password
   * was set before they existed, until it is set again. */
  scram?: ScramCredentials;
  superuser: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

export const ACL_PERMISSIONS = ['ALLOW', 'DENY'] as const;
export const ACL_ACTIONS = ['PUBLISH', 'SUBSCRIBE', 'ALL'] as const;
export const ACL_SUBJECT_TYPES = ['SUBJECT_USER', 'SUBJECT_CLIENT_ID', 'SUBJECT_IP', 'SUBJECT_ALL'] as const;

export interface StoredAclRule {
  id: string;
  permission: (typeof ACL_PERMISSIONS)[number];
  action: (typeof ACL_ACTIONS)[number];
  subjectType: (typeof ACL_SUBJECT_TYPES)[number];
  subjectValue: string;
  topicFilter: string;
  priority: number;
  createdAtMs: number;
}

export const BLACKLIST_TYPES = [
  'BLACKLIST_CLIENT_ID',
  'BLACKLIST_USER',
  'BLACKLIST_IP',
  'BLACKLIST_CIDR',
] as const;
export type BlacklistTypeName = (typeof BLACKLIST_TYPES)[number];

export interface StoredBlacklistEntry {
  type: BlacklistTypeName;
  value: string;
  /** 0: never expires. */
  expiresAtMs: number;
  reason: string;
  createdAtMs: number;
}

export const RESOURCE_TYPES = [
  'SESSION',
  'SUBSCRIPTION',
  'TOPIC',
  'RETAINED_MESSAGE',
  'WILL_MESSAGE',
  'TOPIC_REWRITE_RULE',
  'AUTO_SUBSCRIBE_RULE',
  'SHARED_GROUP_LEADER',
] as const;
export type ResourceTypeName = (typeof RESOURCE_TYPES)[number];

export interface StoredResource {
  type: ResourceTypeName;
  key: string;
  /** the validated, normalised record. */
  record: Record<string, unknown>;
  /** base64 message payload (retained and will messages). */
  payload: string;
  updatedAtMs: number;
}

export const MQTT_KEY = {
  user: 'mqtt/user/',
  acl: 'mqtt/acl/',
  blacklist: 'mqtt/bl/',
  resource: 'mqtt/res/',
} as const;

export const userKey = (username: string) => MQTT_KEY.user + username;
export const aclKey = (id: string) => MQTT_KEY.acl + id;
export const blacklistKey = (type: string, value: string) => `${MQTT_KEY.blacklist}${type}/${value}`;
export const resourcePrefix = (type: ResourceTypeName) => `${MQTT_KEY.resource}${type}/`;
export const resourceKey = (type: ResourceTypeName, key: string) => resourcePrefix(type) + key;
