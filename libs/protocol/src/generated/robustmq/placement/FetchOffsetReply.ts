// Original file: proto/placement/journal.proto

import type { ConsumerOffset as _robustmq_placement_ConsumerOffset, ConsumerOffset__Output as _robustmq_placement_ConsumerOffset__Output } from '../../robustmq/placement/ConsumerOffset.js';

export interface FetchOffsetReply {
  'offset'?: (_robustmq_placement_ConsumerOffset | null);
}

export interface FetchOffsetReply__Output {
  'offset': (_robustmq_placement_ConsumerOffset__Output | null);
}
