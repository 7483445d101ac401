// Original file: proto/journal/inner.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ActivateSegmentLeaderReply as _robustmq_journal_ActivateSegmentLeaderReply, ActivateSegmentLeaderReply__Output as _robustmq_journal_ActivateSegmentLeaderReply__Output } from '../../robustmq/journal/ActivateSegmentLeaderReply.js';
import type { ActivateSegmentLeaderRequest as _robustmq_journal_ActivateSegmentLeaderRequest, ActivateSegmentLeaderRequest__Output as _robustmq_journal_ActivateSegmentLeaderRequest__Output } from '../../robustmq/journal/ActivateSegmentLeaderRequest.js';
import type { GetSegmentStateReply as _robustmq_journal_GetSegmentStateReply, GetSegmentStateReply__Output as _robustmq_journal_GetSegmentStateReply__Output } from '../../robustmq/journal/GetSegmentStateReply.js';
import type { GetSegmentStateRequest as _robustmq_journal_GetSegmentStateRequest, GetSegmentStateRequest__Output as _robustmq_journal_GetSegmentStateRequest__Output } from '../../robustmq/journal/GetSegmentStateRequest.js';
import type { UpdateCacheReply as _robustmq_journal_UpdateCacheReply, UpdateCacheReply__Output as _robustmq_journal_UpdateCacheReply__Output } from '../../robustmq/journal/UpdateCacheReply.js';
import type { UpdateCacheRequest as _robustmq_journal_UpdateCacheRequest, UpdateCacheRequest__Output as _robustmq_journal_UpdateCacheRequest__Output } from '../../robustmq/journal/UpdateCacheRequest.js';

export interface JournalInnerServiceClient extends grpc.Client {
  /**
   * Placement has made this node the segment's leader at `epoch` (already committed in placement): take over now.
   * Answers once the node leads (its copy reconciled with a majority of the replicas).
   */
  ActivateSegmentLeader(argument: _robustmq_journal_ActivateSegmentLeaderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_journal_ActivateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  ActivateSegmentLeader(argument: _robustmq_journal_ActivateSegmentLeaderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_journal_ActivateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  ActivateSegmentLeader(argument: _robustmq_journal_ActivateSegmentLeaderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_journal_ActivateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  ActivateSegmentLeader(argument: _robustmq_journal_ActivateSegmentLeaderRequest, callback: grpc.requestCallback<_robustmq_journal_ActivateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  /**
   * Placement has made this node the segment's leader at `epoch` (already committed in placement): take over now.
   * Answers once the node leads (its copy reconciled with a majority of the replicas).
   */
  activateSegmentLeader(argument: _robustmq_journal_ActivateSegmentLeaderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_journal_ActivateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  activateSegmentLeader(argument: _robustmq_journal_ActivateSegmentLeaderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_journal_ActivateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  activateSegmentLeader(argument: _robustmq_journal_ActivateSegmentLeaderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_journal_ActivateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  activateSegmentLeader(argument: _robustmq_journal_ActivateSegmentLeaderRequest, callback: grpc.requestCallback<_robustmq_journal_ActivateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * This node's durable state of one segment: where its copy ends, at which epoch, and whether it leads it.
   */
  GetSegmentState(argument: _robustmq_journal_GetSegmentStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_journal_GetSegmentStateReply__Output>): grpc.ClientUnaryCall;
  GetSegmentState(argument: _robustmq_journal_GetSegmentStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_journal_GetSegmentStateReply__Output>): grpc.ClientUnaryCall;
  GetSegmentState(argument: _robustmq_journal_GetSegmentStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_journal_GetSegmentStateReply__Output>): grpc.ClientUnaryCall;
  GetSegmentState(argument: _robustmq_journal_GetSegmentStateRequest, callback: grpc.requestCallback<_robustmq_journal_GetSegmentStateReply__Output>): grpc.ClientUnaryCall;
  /**
   * This node's durable state of one segment: where its copy ends, at which epoch, and whether it leads it.
   */
  getSegmentState(argument: _robustmq_journal_GetSegmentStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_journal_GetSegmentStateReply__Output>): grpc.ClientUnaryCall;
  getSegmentState(argument: _robustmq_journal_GetSegmentStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_journal_GetSegmentStateReply__Output>): grpc.ClientUnaryCall;
  getSegmentState(argument: _robustmq_journal_GetSegmentStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_journal_GetSegmentStateReply__Output>): grpc.ClientUnaryCall;
  getSegmentState(argument: _robustmq_journal_GetSegmentStateRequest, callback: grpc.requestCallback<_robustmq_journal_GetSegmentStateReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * A segment's metadata (leader, epoch, status) changed in placement: re-read it and act on it now.
   */
  UpdateCache(argument: _robustmq_journal_UpdateCacheRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_journal_UpdateCacheReply__Output>): grpc.ClientUnaryCall;
  UpdateCache(argument: _robustmq_journal_UpdateCacheRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_journal_UpdateCacheReply__Output>): grpc.ClientUnaryCall;
  UpdateCache(argument: _robustmq_journal_UpdateCacheRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_journal_UpdateCacheReply__Output>): grpc.ClientUnaryCall;
  UpdateCache(argument: _robustmq_journal_UpdateCacheRequest, callback: grpc.requestCallback<_robustmq_journal_UpdateCacheReply__Output>): grpc.ClientUnaryCall;
  /**
   * A segment's metadata (leader, epoch, status) changed in placement: re-read it and act on it now.
   */
  updateCache(argument: _robustmq_journal_UpdateCacheRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_journal_UpdateCacheReply__Output>): grpc.ClientUnaryCall;
  updateCache(argument: _robustmq_journal_UpdateCacheRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_journal_UpdateCacheReply__Output>): grpc.ClientUnaryCall;
  updateCache(argument: _robustmq_journal_UpdateCacheRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_journal_UpdateCacheReply__Output>): grpc.ClientUnaryCall;
  updateCache(argument: _robustmq_journal_UpdateCacheRequest, callback: grpc.requestCallback<_robustmq_journal_UpdateCacheReply__Output>): grpc.ClientUnaryCall;
  
}

export interface JournalInnerServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Placement has made this node the segment's leader at `epoch` (already committed in placement): take over now.
   * Answers once the node leads (its copy reconciled with a majority of the replicas).
   */
  ActivateSegmentLeader: grpc.handleUnaryCall<_robustmq_journal_ActivateSegmentLeaderRequest__Output, _robustmq_journal_ActivateSegmentLeaderReply>;
  
  /**
   * This node's durable state of one segment: where its copy ends, at which epoch, and whether it leads it.
   */
  GetSegmentState: grpc.handleUnaryCall<_robustmq_journal_GetSegmentStateRequest__Output, _robustmq_journal_GetSegmentStateReply>;
  
  /**
   * A segment's metadata (leader, epoch, status) changed in placement: re-read it and act on it now.
   */
  UpdateCache: grpc.handleUnaryCall<_robustmq_journal_UpdateCacheRequest__Output, _robustmq_journal_UpdateCacheReply>;
  
}

export interface JournalInnerServiceDefinition extends grpc.ServiceDefinition {
  ActivateSegmentLeader: MethodDefinition<_robustmq_journal_ActivateSegmentLeaderRequest, _robustmq_journal_ActivateSegmentLeaderReply, _robustmq_journal_ActivateSegmentLeaderRequest__Output, _robustmq_journal_ActivateSegmentLeaderReply__Output>
  GetSegmentState: MethodDefinition<_robustmq_journal_GetSegmentStateRequest, _robustmq_journal_GetSegmentStateReply, _robustmq_journal_GetSegmentStateRequest__Output, _robustmq_journal_GetSegmentStateReply__Output>
  UpdateCache: MethodDefinition<_robustmq_journal_UpdateCacheRequest, _robustmq_journal_UpdateCacheReply, _robustmq_journal_UpdateCacheRequest__Output, _robustmq_journal_UpdateCacheReply__Output>
}
