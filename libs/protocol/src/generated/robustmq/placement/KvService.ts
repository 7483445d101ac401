// Original file: proto/placement/kv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteReply as _robustmq_placement_DeleteReply, DeleteReply__Output as _robustmq_placement_DeleteReply__Output } from '../../robustmq/placement/DeleteReply.js';
import type { DeleteRequest as _robustmq_placement_DeleteRequest, DeleteRequest__Output as _robustmq_placement_DeleteRequest__Output } from '../../robustmq/placement/DeleteRequest.js';
import type { ExistsReply as _robustmq_placement_ExistsReply, ExistsReply__Output as _robustmq_placement_ExistsReply__Output } from '../../robustmq/placement/ExistsReply.js';
import type { ExistsRequest as _robustmq_placement_ExistsRequest, ExistsRequest__Output as _robustmq_placement_ExistsRequest__Output } from '../../robustmq/placement/ExistsRequest.js';
import type { GetReply as _robustmq_placement_GetReply, GetReply__Output as _robustmq_placement_GetReply__Output } from '../../robustmq/placement/GetReply.js';
import type { GetRequest as _robustmq_placement_GetRequest, GetRequest__Output as _robustmq_placement_GetRequest__Output } from '../../robustmq/placement/GetRequest.js';
import type { ListPrefixReply as _robustmq_placement_ListPrefixReply, ListPrefixReply__Output as _robustmq_placement_ListPrefixReply__Output } from '../../robustmq/placement/ListPrefixReply.js';
import type { ListPrefixRequest as _robustmq_placement_ListPrefixRequest, ListPrefixRequest__Output as _robustmq_placement_ListPrefixRequest__Output } from '../../robustmq/placement/ListPrefixRequest.js';
import type { SetReply as _robustmq_placement_SetReply, SetReply__Output as _robustmq_placement_SetReply__Output } from '../../robustmq/placement/SetReply.js';
import type { SetRequest as _robustmq_placement_SetRequest, SetRequest__Output as _robustmq_placement_SetRequest__Output } from '../../robustmq/placement/SetRequest.js';

export interface KvServiceClient extends grpc.Client {
  /**
   * Deleting an absent key succeeds and reports deleted = false.
   */
  Delete(argument: _robustmq_placement_DeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteReply__Output>): grpc.ClientUnaryCall;
  Delete(argument: _robustmq_placement_DeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_DeleteReply__Output>): grpc.ClientUnaryCall;
  Delete(argument: _robustmq_placement_DeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteReply__Output>): grpc.ClientUnaryCall;
  Delete(argument: _robustmq_placement_DeleteRequest, callback: grpc.requestCallback<_robustmq_placement_DeleteReply__Output>): grpc.ClientUnaryCall;
  /**
   * Deleting an absent key succeeds and reports deleted = false.
   */
  delete(argument: _robustmq_placement_DeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteReply__Output>): grpc.ClientUnaryCall;
  delete(argument: _robustmq_placement_DeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_DeleteReply__Output>): grpc.ClientUnaryCall;
  delete(argument: _robustmq_placement_DeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_DeleteReply__Output>): grpc.ClientUnaryCall;
  delete(argument: _robustmq_placement_DeleteRequest, callback: grpc.requestCallback<_robustmq_placement_DeleteReply__Output>): grpc.ClientUnaryCall;
  
  Exists(argument: _robustmq_placement_ExistsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ExistsReply__Output>): grpc.ClientUnaryCall;
  Exists(argument: _robustmq_placement_ExistsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ExistsReply__Output>): grpc.ClientUnaryCall;
  Exists(argument: _robustmq_placement_ExistsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ExistsReply__Output>): grpc.ClientUnaryCall;
  Exists(argument: _robustmq_placement_ExistsRequest, callback: grpc.requestCallback<_robustmq_placement_ExistsReply__Output>): grpc.ClientUnaryCall;
  exists(argument: _robustmq_placement_ExistsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ExistsReply__Output>): grpc.ClientUnaryCall;
  exists(argument: _robustmq_placement_ExistsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ExistsReply__Output>): grpc.ClientUnaryCall;
  exists(argument: _robustmq_placement_ExistsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ExistsReply__Output>): grpc.ClientUnaryCall;
  exists(argument: _robustmq_placement_ExistsRequest, callback: grpc.requestCallback<_robustmq_placement_ExistsReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Fails with NOT_FOUND when the key is absent.
   */
  Get(argument: _robustmq_placement_GetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetReply__Output>): grpc.ClientUnaryCall;
  Get(argument: _robustmq_placement_GetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_GetReply__Output>): grpc.ClientUnaryCall;
  Get(argument: _robustmq_placement_GetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetReply__Output>): grpc.ClientUnaryCall;
  Get(argument: _robustmq_placement_GetRequest, callback: grpc.requestCallback<_robustmq_placement_GetReply__Output>): grpc.ClientUnaryCall;
  /**
   * Fails with NOT_FOUND when the key is absent.
   */
  get(argument: _robustmq_placement_GetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetReply__Output>): grpc.ClientUnaryCall;
  get(argument: _robustmq_placement_GetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_GetReply__Output>): grpc.ClientUnaryCall;
  get(argument: _robustmq_placement_GetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_GetReply__Output>): grpc.ClientUnaryCall;
  get(argument: _robustmq_placement_GetRequest, callback: grpc.requestCallback<_robustmq_placement_GetReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Keys in lexicographic order, starting after start_after; at most limit entries (default 1000, max 10000).
   */
  ListPrefix(argument: _robustmq_placement_ListPrefixRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListPrefixReply__Output>): grpc.ClientUnaryCall;
  ListPrefix(argument: _robustmq_placement_ListPrefixRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListPrefixReply__Output>): grpc.ClientUnaryCall;
  ListPrefix(argument: _robustmq_placement_ListPrefixRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListPrefixReply__Output>): grpc.ClientUnaryCall;
  ListPrefix(argument: _robustmq_placement_ListPrefixRequest, callback: grpc.requestCallback<_robustmq_placement_ListPrefixReply__Output>): grpc.ClientUnaryCall;
  /**
   * Keys in lexicographic order, starting after start_after; at most limit entries (default 1000, max 10000).
   */
  listPrefix(argument: _robustmq_placement_ListPrefixRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListPrefixReply__Output>): grpc.ClientUnaryCall;
  listPrefix(argument: _robustmq_placement_ListPrefixRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListPrefixReply__Output>): grpc.ClientUnaryCall;
  listPrefix(argument: _robustmq_placement_ListPrefixRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListPrefixReply__Output>): grpc.ClientUnaryCall;
  listPrefix(argument: _robustmq_placement_ListPrefixRequest, callback: grpc.requestCallback<_robustmq_placement_ListPrefixReply__Output>): grpc.ClientUnaryCall;
  
  Set(argument: _robustmq_placement_SetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_SetReply__Output>): grpc.ClientUnaryCall;
  Set(argument: _robustmq_placement_SetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_SetReply__Output>): grpc.ClientUnaryCall;
  Set(argument: _robustmq_placement_SetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_SetReply__Output>): grpc.ClientUnaryCall;
  Set(argument: _robustmq_placement_SetRequest, callback: grpc.requestCallback<_robustmq_placement_SetReply__Output>): grpc.ClientUnaryCall;
  set(argument: _robustmq_placement_SetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_SetReply__Output>): grpc.ClientUnaryCall;
  set(argument: _robustmq_placement_SetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_SetReply__Output>): grpc.ClientUnaryCall;
  set(argument: _robustmq_placement_SetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_SetReply__Output>): grpc.ClientUnaryCall;
  set(argument: _robustmq_placement_SetRequest, callback: grpc.requestCallback<_robustmq_placement_SetReply__Output>): grpc.ClientUnaryCall;
  
}

export interface KvServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Deleting an absent key succeeds and reports deleted = false.
   */
  Delete: grpc.handleUnaryCall<_robustmq_placement_DeleteRequest__Output, _robustmq_placement_DeleteReply>;
  
  Exists: grpc.handleUnaryCall<_robustmq_placement_ExistsRequest__Output, _robustmq_placement_ExistsReply>;
  
  /**
   * Fails with NOT_FOUND when the key is absent.
   */
  Get: grpc.handleUnaryCall<_robustmq_placement_GetRequest__Output, _robustmq_placement_GetReply>;
  
  /**
   * Keys in lexicographic order, starting after start_after; at most limit entries (default 1000, max 10000).
   */
  ListPrefix: grpc.handleUnaryCall<_robustmq_placement_ListPrefixRequest__Output, _robustmq_placement_ListPrefixReply>;
  
  Set: grpc.handleUnaryCall<_robustmq_placement_SetRequest__Output, _robustmq_placement_SetReply>;
  
}

export interface KvServiceDefinition extends grpc.ServiceDefinition {
  Delete: MethodDefinition<_robustmq_placement_DeleteRequest, _robustmq_placement_DeleteReply, _robustmq_placement_DeleteRequest__Output, _robustmq_placement_DeleteReply__Output>
  Exists: MethodDefinition<_robustmq_placement_ExistsRequest, _robustmq_placement_ExistsReply, _robustmq_placement_ExistsRequest__Output, _robustmq_placement_ExistsReply__Output>
  Get: MethodDefinition<_robustmq_placement_GetRequest, _robustmq_placement_GetReply, _robustmq_placement_GetRequest__Output, _robustmq_placement_GetReply__Output>
  ListPrefix: MethodDefinition<_robustmq_placement_ListPrefixRequest, _robustmq_placement_ListPrefixReply, _robustmq_placement_ListPrefixRequest__Output, _robustmq_placement_ListPrefixReply__Output>
  Set: MethodDefinition<_robustmq_placement_SetRequest, _robustmq_placement_SetReply, _robustmq_placement_SetRequest__Output, _robustmq_placement_SetReply__Output>
}
