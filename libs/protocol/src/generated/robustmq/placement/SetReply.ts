// Original file: proto/placement/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface SetReply {
  'revision'?: (number | string | Long);
}

export interface SetReply__Output {
  'revision': (number);
}
