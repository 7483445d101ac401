// Original file: proto/placement/journal.proto

import type { ShardConfig as _robustmq_placement_ShardConfig, ShardConfig__Output as _robustmq_placement_ShardConfig__Output } from '../../robustmq/placement/ShardConfig.js';

export interface CreateShardRequest {
  'namespace'?: (string);
  'name'?: (string);
  'config'?: (_robustmq_placement_ShardConfig | null);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface CreateShardRequest__Output {
  'namespace': (string);
  'name': (string);
  'config': (_robustmq_placement_ShardConfig__Output | null);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
