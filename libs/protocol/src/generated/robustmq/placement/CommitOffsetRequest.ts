// Original file: proto/placement/journal.proto

import type { Long } from '@grpc/proto-loader';

export interface CommitOffsetRequest {
  'group'?: (string);
  'namespace'?: (string);
  'shardName'?: (string);
  'offset'?: (number | string | Long);
}

export interface CommitOffsetRequest__Output {
  'group': (string);
  'namespace': (string);
  'shardName': (string);
  'offset': (number);
}
