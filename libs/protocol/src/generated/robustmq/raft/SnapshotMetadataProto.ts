// Original file: proto/raft.proto

import type { ConfStateProto as _robustmq_raft_ConfStateProto, ConfStateProto__Output as _robustmq_raft_ConfStateProto__Output } from '../../robustmq/raft/ConfStateProto.js';
import type { Long } from '@grpc/proto-loader';

export interface SnapshotMetadataProto {
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  'confState'?: (_robustmq_raft_ConfStateProto | null);
}

export interface SnapshotMetadataProto__Output {
  'index': (number);
  'term': (number);
  'confState': (_robustmq_raft_ConfStateProto__Output | null);
}
