// Original file: proto/raft.proto

import type { RaftMessage as _robustmq_raft_RaftMessage, RaftMessage__Output as _robustmq_raft_RaftMessage__Output } from '../../robustmq/raft/RaftMessage.js';

export interface RaftBatch {
  /**
   * the Raft group the messages belong to (one process may host several groups)
   */
  'group'?: (string);
  'messages'?: (_robustmq_raft_RaftMessage)[];
}

export interface RaftBatch__Output {
  /**
   * the Raft group the messages belong to (one process may host several groups)
   */
  'group': (string);
  'messages': (_robustmq_raft_RaftMessage__Output)[];
}
