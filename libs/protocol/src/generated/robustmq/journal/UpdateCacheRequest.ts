// Original file: proto/journal/inner.proto

import type { Long } from '@grpc/proto-loader';

export interface UpdateCacheRequest {
  'namespace'?: (string);
  'shardName'?: (string);
  'segmentSeq'?: (number | string | Long);
}

export interface UpdateCacheRequest__Output {
  'namespace': (string);
  'shardName': (string);
  'segmentSeq': (number);
}
