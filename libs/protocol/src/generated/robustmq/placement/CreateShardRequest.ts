// Original file: proto/placement/journal.proto

import type { ShardConfig as _robustmq_placement_ShardConfig, ShardConfig__Output as _robustmq_placement_ShardConfig__Output } from '../../robustmq/placement/ShardConfig.js';

export interface CreateShardRequest {
  'namespace'?: (string);
  'name'?: (string);
  'config'?: (_robustmq_placement_ShardConfig | null);
}

export interface CreateShardRequest__Output {
  'namespace': (string);
  'name': (string);
  'config': (_robustmq_placement_ShardConfig__Output | null);
}
