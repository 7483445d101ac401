// Original file: proto/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface ConfStateProto {
  'voters'?: (number | string | Long)[];
  'learners'?: (number | string | Long)[];
}

export interface ConfStateProto__Output {
  'voters': (number)[];
  'learners': (number)[];
}
