import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ConfStateProto as _robustmq_raft_ConfStateProto, ConfStateProto__Output as _robustmq_raft_ConfStateProto__Output } from './robustmq/raft/ConfStateProto.js';
import type { RaftBatch as _robustmq_raft_RaftBatch, RaftBatch__Output as _robustmq_raft_RaftBatch__Output } from './robustmq/raft/RaftBatch.js';
import type { RaftEntry as _robustmq_raft_RaftEntry, RaftEntry__Output as _robustmq_raft_RaftEntry__Output } from './robustmq/raft/RaftEntry.js';
import type { RaftMessage as _robustmq_raft_RaftMessage, RaftMessage__Output as _robustmq_raft_RaftMessage__Output } from './robustmq/raft/RaftMessage.js';
import type { RaftTransportClient as _robustmq_raft_RaftTransportClient, RaftTransportDefinition as _robustmq_raft_RaftTransportDefinition } from './robustmq/raft/RaftTransport.js';
import type { SendReply as _robustmq_raft_SendReply, SendReply__Output as _robustmq_raft_SendReply__Output } from './robustmq/raft/SendReply.js';
import type { SnapshotMetadataProto as _robustmq_raft_SnapshotMetadataProto, SnapshotMetadataProto__Output as _robustmq_raft_SnapshotMetadataProto__Output } from './robustmq/raft/SnapshotMetadataProto.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  robustmq: {
    raft: {
      ConfStateProto: MessageTypeDefinition<_robustmq_raft_ConfStateProto, _robustmq_raft_ConfStateProto__Output>
      RaftBatch: MessageTypeDefinition<_robustmq_raft_RaftBatch, _robustmq_raft_RaftBatch__Output>
      RaftEntry: MessageTypeDefinition<_robustmq_raft_RaftEntry, _robustmq_raft_RaftEntry__Output>
      RaftMessage: MessageTypeDefinition<_robustmq_raft_RaftMessage, _robustmq_raft_RaftMessage__Output>
      RaftTransport: SubtypeConstructor<typeof grpc.Client, _robustmq_raft_RaftTransportClient> & { service: _robustmq_raft_RaftTransportDefinition }
      SendReply: MessageTypeDefinition<_robustmq_raft_SendReply, _robustmq_raft_SendReply__Output>
      SnapshotMetadataProto: MessageTypeDefinition<_robustmq_raft_SnapshotMetadataProto, _robustmq_raft_SnapshotMetadataProto__Output>
    }
  }
}

