// Original file: proto/journal/inner.proto

import type { Long } from '@grpc/proto-loader';

export interface UpdateCacheReply {
  /**
   * what this node now knows of the segment from placement.
   */
  'leader'?: (number | string | Long);
  'epoch'?: (number | string | Long);
  /**
   * SEGMENT_WRITE, SEGMENT_SEALED or SEGMENT_DELETING (as in placement/journal.proto).
   */
  'status'?: (string);
}

export interface UpdateCacheReply__Output {
  /**
   * what this node now knows of the segment from placement.
   */
  'leader': (number);
  'epoch': (number);
  /**
   * SEGMENT_WRITE, SEGMENT_SEALED or SEGMENT_DELETING (as in placement/journal.proto).
   */
  'status': (string);
}
