// Original file: proto/journal/inner.proto

import type { Long } from '@grpc/proto-loader';

export interface ActivateSegmentLeaderRequest {
  'namespace'?: (string);
  'shardName'?: (string);
  'segmentSeq'?: (number | string | Long);
  /**
   * the epoch placement committed with this node as leader.
   */
  'epoch'?: (number | string | Long);
}

export interface ActivateSegmentLeaderRequest__Output {
  'namespace': (string);
  'shardName': (string);
  'segmentSeq': (number);
  /**
   * the epoch placement committed with this node as leader.
   */
  'epoch': (number);
}
