import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BatchOp as _robustmq_placement_BatchOp, BatchOp__Output as _robustmq_placement_BatchOp__Output } from './robustmq/placement/BatchOp.js';
import type { BatchOpResult as _robustmq_placement_BatchOpResult, BatchOpResult__Output as _robustmq_placement_BatchOpResult__Output } from './robustmq/placement/BatchOpResult.js';
import type { BatchReply as _robustmq_placement_BatchReply, BatchReply__Output as _robustmq_placement_BatchReply__Output } from './robustmq/placement/BatchReply.js';
import type { BatchRequest as _robustmq_placement_BatchRequest, BatchRequest__Output as _robustmq_placement_BatchRequest__Output } from './robustmq/placement/BatchRequest.js';
import type { CompareAndSetReply as _robustmq_placement_CompareAndSetReply, CompareAndSetReply__Output as _robustmq_placement_CompareAndSetReply__Output } from './robustmq/placement/CompareAndSetReply.js';
import type { CompareAndSetRequest as _robustmq_placement_CompareAndSetRequest, CompareAndSetRequest__Output as _robustmq_placement_CompareAndSetRequest__Output } from './robustmq/placement/CompareAndSetRequest.js';
import type { DeleteReply as _robustmq_placement_DeleteReply, DeleteReply__Output as _robustmq_placement_DeleteReply__Output } from './robustmq/placement/DeleteReply.js';
import type { DeleteRequest as _robustmq_placement_DeleteRequest, DeleteRequest__Output as _robustmq_placement_DeleteRequest__Output } from './robustmq/placement/DeleteRequest.js';
import type { ExistsReply as _robustmq_placement_ExistsReply, ExistsReply__Output as _robustmq_placement_ExistsReply__Output } from './robustmq/placement/ExistsReply.js';
import type { ExistsRequest as _robustmq_placement_ExistsRequest, ExistsRequest__Output as _robustmq_placement_ExistsRequest__Output } from './robustmq/placement/ExistsRequest.js';
import type { GetReply as _robustmq_placement_GetReply, GetReply__Output as _robustmq_placement_GetReply__Output } from './robustmq/placement/GetReply.js';
import type { GetRequest as _robustmq_placement_GetRequest, GetRequest__Output as _robustmq_placement_GetRequest__Output } from './robustmq/placement/GetRequest.js';
import type { KeyValue as _robustmq_placement_KeyValue, KeyValue__Output as _robustmq_placement_KeyValue__Output } from './robustmq/placement/KeyValue.js';
import type { KvServiceClient as _robustmq_placement_KvServiceClient, KvServiceDefinition as _robustmq_placement_KvServiceDefinition } from './robustmq/placement/KvService.js';
import type { ListPrefixReply as _robustmq_placement_ListPrefixReply, ListPrefixReply__Output as _robustmq_placement_ListPrefixReply__Output } from './robustmq/placement/ListPrefixReply.js';
import type { ListPrefixRequest as _robustmq_placement_ListPrefixRequest, ListPrefixRequest__Output as _robustmq_placement_ListPrefixRequest__Output } from './robustmq/placement/ListPrefixRequest.js';
import type { ReadOptions as _robustmq_placement_ReadOptions, ReadOptions__Output as _robustmq_placement_ReadOptions__Output } from './robustmq/placement/ReadOptions.js';
import type { SetReply as _robustmq_placement_SetReply, SetReply__Output as _robustmq_placement_SetReply__Output } from './robustmq/placement/SetReply.js';
import type { SetRequest as _robustmq_placement_SetRequest, SetRequest__Output as _robustmq_placement_SetRequest__Output } from './robustmq/placement/SetRequest.js';
import type { WatchEvent as _robustmq_placement_WatchEvent, WatchEvent__Output as _robustmq_placement_WatchEvent__Output } from './robustmq/placement/WatchEvent.js';
import type { WatchRequest as _robustmq_placement_WatchRequest, WatchRequest__Output as _robustmq_placement_WatchRequest__Output } from './robustmq/placement/WatchRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  robustmq: {
    placement: {
      BatchOp: MessageTypeDefinition<_robustmq_placement_BatchOp, _robustmq_placement_BatchOp__Output>
      BatchOpResult: MessageTypeDefinition<_robustmq_placement_BatchOpResult, _robustmq_placement_BatchOpResult__Output>
      BatchReply: MessageTypeDefinition<_robustmq_placement_BatchReply, _robustmq_placement_BatchReply__Output>
      BatchRequest: MessageTypeDefinition<_robustmq_placement_BatchRequest, _robustmq_placement_BatchRequest__Output>
      CompareAndSetReply: MessageTypeDefinition<_robustmq_placement_CompareAndSetReply, _robustmq_placement_CompareAndSetReply__Output>
      CompareAndSetRequest: MessageTypeDefinition<_robustmq_placement_CompareAndSetRequest, _robustmq_placement_CompareAndSetRequest__Output>
      DeleteReply: MessageTypeDefinition<_robustmq_placement_DeleteReply, _robustmq_placement_DeleteReply__Output>
      DeleteRequest: MessageTypeDefinition<_robustmq_placement_DeleteRequest, _robustmq_placement_DeleteRequest__Output>
      ExistsReply: MessageTypeDefinition<_robustmq_placement_ExistsReply, _robustmq_placement_ExistsReply__Output>
      ExistsRequest: MessageTypeDefinition<_robustmq_placement_ExistsRequest, _robustmq_placement_ExistsRequest__Output>
      GetReply: MessageTypeDefinition<_robustmq_placement_GetReply, _robustmq_placement_GetReply__Output>
      GetRequest: MessageTypeDefinition<_robustmq_placement_GetRequest, _robustmq_placement_GetRequest__Output>
      KeyValue: MessageTypeDefinition<_robustmq_placement_KeyValue, _robustmq_placement_KeyValue__Output>
      KvService: SubtypeConstructor<typeof grpc.Client, _robustmq_placement_KvServiceClient> & { service: _robustmq_placement_KvServiceDefinition }
      ListPrefixReply: MessageTypeDefinition<_robustmq_placement_ListPrefixReply, _robustmq_placement_ListPrefixReply__Output>
      ListPrefixRequest: MessageTypeDefinition<_robustmq_placement_ListPrefixRequest, _robustmq_placement_ListPrefixRequest__Output>
      ReadOptions: MessageTypeDefinition<_robustmq_placement_ReadOptions, _robustmq_placement_ReadOptions__Output>
      SetReply: MessageTypeDefinition<_robustmq_placement_SetReply, _robustmq_placement_SetReply__Output>
      SetRequest: MessageTypeDefinition<_robustmq_placement_SetRequest, _robustmq_placement_SetRequest__Output>
      WatchEvent: MessageTypeDefinition<_robustmq_placement_WatchEvent, _robustmq_placement_WatchEvent__Output>
      WatchRequest: MessageTypeDefinition<_robustmq_placement_WatchRequest, _robustmq_placement_WatchRequest__Output>
    }
  }
}

