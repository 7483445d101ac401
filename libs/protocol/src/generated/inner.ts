import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ActivateSegmentLeaderReply as _robustmq_journal_ActivateSegmentLeaderReply, ActivateSegmentLeaderReply__Output as _robustmq_journal_ActivateSegmentLeaderReply__Output } from './robustmq/journal/ActivateSegmentLeaderReply.js';
import type { ActivateSegmentLeaderRequest as _robustmq_journal_ActivateSegmentLeaderRequest, ActivateSegmentLeaderRequest__Output as _robustmq_journal_ActivateSegmentLeaderRequest__Output } from './robustmq/journal/ActivateSegmentLeaderRequest.js';
import type { GetSegmentStateReply as _robustmq_journal_GetSegmentStateReply, GetSegmentStateReply__Output as _robustmq_journal_GetSegmentStateReply__Output } from './robustmq/journal/GetSegmentStateReply.js';
import type { GetSegmentStateRequest as _robustmq_journal_GetSegmentStateRequest, GetSegmentStateRequest__Output as _robustmq_journal_GetSegmentStateRequest__Output } from './robustmq/journal/GetSegmentStateRequest.js';
import type { JournalInnerServiceClient as _robustmq_journal_JournalInnerServiceClient, JournalInnerServiceDefinition as _robustmq_journal_JournalInnerServiceDefinition } from './robustmq/journal/JournalInnerService.js';
import type { UpdateCacheReply as _robustmq_journal_UpdateCacheReply, UpdateCacheReply__Output as _robustmq_journal_UpdateCacheReply__Output } from './robustmq/journal/UpdateCacheReply.js';
import type { UpdateCacheRequest as _robustmq_journal_UpdateCacheRequest, UpdateCacheRequest__Output as _robustmq_journal_UpdateCacheRequest__Output } from './robustmq/journal/UpdateCacheRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  robustmq: {
    journal: {
      ActivateSegmentLeaderReply: MessageTypeDefinition<_robustmq_journal_ActivateSegmentLeaderReply, _robustmq_journal_ActivateSegmentLeaderReply__Output>
      ActivateSegmentLeaderRequest: MessageTypeDefinition<_robustmq_journal_ActivateSegmentLeaderRequest, _robustmq_journal_ActivateSegmentLeaderRequest__Output>
      GetSegmentStateReply: MessageTypeDefinition<_robustmq_journal_GetSegmentStateReply, _robustmq_journal_GetSegmentStateReply__Output>
      GetSegmentStateRequest: MessageTypeDefinition<_robustmq_journal_GetSegmentStateRequest, _robustmq_journal_GetSegmentStateRequest__Output>
      JournalInnerService: SubtypeConstructor<typeof grpc.Client, _robustmq_journal_JournalInnerServiceClient> & { service: _robustmq_journal_JournalInnerServiceDefinition }
      SegmentRole: EnumTypeDefinition
      UpdateCacheReply: MessageTypeDefinition<_robustmq_journal_UpdateCacheReply, _robustmq_journal_UpdateCacheReply__Output>
      UpdateCacheRequest: MessageTypeDefinition<_robustmq_journal_UpdateCacheRequest, _robustmq_journal_UpdateCacheRequest__Output>
    }
  }
}

