// Original file: proto/placement/journal.proto

import type { Segment as _robustmq_placement_Segment, Segment__Output as _robustmq_placement_Segment__Output } from '../../robustmq/placement/Segment.js';

export interface UpdateSegmentLeaderReply {
  'segment'?: (_robustmq_placement_Segment | null);
}

export interface UpdateSegmentLeaderReply__Output {
  'segment': (_robustmq_placement_Segment__Output | null);
}
