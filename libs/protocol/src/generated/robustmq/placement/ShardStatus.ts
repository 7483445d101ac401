// Original file: proto/placement/journal.proto

export const ShardStatus = {
  SHARD_STATUS_UNSPECIFIED: 'SHARD_STATUS_UNSPECIFIED',
  SHARD_ACTIVE: 'SHARD_ACTIVE',
  SHARD_DELETING: 'SHARD_DELETING',
} as const;

export type ShardStatus =
  | 'SHARD_STATUS_UNSPECIFIED'
  | 0
  | 'SHARD_ACTIVE'
  | 1
  | 'SHARD_DELETING'
  | 2

export type ShardStatus__Output = typeof ShardStatus[keyof typeof ShardStatus]
