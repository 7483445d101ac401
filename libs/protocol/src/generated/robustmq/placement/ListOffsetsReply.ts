// Original file: proto/placement/journal.proto

import type { ConsumerOffset as _robustmq_placement_ConsumerOffset, ConsumerOffset__Output as _robustmq_placement_ConsumerOffset__Output } from '../../robustmq/placement/ConsumerOffset.js';

export interface ListOffsetsReply {
  'offsets'?: (_robustmq_placement_ConsumerOffset)[];
}

export interface ListOffsetsReply__Output {
  'offsets': (_robustmq_placement_ConsumerOffset__Output)[];
}
