// Original file: proto/placement/journal.proto

import type { Long } from '@grpc/proto-loader';

export interface UpdateSegmentLeaderRequest {
  'namespace'?: (string);
  'shardName'?: (string);
  'segmentSeq'?: (number | string | Long);
  /**
   * must be one of the segment's replicas.
   */
  'leader'?: (number | string | Long);
  /**
   * when non-zero, the change applies only if the segment's epoch is still this one (FAILED_PRECONDITION otherwise).
   */
  'expectedEpoch'?: (number | string | Long);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface UpdateSegmentLeaderRequest__Output {
  'namespace': (string);
  'shardName': (string);
  'segmentSeq': (number);
  /**
   * must be one of the segment's replicas.
   */
  'leader': (number);
  /**
   * when non-zero, the change applies only if the segment's epoch is still this one (FAILED_PRECONDITION otherwise).
   */
  'expectedEpoch': (number);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
