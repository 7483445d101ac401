// Original file: proto/placement/journal.proto

import type { Long } from '@grpc/proto-loader';

export interface SealAndOpenNextRequest {
  'namespace'?: (string);
  'shardName'?: (string);
  /**
   * the segment being sealed: must be the shard's active segment.
   */
  'segmentSeq'?: (number | string | Long);
  /**
   * last offset written to it (start_offset - 1 when it is empty).
   */
  'endOffset'?: (number | string | Long);
  'startTimestampMs'?: (number | string | Long);
  'endTimestampMs'?: (number | string | Long);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface SealAndOpenNextRequest__Output {
  'namespace': (string);
  'shardName': (string);
  /**
   * the segment being sealed: must be the shard's active segment.
   */
  'segmentSeq': (number);
  /**
   * last offset written to it (start_offset - 1 when it is empty).
   */
  'endOffset': (number);
  'startTimestampMs': (number);
  'endTimestampMs': (number);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
