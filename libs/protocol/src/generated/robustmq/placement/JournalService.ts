// Original file: proto/placement/journal.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CommitOffsetReply as _robustmq_placement_CommitOffsetReply, CommitOffsetReply__Output as _robustmq_placement_CommitOffsetReply__Output } from '../../robustmq/placement/CommitOffsetReply.js';
import type { CommitOffsetRequest as _robustmq_placement_CommitOffsetRequest, CommitOffsetRequest__Output as _robustmq_placement_CommitOffsetRequest__Output } from '../../robustmq/placement/CommitOffsetRequest.js';
import type { CreateShardReply as _robustmq_placement_CreateShardReply, CreateShardReply__Output as _robustmq_placement_CreateShardReply__Output } from '../../robustmq/placement/CreateShardReply.js';
import type { CreateShardRequest as _robustmq_placement_CreateShardRequest, CreateShardRequest__Output as _robustmq_placement_CreateShardRequest__Output } from '../../robustmq/placement/CreateShardRequest.js';
import type { DeleteShardReply as _robustmq_placement_DeleteShardReply, DeleteShardReply__Output as _robustmq_placement_DeleteShardReply__Output } from '../../robustmq/placement/DeleteShardReply.js';
import type { DeleteShardRequest as _robustmq_placement_DeleteShardRequest, DeleteShardRequest__Output as _robustmq_placement_DeleteShardRequest__Output } from '../../robustmq/placement/DeleteShardRequest.js';
import type { FetchOffsetReply as _robustmq_placement_FetchOffsetReply, FetchOffsetReply__Output as _robustmq_placement_FetchOffsetReply__Output } from '../../robustmq/placement/FetchOffsetReply.js';
import type { FetchOffsetRequest as _robustmq_placement_FetchOffsetRequest, FetchOffsetRequest__Output as _robustmq_placement_FetchOffsetRequest__Output } from '../../robustmq/placement/FetchOffsetRequest.js';
import type { GetShardReply as _robustmq_placement_GetShardReply, GetShardReply__Output as _robustmq_placement_GetShardReply__Output } from '../../robustmq/placement/GetShardReply.js';
import type { GetShardRequest as _robustmq_placement_GetShardRequest, GetShardRequest__Output as _robustmq_placement_GetShardRequest__Output } from '../../robustmq/placement/GetShardRequest.js';
import type { ListOffsetsReply as _robustmq_placement_ListOffsetsReply, ListOffsetsReply__Output as _robustmq_placement_ListOffsetsReply__Output } from '../../robustmq/placement/ListOffsetsReply.js';
import type { ListOffsetsRequest as _robustmq_placement_ListOffsetsRequest, ListOffsetsRequest__Output as _robustmq_placement_ListOffsetsRequest__Output } from '../../robustmq/placement/ListOffsetsRequest.js';
import type { ListSegmentsReply as _robustmq_placement_ListSegmentsReply, ListSegmentsReply__Output as _robustmq_placement_ListSegmentsReply__Output } from '../../robustmq/placement/ListSegmentsReply.js';
import type { ListSegmentsRequest as _robustmq_placement_ListSegmentsRequest, ListSegmentsRequest__Output as _robustmq_placement_ListSegmentsRequest__Output } from '../../robustmq/placement/ListSegmentsRequest.js';
import type { ListShardsReply as _robustmq_placement_ListShardsReply, ListShardsReply__Output as _robustmq_placement_ListShardsReply__Output } from '../../robustmq/placement/ListShardsReply.js';
import type { ListShardsRequest as _robustmq_placement_ListShardsRequest, ListShardsRequest__Output as _robustmq_placement_ListShardsRequest__Output } from '../../robustmq/placement/ListShardsRequest.js';
import type { SealAndOpenNextReply as _robustmq_placement_SealAndOpenNextReply, SealAndOpenNextReply__Output as _robustmq_placement_SealAndOpenNextReply__Output } from '../../robustmq/placement/SealAndOpenNextReply.js';
import type { SealAndOpenNextRequest as _robustmq_placement_SealAndOpenNextRequest, SealAndOpenNextRequest__Output as _robustmq_placement_SealAndOpenNextRequest__Output } from '../../robustmq/placement/SealAndOpenNextRequest.js';
import type { UpdateSegmentLeaderReply as _robustmq_placement_UpdateSegmentLeaderReply, UpdateSegmentLeaderReply__Output as _robustmq_placement_UpdateSegmentLeaderReply__Output } from '../../robustmq/placement/UpdateSegmentLeaderReply.js';
import type { UpdateSegmentLeaderRequest as _robustmq_placement_UpdateSegmentLeaderRequest, UpdateSegmentLeaderRequest__Output as _robustmq_placement_UpdateSegmentLeaderRequest__Output } from '../../robustmq/placement/UpdateSegmentLeaderRequest.js';

export interface JournalServiceClient extends grpc.Client {
  /**
   * Records a consumer group's next offset to read in a shard (the shard must exist).
   */
  CommitOffset(argument: _robustmq_placement_CommitOffsetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CommitOffsetReply__Output>): grpc.ClientUnaryCall;
  CommitOffset(argument: _robustmq_placement_CommitOffsetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_CommitOffsetReply__Output>): grpc.ClientUnaryCall;
  CommitOffset(argument: _robustmq_placement_CommitOffsetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CommitOffsetReply__Output>): grpc.ClientUnaryCall;
  CommitOffset(argument: _robustmq_placement_CommitOffsetRequest, callback: grpc.requestCallback<_robustmq_placement_CommitOffsetReply__Output>): grpc.ClientUnaryCall;
  /**
   * Records a consumer group's next offset to read in a shard (the shard must exist).
   */
  commitOffset(argument: _robustmq_placement_CommitOffsetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CommitOffsetReply__Output>): grpc.ClientUnaryCall;
  commitOffset(argument: _robustmq_placement_CommitOffsetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_CommitOffsetReply__Output>): grpc.ClientUnaryCall;
  commitOffset(argument: _robustmq_placement_CommitOffsetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CommitOffsetReply__Output>): grpc.ClientUnaryCall;
  commitOffset(argument: _robustmq_placement_CommitOffsetRequest, callback: grpc.requestCallback<_robustmq_placement_CommitOffsetReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Creates the shard and opens its segment 0 on replica_count journal servers.
   */
  CreateShard(argument: _robustmq_placement_CreateShardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateShardReply__Output>): grpc.ClientUnaryCall;
  CreateShard(argument: _robustmq_placement_CreateShardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_CreateShardReply__Output>): grpc.ClientUnaryCall;
  CreateShard(argument: _robustmq_placement_CreateShardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateShardReply__Output>): grpc.ClientUnaryCall;
  CreateShard(argument: _robustmq_placement_CreateShardRequest, callback: grpc.requestCallback<_robustmq_placement_CreateShardReply__Output>): grpc.ClientUnaryCall;
  /**
   * Creates the shard and opens its segment 0 on replica_count journal servers.
   */
  createShard(argument: _robustmq_placement_CreateShardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateShardReply__Output>): grpc.ClientUnaryCall;
  createShard(argument: _robustmq_placement_CreateShardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_CreateShardReply__Output>): grpc.ClientUnaryCall;
  createShard(argument: _robustmq_placement_CreateShardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CreateShardReply__Output>): grpc.ClientUnaryCall;
  createShard(argument: _robustmq_placement_CreateShardRequest, callback: grpc.requestCallback<_robustmq_placement_CreateShardReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Marks the shard and all its segments DELETING; journal servers then drop the data.
   */
  DeleteShard(argument: _robustmq_placement_DeleteShardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteShardReply__Output>): grpc.ClientUnaryCall;
  DeleteShard(argument: _robustmq_placement_DeleteShardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_DeleteShardReply__Output>): grpc.ClientUnaryCall;
  DeleteShard(argument: _robustmq_placement_DeleteShardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteShardReply__Output>): grpc.ClientUnaryCall;
  DeleteShard(argument: _robustmq_placement_DeleteShardRequest, callback: grpc.requestCallback<_robustmq_placement_DeleteShardReply__Output>): grpc.ClientUnaryCall;
  /**
   * Marks the shard and all its segments DELETING; journal servers then drop the data.
   */
  deleteShard(argument: _robustmq_placement_DeleteShardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteShardReply__Output>): grpc.ClientUnaryCall;
  deleteShard(argument: _robustmq_placement_DeleteShardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_DeleteShardReply__Output>): grpc.ClientUnaryCall;
  deleteShard(argument: _robustmq_placement_DeleteShardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteShardReply__Output>): grpc.ClientUnaryCall;
  deleteShard(argument: _robustmq_placement_DeleteShardRequest, callback: grpc.requestCallback<_robustmq_placement_DeleteShardReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * NOT_FOUND when the group has committed nothing for the shard.
   */
  FetchOffset(argument: _robustmq_placement_FetchOffsetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_FetchOffsetReply__Output>): grpc.ClientUnaryCall;
  FetchOffset(argument: _robustmq_placement_FetchOffsetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_FetchOffsetReply__Output>): grpc.ClientUnaryCall;
  FetchOffset(argument: _robustmq_placement_FetchOffsetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_FetchOffsetReply__Output>): grpc.ClientUnaryCall;
  FetchOffset(argument: _robustmq_placement_FetchOffsetRequest, callback: grpc.requestCallback<_robustmq_placement_FetchOffsetReply__Output>): grpc.ClientUnaryCall;
  /**
   * NOT_FOUND when the group has committed nothing for the shard.
   */
  fetchOffset(argument: _robustmq_placement_FetchOffsetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_FetchOffsetReply__Output>): grpc.ClientUnaryCall;
  fetchOffset(argument: _robustmq_placement_FetchOffsetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_FetchOffsetReply__Output>): grpc.ClientUnaryCall;
  fetchOffset(argument: _robustmq_placement_FetchOffsetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_FetchOffsetReply__Output>): grpc.ClientUnaryCall;
  fetchOffset(argument: _robustmq_placement_FetchOffsetRequest, callback: grpc.requestCallback<_robustmq_placement_FetchOffsetReply__Output>): grpc.ClientUnaryCall;
  
  GetShard(argument: _robustmq_placement_GetShardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetShardReply__Output>): grpc.ClientUnaryCall;
  GetShard(argument: _robustmq_placement_GetShardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_GetShardReply__Output>): grpc.ClientUnaryCall;
  GetShard(argument: _robustmq_placement_GetShardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetShardReply__Output>): grpc.ClientUnaryCall;
  GetShard(argument: _robustmq_placement_GetShardRequest, callback: grpc.requestCallback<_robustmq_placement_GetShardReply__Output>): grpc.ClientUnaryCall;
  getShard(argument: _robustmq_placement_GetShardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetShardReply__Output>): grpc.ClientUnaryCall;
  getShard(argument: _robustmq_placement_GetShardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_GetShardReply__Output>): grpc.ClientUnaryCall;
  getShard(argument: _robustmq_placement_GetShardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetShardReply__Output>): grpc.ClientUnaryCall;
  getShard(argument: _robustmq_placement_GetShardRequest, callback: grpc.requestCallback<_robustmq_placement_GetShardReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every offset the group committed, in shard order.
   */
  ListOffsets(argument: _robustmq_placement_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListOffsetsReply__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _robustmq_placement_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListOffsetsReply__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _robustmq_placement_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListOffsetsReply__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _robustmq_placement_ListOffsetsRequest, callback: grpc.requestCallback<_robustmq_placement_ListOffsetsReply__Output>): grpc.ClientUnaryCall;
  /**
   * Every offset the group committed, in shard order.
   */
  listOffsets(argument: _robustmq_placement_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListOffsetsReply__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _robustmq_placement_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListOffsetsReply__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _robustmq_placement_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListOffsetsReply__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _robustmq_placement_ListOffsetsRequest, callback: grpc.requestCallback<_robustmq_placement_ListOffsetsReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every segment of a shard, in sequence order.
   */
  ListSegments(argument: _robustmq_placement_ListSegmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListSegmentsReply__Output>): grpc.ClientUnaryCall;
  ListSegments(argument: _robustmq_placement_ListSegmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListSegmentsReply__Output>): grpc.ClientUnaryCall;
  ListSegments(argument: _robustmq_placement_ListSegmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListSegmentsReply__Output>): grpc.ClientUnaryCall;
  ListSegments(argument: _robustmq_placement_ListSegmentsRequest, callback: grpc.requestCallback<_robustmq_placement_ListSegmentsReply__Output>): grpc.ClientUnaryCall;
  /**
   * Every segment of a shard, in sequence order.
   */
  listSegments(argument: _robustmq_placement_ListSegmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListSegmentsReply__Output>): grpc.ClientUnaryCall;
  listSegments(argument: _robustmq_placement_ListSegmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListSegmentsReply__Output>): grpc.ClientUnaryCall;
  listSegments(argument: _robustmq_placement_ListSegmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListSegmentsReply__Output>): grpc.ClientUnaryCall;
  listSegments(argument: _robustmq_placement_ListSegmentsRequest, callback: grpc.requestCallback<_robustmq_placement_ListSegmentsReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Shards in (namespace, name) order, optionally of one namespace, paged.
   */
  ListShards(argument: _robustmq_placement_ListShardsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListShardsReply__Output>): grpc.ClientUnaryCall;
  ListShards(argument: _robustmq_placement_ListShardsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListShardsReply__Output>): grpc.ClientUnaryCall;
  ListShards(argument: _robustmq_placement_ListShardsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListShardsReply__Output>): grpc.ClientUnaryCall;
  ListShards(argument: _robustmq_placement_ListShardsRequest, callback: grpc.requestCallback<_robustmq_placement_ListShardsReply__Output>): grpc.ClientUnaryCall;
  /**
   * Shards in (namespace, name) order, optionally of one namespace, paged.
   */
  listShards(argument: _robustmq_placement_ListShardsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListShardsReply__Output>): grpc.ClientUnaryCall;
  listShards(argument: _robustmq_placement_ListShardsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListShardsReply__Output>): grpc.ClientUnaryCall;
  listShards(argument: _robustmq_placement_ListShardsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListShardsReply__Output>): grpc.ClientUnaryCall;
  listShards(argument: _robustmq_placement_ListShardsRequest, callback: grpc.requestCallback<_robustmq_placement_ListShardsReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Seals the shard's active segment at end_offset and opens the next one (sequence + 1, start offset end_offset + 1),
   * possibly on other journal servers. FAILED_PRECONDITION when segment_seq is not the active writable segment.
   */
  SealAndOpenNext(argument: _robustmq_placement_SealAndOpenNextRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_SealAndOpenNextReply__Output>): grpc.ClientUnaryCall;
  SealAndOpenNext(argument: _robustmq_placement_SealAndOpenNextRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_SealAndOpenNextReply__Output>): grpc.ClientUnaryCall;
  SealAndOpenNext(argument: _robustmq_placement_SealAndOpenNextRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_SealAndOpenNextReply__Output>): grpc.ClientUnaryCall;
  SealAndOpenNext(argument: _robustmq_placement_SealAndOpenNextRequest, callback: grpc.requestCallback<_robustmq_placement_SealAndOpenNextReply__Output>): grpc.ClientUnaryCall;
  /**
   * Seals the shard's active segment at end_offset and opens the next one (sequence + 1, start offset end_offset + 1),
   * possibly on other journal servers. FAILED_PRECONDITION when segment_seq is not the active writable segment.
   */
  sealAndOpenNext(argument: _robustmq_placement_SealAndOpenNextRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_SealAndOpenNextReply__Output>): grpc.ClientUnaryCall;
  sealAndOpenNext(argument: _robustmq_placement_SealAndOpenNextRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_SealAndOpenNextReply__Output>): grpc.ClientUnaryCall;
  sealAndOpenNext(argument: _robustmq_placement_SealAndOpenNextRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_SealAndOpenNextReply__Output>): grpc.ClientUnaryCall;
  sealAndOpenNext(argument: _robustmq_placement_SealAndOpenNextRequest, callback: grpc.requestCallback<_robustmq_placement_SealAndOpenNextReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Moves a segment's leadership to another of its replicas and bumps its epoch.
   */
  UpdateSegmentLeader(argument: _robustmq_placement_UpdateSegmentLeaderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_UpdateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  UpdateSegmentLeader(argument: _robustmq_placement_UpdateSegmentLeaderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_UpdateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  UpdateSegmentLeader(argument: _robustmq_placement_UpdateSegmentLeaderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_UpdateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  UpdateSegmentLeader(argument: _robustmq_placement_UpdateSegmentLeaderRequest, callback: grpc.requestCallback<_robustmq_placement_UpdateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  /**
   * Moves a segment's leadership to another of its replicas and bumps its epoch.
   */
  updateSegmentLeader(argument: _robustmq_placement_UpdateSegmentLeaderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_UpdateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  updateSegmentLeader(argument: _robustmq_placement_UpdateSegmentLeaderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_UpdateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  updateSegmentLeader(argument: _robustmq_placement_UpdateSegmentLeaderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_UpdateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  updateSegmentLeader(argument: _robustmq_placement_UpdateSegmentLeaderRequest, callback: grpc.requestCallback<_robustmq_placement_UpdateSegmentLeaderReply__Output>): grpc.ClientUnaryCall;
  
}

export interface JournalServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Records a consumer group's next offset to read in a shard (the shard must exist).
   */
  CommitOffset: grpc.handleUnaryCall<_robustmq_placement_CommitOffsetRequest__Output, _robustmq_placement_CommitOffsetReply>;
  
  /**
   * Creates the shard and opens its segment 0 on replica_count journal servers.
   */
  CreateShard: grpc.handleUnaryCall<_robustmq_placement_CreateShardRequest__Output, _robustmq_placement_CreateShardReply>;
  
  /**
   * Marks the shard and all its segments DELETING; journal servers then drop the data.
   */
  DeleteShard: grpc.handleUnaryCall<_robustmq_placement_DeleteShardRequest__Output, _robustmq_placement_DeleteShardReply>;
  
  /**
   * NOT_FOUND when the group has committed nothing for the shard.
   */
  FetchOffset: grpc.handleUnaryCall<_robustmq_placement_FetchOffsetRequest__Output, _robustmq_placement_FetchOffsetReply>;
  
  GetShard: grpc.handleUnaryCall<_robustmq_placement_GetShardRequest__Output, _robustmq_placement_GetShardReply>;
  
  /**
   * Every offset the group committed, in shard order.
   */
  ListOffsets: grpc.handleUnaryCall<_robustmq_placement_ListOffsetsRequest__Output, _robustmq_placement_ListOffsetsReply>;
  
  /**
   * Every segment of a shard, in sequence order.
   */
  ListSegments: grpc.handleUnaryCall<_robustmq_placement_ListSegmentsRequest__Output, _robustmq_placement_ListSegmentsReply>;
  
  /**
   * Shards in (namespace, name) order, optionally of one namespace, paged.
   */
  ListShards: grpc.handleUnaryCall<_robustmq_placement_ListShardsRequest__Output, _robustmq_placement_ListShardsReply>;
  
  /**
   * Seals the shard's active segment at end_offset and opens the next one (sequence + 1, start offset end_offset + 1),
   * possibly on other journal servers. FAILED_PRECONDITION when segment_seq is not the active writable segment.
   */
  SealAndOpenNext: grpc.handleUnaryCall<_robustmq_placement_SealAndOpenNextRequest__Output, _robustmq_placement_SealAndOpenNextReply>;
  
  /**
   * Moves a segment's leadership to another of its replicas and bumps its epoch.
   */
  UpdateSegmentLeader: grpc.handleUnaryCall<_robustmq_placement_UpdateSegmentLeaderRequest__Output, _robustmq_placement_UpdateSegmentLeaderReply>;
  
}

export interface JournalServiceDefinition extends grpc.ServiceDefinition {
  CommitOffset: MethodDefinition<_robustmq_placement_CommitOffsetRequest, _robustmq_placement_CommitOffsetReply, _robustmq_placement_CommitOffsetRequest__Output, _robustmq_placement_CommitOffsetReply__Output>
  CreateShard: MethodDefinition<_robustmq_placement_CreateShardRequest, _robustmq_placement_CreateShardReply, _robustmq_placement_CreateShardRequest__Output, _robustmq_placement_CreateShardReply__Output>
  DeleteShard: MethodDefinition<_robustmq_placement_DeleteShardRequest, _robustmq_placement_DeleteShardReply, _robustmq_placement_DeleteShardRequest__Output, _robustmq_placement_DeleteShardReply__Output>
  FetchOffset: MethodDefinition<_robustmq_placement_FetchOffsetRequest, _robustmq_placement_FetchOffsetReply, _robustmq_placement_FetchOffsetRequest__Output, _robustmq_placement_FetchOffsetReply__Output>
  GetShard: MethodDefinition<_robustmq_placement_GetShardRequest, _robustmq_placement_GetShardReply, _robustmq_placement_GetShardRequest__Output, _robustmq_placement_GetShardReply__Output>
  ListOffsets: MethodDefinition<_robustmq_placement_ListOffsetsRequest, _robustmq_placement_ListOffsetsReply, _robustmq_placement_ListOffsetsRequest__Output, _robustmq_placement_ListOffsetsReply__Output>
  ListSegments: MethodDefinition<_robustmq_placement_ListSegmentsRequest, _robustmq_placement_ListSegmentsReply, _robustmq_placement_ListSegmentsRequest__Output, _robustmq_placement_ListSegmentsReply__Output>
  ListShards: MethodDefinition<_robustmq_placement_ListShardsRequest, _robustmq_placement_ListShardsReply, _robustmq_placement_ListShardsRequest__Output, _robustmq_placement_ListShardsReply__Output>
  SealAndOpenNext: MethodDefinition<_robustmq_placement_SealAndOpenNextRequest, _robustmq_placement_SealAndOpenNextReply, _robustmq_placement_SealAndOpenNextRequest__Output, _robustmq_placement_SealAndOpenNextReply__Output>
  UpdateSegmentLeader: MethodDefinition<_robustmq_placement_UpdateSegmentLeaderRequest, _robustmq_placement_UpdateSegmentLeaderReply, _robustmq_placement_UpdateSegmentLeaderRequest__Output, _robustmq_placement_UpdateSegmentLeaderReply__Output>
}
