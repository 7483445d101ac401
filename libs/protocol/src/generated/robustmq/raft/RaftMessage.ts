// Original file: proto/raft.proto

import type { RaftEntry as _robustmq_raft_RaftEntry, RaftEntry__Output as _robustmq_raft_RaftEntry__Output } from '../../robustmq/raft/RaftEntry.js';
import type { SnapshotMetadataProto as _robustmq_raft_SnapshotMetadataProto, SnapshotMetadataProto__Output as _robustmq_raft_SnapshotMetadataProto__Output } from '../../robustmq/raft/SnapshotMetadataProto.js';
import type { Long } from '@grpc/proto-loader';

export interface RaftMessage {
  'type'?: (string);
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
  'term'?: (number | string | Long);
  'logTerm'?: (number | string | Long);
  'index'?: (number | string | Long);
  'entries'?: (_robustmq_raft_RaftEntry)[];
  'commit'?: (number | string | Long);
  'reject'?: (boolean);
  'rejectHint'?: (number | string | Long);
  'force'?: (boolean);
  'context'?: (Buffer | Uint8Array | string);
  'tick'?: (number | string | Long);
  'snapshot'?: (_robustmq_raft_SnapshotMetadataProto | null);
  'offset'?: (number | string | Long);
  'data'?: (Buffer | Uint8Array | string);
  'done'?: (boolean);
  'transferee'?: (number | string | Long);
}

export interface RaftMessage__Output {
  'type': (string);
  'from': (number);
  'to': (number);
  'term': (number);
  'logTerm': (number);
  'index': (number);
  'entries': (_robustmq_raft_RaftEntry__Output)[];
  'commit': (number);
  'reject': (boolean);
  'rejectHint': (number);
  'force': (boolean);
  'context': (Buffer);
  'tick': (number);
  'snapshot': (_robustmq_raft_SnapshotMetadataProto__Output | null);
  'offset': (number);
  'data': (Buffer);
  'done': (boolean);
  'transferee': (number);
}
