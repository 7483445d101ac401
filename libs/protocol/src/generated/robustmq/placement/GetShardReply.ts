// Original file: proto/placement/journal.proto

import type { Shard as _robustmq_placement_Shard, Shard__Output as _robustmq_placement_Shard__Output } from '../../robustmq/placement/Shard.js';

export interface GetShardReply {
  'shard'?: (_robustmq_placement_Shard | null);
}

export interface GetShardReply__Output {
  'shard': (_robustmq_placement_Shard__Output | null);
}
