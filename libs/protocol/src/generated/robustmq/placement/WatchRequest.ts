// Original file: proto/placement/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchRequest {
  'prefix'?: (string);
  'startRevision'?: (number | string | Long);
}

export interface WatchRequest__Output {
  'prefix': (string);
  'startRevision': (number);
}
