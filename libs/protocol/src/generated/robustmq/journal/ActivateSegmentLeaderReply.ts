// Original file: proto/journal/inner.proto

import type { Long } from '@grpc/proto-loader';

export interface ActivateSegmentLeaderReply {
  /**
   * exclusive end of the committed records once leading.
   */
  'highWatermark'?: (number | string | Long);
  'durableEndOffset'?: (number | string | Long);
}

export interface ActivateSegmentLeaderReply__Output {
  /**
   * exclusive end of the committed records once leading.
   */
  'highWatermark': (number);
  'durableEndOffset': (number);
}
