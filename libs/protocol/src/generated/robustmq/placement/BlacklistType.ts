// Original file: proto/placement/mqtt.proto

export const BlacklistType = {
  BLACKLIST_TYPE_UNSPECIFIED: 'BLACKLIST_TYPE_UNSPECIFIED',
  BLACKLIST_CLIENT_ID: 'BLACKLIST_CLIENT_ID',
  BLACKLIST_USER: 'BLACKLIST_USER',
  BLACKLIST_IP: 'BLACKLIST_IP',
  BLACKLIST_CIDR: 'BLACKLIST_CIDR',
} as const;

export type BlacklistType =
  | 'BLACKLIST_TYPE_UNSPECIFIED'
  | 0
  | 'BLACKLIST_CLIENT_ID'
  | 1
  | 'BLACKLIST_USER'
  | 2
  | 'BLACKLIST_IP'
  | 3
  | 'BLACKLIST_CIDR'
  | 4

export type BlacklistType__Output = typeof BlacklistType[keyof typeof BlacklistType]
