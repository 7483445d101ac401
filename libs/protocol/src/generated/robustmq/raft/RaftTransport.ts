// Original file: proto/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RaftBatch as _robustmq_raft_RaftBatch, RaftBatch__Output as _robustmq_raft_RaftBatch__Output } from '../../robustmq/raft/RaftBatch.js';
import type { SendReply as _robustmq_raft_SendReply, SendReply__Output as _robustmq_raft_SendReply__Output } from '../../robustmq/raft/SendReply.js';

export interface RaftTransportClient extends grpc.Client {
  Send(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_raft_SendReply__Output>): grpc.ClientWritableStream<_robustmq_raft_RaftBatch>;
  Send(metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_raft_SendReply__Output>): grpc.ClientWritableStream<_robustmq_raft_RaftBatch>;
  Send(options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_raft_SendReply__Output>): grpc.ClientWritableStream<_robustmq_raft_RaftBatch>;
  Send(callback: grpc.requestCallback<_robustmq_raft_SendReply__Output>): grpc.ClientWritableStream<_robustmq_raft_RaftBatch>;
  send(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_raft_SendReply__Output>): grpc.ClientWritableStream<_robustmq_raft_RaftBatch>;
  send(metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_raft_SendReply__Output>): grpc.ClientWritableStream<_robustmq_raft_RaftBatch>;
  send(options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_raft_SendReply__Output>): grpc.ClientWritableStream<_robustmq_raft_RaftBatch>;
  send(callback: grpc.requestCallback<_robustmq_raft_SendReply__Output>): grpc.ClientWritableStream<_robustmq_raft_RaftBatch>;
  
}

export interface RaftTransportHandlers extends grpc.UntypedServiceImplementation {
  Send: grpc.handleClientStreamingCall<_robustmq_raft_RaftBatch__Output, _robustmq_raft_SendReply>;
  
}

export interface RaftTransportDefinition extends grpc.ServiceDefinition {
  Send: MethodDefinition<_robustmq_raft_RaftBatch, _robustmq_raft_SendReply, _robustmq_raft_RaftBatch__Output, _robustmq_raft_SendReply__Output>
}
