// Original file: proto/placement/journal.proto

import type { Segment as _robustmq_placement_Segment, Segment__Output as _robustmq_placement_Segment__Output } from '../../robustmq/placement/Segment.js';

export interface SealAndOpenNextReply {
  'sealed'?: (_robustmq_placement_Segment | null);
  'next'?: (_robustmq_placement_Segment | null);
}

export interface SealAndOpenNextReply__Output {
  'sealed': (_robustmq_placement_Segment__Output | null);
  'next': (_robustmq_placement_Segment__Output | null);
}
