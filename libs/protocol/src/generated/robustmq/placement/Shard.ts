// Original file: proto/placement/journal.proto

import type { ShardConfig as _robustmq_placement_ShardConfig, ShardConfig__Output as _robustmq_placement_ShardConfig__Output } from '../../robustmq/placement/ShardConfig.js';
import type { ShardStatus as _robustmq_placement_ShardStatus, ShardStatus__Output as _robustmq_placement_ShardStatus__Output } from '../../robustmq/placement/ShardStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface Shard {
  'namespace'?: (string);
  'name'?: (string);
  'config'?: (_robustmq_placement_ShardConfig | null);
  'status'?: (_robustmq_placement_ShardStatus);
  /**
   * sequence number of the segment currently written.
   */
  'activeSegmentSeq'?: (number | string | Long);
  'createdAtMs'?: (number | string | Long);
}

export interface Shard__Output {
  'namespace': (string);
  'name': (string);
  'config': (_robustmq_placement_ShardConfig__Output | null);
  'status': (_robustmq_placement_ShardStatus__Output);
  /**
   * sequence number of the segment currently written.
   */
  'activeSegmentSeq': (number);
  'createdAtMs': (number);
}
