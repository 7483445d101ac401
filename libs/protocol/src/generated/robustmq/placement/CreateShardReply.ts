// Original file: proto/placement/journal.proto

import type { Shard as _robustmq_placement_Shard, Shard__Output as _robustmq_placement_Shard__Output } from '../../robustmq/placement/Shard.js';
import type { Segment as _robustmq_placement_Segment, Segment__Output as _robustmq_placement_Segment__Output } from '../../robustmq/placement/Segment.js';

export interface CreateShardReply {
  'shard'?: (_robustmq_placement_Shard | null);
  'segment'?: (_robustmq_placement_Segment | null);
}

export interface CreateShardReply__Output {
  'shard': (_robustmq_placement_Shard__Output | null);
  'segment': (_robustmq_placement_Segment__Output | null);
}
