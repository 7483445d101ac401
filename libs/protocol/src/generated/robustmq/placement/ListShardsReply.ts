// Original file: proto/placement/journal.proto

import type { Shard as _robustmq_placement_Shard, Shard__Output as _robustmq_placement_Shard__Output } from '../../robustmq/placement/Shard.js';

export interface ListShardsReply {
  'shards'?: (_robustmq_placement_Shard)[];
  'more'?: (boolean);
}

export interface ListShardsReply__Output {
  'shards': (_robustmq_placement_Shard__Output)[];
  'more': (boolean);
}
