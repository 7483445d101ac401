// Original file: proto/placement/journal.proto

import type { Segment as _robustmq_placement_Segment, Segment__Output as _robustmq_placement_Segment__Output } from '../../robustmq/placement/Segment.js';

export interface ListSegmentsReply {
  'segments'?: (_robustmq_placement_Segment)[];
}

export interface ListSegmentsReply__Output {
  'segments': (_robustmq_placement_Segment__Output)[];
}
