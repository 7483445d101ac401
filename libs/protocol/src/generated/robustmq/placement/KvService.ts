// Original file: proto/placement/kv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BatchReply as _robustmq_placement_BatchReply, BatchReply__Output as _robustmq_placement_BatchReply__Output } from '../../robustmq/placement/BatchReply.js';
import type { BatchRequest as _robustmq_placement_BatchRequest, BatchRequest__Output as _robustmq_placement_BatchRequest__Output } from '../../robustmq/placement/BatchRequest.js';
import type { CompareAndSetReply as _robustmq_placement_CompareAndSetReply, CompareAndSetReply__Output as _robustmq_placement_CompareAndSetReply__Output } from '../../robustmq/placement/CompareAndSetReply.js';
import type { CompareAndSetRequest as _robustmq_placement_CompareAndSetRequest, CompareAndSetRequest__Output as _robustmq_placement_CompareAndSetRequest__Output } from '../../robustmq/placement/CompareAndSetRequest.js';
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
import type { WatchEvent as _robustmq_placement_WatchEvent, WatchEvent__Output as _robustmq_placement_WatchEvent__Output } from '../../robustmq/placement/WatchEvent.js';
import type { WatchRequest as _robustmq_placement_WatchRequest, WatchRequest__Output as _robustmq_placement_WatchRequest__Output } from '../../robustmq/placement/WatchRequest.js';

export interface KvServiceClient extends grpc.Client {
  /**
   * Several independent operations in one call, so a client can carry many concurrent callers' requests at once
   * (PlacementClient batches calls made in the same event-loop turn). Not a transaction: each operation succeeds or
   * fails on its own, with its own result. Writes are applied in the order given, one revision each, and each write
   * keeps its own request_id for exactly-once retries. Reads wait for one shared read barrier (linearizable unless
   * the read asks for a stale read); they need not see the writes of the same batch. At most 10000 operations.
   */
  Batch(argument: _robustmq_placement_BatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_BatchReply__Output>): grpc.ClientUnaryCall;
  Batch(argument: _robustmq_placement_BatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_BatchReply__Output>): grpc.ClientUnaryCall;
  Batch(argument: _robustmq_placement_BatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_BatchReply__Output>): grpc.ClientUnaryCall;
  Batch(argument: _robustmq_placement_BatchRequest, callback: grpc.requestCallback<_robustmq_placement_BatchReply__Output>): grpc.ClientUnaryCall;
  /**
   * Several independent operations in one call, so a client can carry many concurrent callers' requests at once
   * (PlacementClient batches calls made in the same event-loop turn). Not a transaction: each operation succeeds or
   * fails on its own, with its own result. Writes are applied in the order given, one revision each, and each write
   * keeps its own request_id for exactly-once retries. Reads wait for one shared read barrier (linearizable unless
   * the read asks for a stale read); they need not see the writes of the same batch. At most 10000 operations.
   */
  batch(argument: _robustmq_placement_BatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_BatchReply__Output>): grpc.ClientUnaryCall;
  batch(argument: _robustmq_placement_BatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_BatchReply__Output>): grpc.ClientUnaryCall;
  batch(argument: _robustmq_placement_BatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_BatchReply__Output>): grpc.ClientUnaryCall;
  batch(argument: _robustmq_placement_BatchRequest, callback: grpc.requestCallback<_robustmq_placement_BatchReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Sets the key only if its mod_revision equals expected_mod_revision (0: only if the key does not exist).
   */
  CompareAndSet(argument: _robustmq_placement_CompareAndSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CompareAndSetReply__Output>): grpc.ClientUnaryCall;
  CompareAndSet(argument: _robustmq_placement_CompareAndSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_CompareAndSetReply__Output>): grpc.ClientUnaryCall;
  CompareAndSet(argument: _robustmq_placement_CompareAndSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CompareAndSetReply__Output>): grpc.ClientUnaryCall;
  CompareAndSet(argument: _robustmq_placement_CompareAndSetRequest, callback: grpc.requestCallback<_robustmq_placement_CompareAndSetReply__Output>): grpc.ClientUnaryCall;
  /**
   * Sets the key only if its mod_revision equals expected_mod_revision (0: only if the key does not exist).
   */
  compareAndSet(argument: _robustmq_placement_CompareAndSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CompareAndSetReply__Output>): grpc.ClientUnaryCall;
  compareAndSet(argument: _robustmq_placement_CompareAndSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_CompareAndSetReply__Output>): grpc.ClientUnaryCall;
  compareAndSet(argument: _robustmq_placement_CompareAndSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_CompareAndSetReply__Output>): grpc.ClientUnaryCall;
  compareAndSet(argument: _robustmq_placement_CompareAndSetRequest, callback: grpc.requestCallback<_robustmq_placement_CompareAndSetReply__Output>): grpc.ClientUnaryCall;
  
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
  
  /**
   * Streams every change under prefix with revision >= start_revision, in revision order, without gaps, then
   * follows live changes. start_revision 0 means "from now". Fails with OUT_OF_RANGE when start_revision is older
   * than the retained history (the watcher must re-list and watch from the list's revision).
   */
  Watch(argument: _robustmq_placement_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_robustmq_placement_WatchEvent__Output>;
  Watch(argument: _robustmq_placement_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_robustmq_placement_WatchEvent__Output>;
  /**
   * Streams every change under prefix with revision >= start_revision, in revision order, without gaps, then
   * follows live changes. start_revision 0 means "from now". Fails with OUT_OF_RANGE when start_revision is older
   * than the retained history (the watcher must re-list and watch from the list's revision).
   */
  watch(argument: _robustmq_placement_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_robustmq_placement_WatchEvent__Output>;
  watch(argument: _robustmq_placement_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_robustmq_placement_WatchEvent__Output>;
  
}

export interface KvServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Several independent operations in one call, so a client can carry many concurrent callers' requests at once
   * (PlacementClient batches calls made in the same event-loop turn). Not a transaction: each operation succeeds or
   * fails on its own, with its own result. Writes are applied in the order given, one revision each, and each write
   * keeps its own request_id for exactly-once retries. Reads wait for one shared read barrier (linearizable unless
   * the read asks for a stale read); they need not see the writes of the same batch. At most 10000 operations.
   */
  Batch: grpc.handleUnaryCall<_robustmq_placement_BatchRequest__Output, _robustmq_placement_BatchReply>;
  
  /**
   * Sets the key only if its mod_revision equals expected_mod_revision (0: only if the key does not exist).
   */
  CompareAndSet: grpc.handleUnaryCall<_robustmq_placement_CompareAndSetRequest__Output, _robustmq_placement_CompareAndSetReply>;
  
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
  
  /**
   * Streams every change under prefix with revision >= start_revision, in revision order, without gaps, then
   * follows live changes. start_revision 0 means "from now". Fails with OUT_OF_RANGE when start_revision is older
   * than the retained history (the watcher must re-list and watch from the list's revision).
   */
  Watch: grpc.handleServerStreamingCall<_robustmq_placement_WatchRequest__Output, _robustmq_placement_WatchEvent>;
  
}

export interface KvServiceDefinition extends grpc.ServiceDefinition {
  Batch: MethodDefinition<_robustmq_placement_BatchRequest, _robustmq_placement_BatchReply, _robustmq_placement_BatchRequest__Output, _robustmq_placement_BatchReply__Output>
  CompareAndSet: MethodDefinition<_robustmq_placement_CompareAndSetRequest, _robustmq_placement_CompareAndSetReply, _robustmq_placement_CompareAndSetRequest__Output, _robustmq_placement_CompareAndSetReply__Output>
  Delete: MethodDefinition<_robustmq_placement_DeleteRequest, _robustmq_placement_DeleteReply, _robustmq_placement_DeleteRequest__Output, _robustmq_placement_DeleteReply__Output>
  Exists: MethodDefinition<_robustmq_placement_ExistsRequest, _robustmq_placement_ExistsReply, _robustmq_placement_ExistsRequest__Output, _robustmq_placement_ExistsReply__Output>
  Get: MethodDefinition<_robustmq_placement_GetRequest, _robustmq_placement_GetReply, _robustmq_placement_GetRequest__Output, _robustmq_placement_GetReply__Output>
  ListPrefix: MethodDefinition<_robustmq_placement_ListPrefixRequest, _robustmq_placement_ListPrefixReply, _robustmq_placement_ListPrefixRequest__Output, _robustmq_placement_ListPrefixReply__Output>
  Set: MethodDefinition<_robustmq_placement_SetRequest, _robustmq_placement_SetReply, _robustmq_placement_SetRequest__Output, _robustmq_placement_SetReply__Output>
  Watch: MethodDefinition<_robustmq_placement_WatchRequest, _robustmq_placement_WatchEvent, _robustmq_placement_WatchRequest__Output, _robustmq_placement_WatchEvent__Output>
}
