// Original file: proto/placement/journal.proto

import type { Long } from '@grpc/proto-loader';

export interface ConsumerOffset {
  'group'?: (string);
  'namespace'?: (string);
  'shardName'?: (string);
  'offset'?: (number | string | Long);
  'committedAtMs'?: (number | string | Long);
}

export interface ConsumerOffset__Output {
  'group': (string);
  'namespace': (string);
  'shardName': (string);
  'offset': (number);
  'committedAtMs': (number);
}
