import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CommitOffsetReply as _robustmq_placement_CommitOffsetReply, CommitOffsetReply__Output as _robustmq_placement_CommitOffsetReply__Output } from './robustmq/placement/CommitOffsetReply.js';
import type { CommitOffsetRequest as _robustmq_placement_CommitOffsetRequest, CommitOffsetRequest__Output as _robustmq_placement_CommitOffsetRequest__Output } from './robustmq/placement/CommitOffsetRequest.js';
import type { ConsumerOffset as _robustmq_placement_ConsumerOffset, ConsumerOffset__Output as _robustmq_placement_ConsumerOffset__Output } from './robustmq/placement/ConsumerOffset.js';
import type { CreateShardReply as _robustmq_placement_CreateShardReply, CreateShardReply__Output as _robustmq_placement_CreateShardReply__Output } from './robustmq/placement/CreateShardReply.js';
import type { CreateShardRequest as _robustmq_placement_CreateShardRequest, CreateShardRequest__Output as _robustmq_placement_CreateShardRequest__Output } from './robustmq/placement/CreateShardRequest.js';
import type { DeleteShardReply as _robustmq_placement_DeleteShardReply, DeleteShardReply__Output as _robustmq_placement_DeleteShardReply__Output } from './robustmq/placement/DeleteShardReply.js';
import type { DeleteShardRequest as _robustmq_placement_DeleteShardRequest, DeleteShardRequest__Output as _robustmq_placement_DeleteShardRequest__Output } from './robustmq/placement/DeleteShardRequest.js';
import type { FetchOffsetReply as _robustmq_placement_FetchOffsetReply, FetchOffsetReply__Output as _robustmq_placement_FetchOffsetReply__Output } from './robustmq/placement/FetchOffsetReply.js';
import type { FetchOffsetRequest as _robustmq_placement_FetchOffsetRequest, FetchOffsetRequest__Output as _robustmq_placement_FetchOffsetRequest__Output } from './robustmq/placement/FetchOffsetRequest.js';
import type { GetShardReply as _robustmq_placement_GetShardReply, GetShardReply__Output as _robustmq_placement_GetShardReply__Output } from './robustmq/placement/GetShardReply.js';
import type { GetShardRequest as _robustmq_placement_GetShardRequest, GetShardRequest__Output as _robustmq_placement_GetShardRequest__Output } from './robustmq/placement/GetShardRequest.js';
import type { JournalServiceClient as _robustmq_placement_JournalServiceClient, JournalServiceDefinition as _robustmq_placement_JournalServiceDefinition } from './robustmq/placement/JournalService.js';
import type { ListOffsetsReply as _robustmq_placement_ListOffsetsReply, ListOffsetsReply__Output as _robustmq_placement_ListOffsetsReply__Output } from './robustmq/placement/ListOffsetsReply.js';
import type { ListOffsetsRequest as _robustmq_placement_ListOffsetsRequest, ListOffsetsRequest__Output as _robustmq_placement_ListOffsetsRequest__Output } from './robustmq/placement/ListOffsetsRequest.js';
import type { ListSegmentsReply as _robustmq_placement_ListSegmentsReply, ListSegmentsReply__Output as _robustmq_placement_ListSegmentsReply__Output } from './robustmq/placement/ListSegmentsReply.js';
import type { ListSegmentsRequest as _robustmq_placement_ListSegmentsRequest, ListSegmentsRequest__Output as _robustmq_placement_ListSegmentsRequest__Output } from './robustmq/placement/ListSegmentsRequest.js';
import type { ListShardsReply as _robustmq_placement_ListShardsReply, ListShardsReply__Output as _robustmq_placement_ListShardsReply__Output } from './robustmq/placement/ListShardsReply.js';
import type { ListShardsRequest as _robustmq_placement_ListShardsRequest, ListShardsRequest__Output as _robustmq_placement_ListShardsRequest__Output } from './robustmq/placement/ListShardsRequest.js';
import type { SealAndOpenNextReply as _robustmq_placement_SealAndOpenNextReply, SealAndOpenNextReply__Output as _robustmq_placement_SealAndOpenNextReply__Output } from './robustmq/placement/SealAndOpenNextReply.js';
import type { SealAndOpenNextRequest as _robustmq_placement_SealAndOpenNextRequest, SealAndOpenNextRequest__Output as _robustmq_placement_SealAndOpenNextRequest__Output } from './robustmq/placement/SealAndOpenNextRequest.js';
import type { Segment as _robustmq_placement_Segment, Segment__Output as _robustmq_placement_Segment__Output } from './robustmq/placement/Segment.js';
import type { Shard as _robustmq_placement_Shard, Shard__Output as _robustmq_placement_Shard__Output } from './robustmq/placement/Shard.js';
import type { ShardConfig as _robustmq_placement_ShardConfig, ShardConfig__Output as _robustmq_placement_ShardConfig__Output } from './robustmq/placement/ShardConfig.js';
import type { UpdateSegmentLeaderReply as _robustmq_placement_UpdateSegmentLeaderReply, UpdateSegmentLeaderReply__Output as _robustmq_placement_UpdateSegmentLeaderReply__Output } from './robustmq/placement/UpdateSegmentLeaderReply.js';
import type { UpdateSegmentLeaderRequest as _robustmq_placement_UpdateSegmentLeaderRequest, UpdateSegmentLeaderRequest__Output as _robustmq_placement_UpdateSegmentLeaderRequest__Output } from './robustmq/placement/UpdateSegmentLeaderRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  robustmq: {
    placement: {
      AcksMode: EnumTypeDefinition
      CommitOffsetReply: MessageTypeDefinition<_robustmq_placement_CommitOffsetReply, _robustmq_placement_CommitOffsetReply__Output>
      CommitOffsetRequest: MessageTypeDefinition<_robustmq_placement_CommitOffsetRequest, _robustmq_placement_CommitOffsetRequest__Output>
      ConsumerOffset: MessageTypeDefinition<_robustmq_placement_ConsumerOffset, _robustmq_placement_ConsumerOffset__Output>
      CreateShardReply: MessageTypeDefinition<_robustmq_placement_CreateShardReply, _robustmq_placement_CreateShardReply__Output>
      CreateShardRequest: MessageTypeDefinition<_robustmq_placement_CreateShardRequest, _robustmq_placement_CreateShardRequest__Output>
      DeleteShardReply: MessageTypeDefinition<_robustmq_placement_DeleteShardReply, _robustmq_placement_DeleteShardReply__Output>
      DeleteShardRequest: MessageTypeDefinition<_robustmq_placement_DeleteShardRequest, _robustmq_placement_DeleteShardRequest__Output>
      FetchOffsetReply: MessageTypeDefinition<_robustmq_placement_FetchOffsetReply, _robustmq_placement_FetchOffsetReply__Output>
      FetchOffsetRequest: MessageTypeDefinition<_robustmq_placement_FetchOffsetRequest, _robustmq_placement_FetchOffsetRequest__Output>
      GetShardReply: MessageTypeDefinition<_robustmq_placement_GetShardReply, _robustmq_placement_GetShardReply__Output>
      GetShardRequest: MessageTypeDefinition<_robustmq_placement_GetShardRequest, _robustmq_placement_GetShardRequest__Output>
      JournalService: SubtypeConstructor<typeof grpc.Client, _robustmq_placement_JournalServiceClient> & { service: _robustmq_placement_JournalServiceDefinition }
      ListOffsetsReply: MessageTypeDefinition<_robustmq_placement_ListOffsetsReply, _robustmq_placement_ListOffsetsReply__Output>
      ListOffsetsRequest: MessageTypeDefinition<_robustmq_placement_ListOffsetsRequest, _robustmq_placement_ListOffsetsRequest__Output>
      ListSegmentsReply: MessageTypeDefinition<_robustmq_placement_ListSegmentsReply, _robustmq_placement_ListSegmentsReply__Output>
      ListSegmentsRequest: MessageTypeDefinition<_robustmq_placement_ListSegmentsRequest, _robustmq_placement_ListSegmentsRequest__Output>
      ListShardsReply: MessageTypeDefinition<_robustmq_placement_ListShardsReply, _robustmq_placement_ListShardsReply__Output>
      ListShardsRequest: MessageTypeDefinition<_robustmq_placement_ListShardsRequest, _robustmq_placement_ListShardsRequest__Output>
      SealAndOpenNextReply: MessageTypeDefinition<_robustmq_placement_SealAndOpenNextReply, _robustmq_placement_SealAndOpenNextReply__Output>
      SealAndOpenNextRequest: MessageTypeDefinition<_robustmq_placement_SealAndOpenNextRequest, _robustmq_placement_SealAndOpenNextRequest__Output>
      Segment: MessageTypeDefinition<_robustmq_placement_Segment, _robustmq_placement_Segment__Output>
      SegmentStatus: EnumTypeDefinition
      Shard: MessageTypeDefinition<_robustmq_placement_Shard, _robustmq_placement_Shard__Output>
      ShardConfig: MessageTypeDefinition<_robustmq_placement_ShardConfig, _robustmq_placement_ShardConfig__Output>
      ShardStatus: EnumTypeDefinition
      UpdateSegmentLeaderReply: MessageTypeDefinition<_robustmq_placement_UpdateSegmentLeaderReply, _robustmq_placement_UpdateSegmentLeaderReply__Output>
      UpdateSegmentLeaderRequest: MessageTypeDefinition<_robustmq_placement_UpdateSegmentLeaderRequest, _robustmq_placement_UpdateSegmentLeaderRequest__Output>
    }
  }
}

