// Original file: proto/journal/inner.proto

import type { Long } from '@grpc/proto-loader';

export interface GetSegmentStateRequest {
  'namespace'?: (string);
  'shardName'?: (string);
  'segmentSeq'?: (number | string | Long);
}

export interface GetSegmentStateRequest__Output {
  'namespace': (string);
  'shardName': (string);
  'segmentSeq': (number);
}
