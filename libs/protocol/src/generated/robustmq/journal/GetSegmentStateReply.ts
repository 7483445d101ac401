// Original file: proto/journal/inner.proto

import type { SegmentRole as _robustmq_journal_SegmentRole, SegmentRole__Output as _robustmq_journal_SegmentRole__Output } from '../../robustmq/journal/SegmentRole.js';
import type { Long } from '@grpc/proto-loader';

export interface GetSegmentStateReply {
  'role'?: (_robustmq_journal_SegmentRole);
  /**
   * first offset of the segment.
   */
  'startOffset'?: (number | string | Long);
  /**
   * exclusive end of the records on this node's disk (start_offset when it holds none).
   */
  'durableEndOffset'?: (number | string | Long);
  /**
   * newest epoch this replica has seen; requests from older epochs are refused.
   */
  'epoch'?: (number | string | Long);
  /**
   * epoch of the last record on disk (0 when empty): with durable_end_offset, how up to date the copy is.
   */
  'lastEpoch'?: (number | string | Long);
  /**
   * exclusive end of the segment once sealed; -1 while it is written.
   */
  'sealedEndOffset'?: (number | string | Long);
  /**
   * while leading: the high watermark (exclusive end of the committed records); -1 otherwise.
   */
  'highWatermark'?: (number | string | Long);
}

export interface GetSegmentStateReply__Output {
  'role': (_robustmq_journal_SegmentRole__Output);
  /**
   * first offset of the segment.
   */
  'startOffset': (number);
  /**
   * exclusive end of the records on this node's disk (start_offset when it holds none).
   */
  'durableEndOffset': (number);
  /**
   * newest epoch this replica has seen; requests from older epochs are refused.
   */
  'epoch': (number);
  /**
   * epoch of the last record on disk (0 when empty): with durable_end_offset, how up to date the copy is.
   */
  'lastEpoch': (number);
  /**
   * exclusive end of the segment once sealed; -1 while it is written.
   */
  'sealedEndOffset': (number);
  /**
   * while leading: the high watermark (exclusive end of the committed records); -1 otherwise.
   */
  'highWatermark': (number);
}
