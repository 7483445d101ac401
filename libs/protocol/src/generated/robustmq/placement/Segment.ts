// Original file: proto/placement/journal.proto

import type { SegmentStatus as _robustmq_placement_SegmentStatus, SegmentStatus__Output as _robustmq_placement_SegmentStatus__Output } from '../../robustmq/placement/SegmentStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface Segment {
  'namespace'?: (string);
  'shardName'?: (string);
  'seq'?: (number | string | Long);
  /**
   * node ids of the journal servers holding the segment; the first is the initial leader.
   */
  'replicas'?: (number | string | Long)[];
  'leader'?: (number | string | Long);
  /**
   * bumped at every leader change, so a deposed leader's writes can be fenced.
   */
  'epoch'?: (number | string | Long);
  'status'?: (_robustmq_placement_SegmentStatus);
  /**
   * first offset in the segment; end_offset is the last one, -1 while the segment is written (or empty).
   */
  'startOffset'?: (number | string | Long);
  'endOffset'?: (number | string | Long);
  /**
   * timestamps (ms since the epoch) of the first and last record; 0 when unknown.
   */
  'startTimestampMs'?: (number | string | Long);
  'endTimestampMs'?: (number | string | Long);
  'createdAtMs'?: (number | string | Long);
}

export interface Segment__Output {
  'namespace': (string);
  'shardName': (string);
  'seq': (number);
  /**
   * node ids of the journal servers holding the segment; the first is the initial leader.
   */
  'replicas': (number)[];
  'leader': (number);
  /**
   * bumped at every leader change, so a deposed leader's writes can be fenced.
   */
  'epoch': (number);
  'status': (_robustmq_placement_SegmentStatus__Output);
  /**
   * first offset in the segment; end_offset is the last one, -1 while the segment is written (or empty).
   */
  'startOffset': (number);
  'endOffset': (number);
  /**
   * timestamps (ms since the epoch) of the first and last record; 0 when unknown.
   */
  'startTimestampMs': (number);
  'endTimestampMs': (number);
  'createdAtMs': (number);
}
