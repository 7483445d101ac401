// Original file: proto/placement/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteReply {
  'deleted'?: (boolean);
  'revision'?: (number | string | Long);
}

export interface DeleteReply__Output {
  'deleted': (boolean);
  'revision': (number);
}
