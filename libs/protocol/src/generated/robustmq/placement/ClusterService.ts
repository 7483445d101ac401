// Original file: proto/placement/cluster.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HeartbeatReply as _robustmq_placement_HeartbeatReply, HeartbeatReply__Output as _robustmq_placement_HeartbeatReply__Output } from '../../robustmq/placement/HeartbeatReply.js';
import type { HeartbeatRequest as _robustmq_placement_HeartbeatRequest, HeartbeatRequest__Output as _robustmq_placement_HeartbeatRequest__Output } from '../../robustmq/placement/HeartbeatRequest.js';
import type { ListNodesReply as _robustmq_placement_ListNodesReply, ListNodesReply__Output as _robustmq_placement_ListNodesReply__Output } from '../../robustmq/placement/ListNodesReply.js';
import type { ListNodesRequest as _robustmq_placement_ListNodesRequest, ListNodesRequest__Output as _robustmq_placement_ListNodesRequest__Output } from '../../robustmq/placement/ListNodesRequest.js';
import type { RegisterNodeReply as _robustmq_placement_RegisterNodeReply, RegisterNodeReply__Output as _robustmq_placement_RegisterNodeReply__Output } from '../../robustmq/placement/RegisterNodeReply.js';
import type { RegisterNodeRequest as _robustmq_placement_RegisterNodeRequest, RegisterNodeRequest__Output as _robustmq_placement_RegisterNodeRequest__Output } from '../../robustmq/placement/RegisterNodeRequest.js';
import type { UnregisterNodeReply as _robustmq_placement_UnregisterNodeReply, UnregisterNodeReply__Output as _robustmq_placement_UnregisterNodeReply__Output } from '../../robustmq/placement/UnregisterNodeReply.js';
import type { UnregisterNodeRequest as _robustmq_placement_UnregisterNodeRequest, UnregisterNodeRequest__Output as _robustmq_placement_UnregisterNodeRequest__Output } from '../../robustmq/placement/UnregisterNodeRequest.js';

export interface ClusterServiceClient extends grpc.Client {
  /**
   * Keeps a registered node alive. Fails with NOT_FOUND when the node is unknown, which tells it to register again.
   */
  Heartbeat(argument: _robustmq_placement_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _robustmq_placement_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _robustmq_placement_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _robustmq_placement_HeartbeatRequest, callback: grpc.requestCallback<_robustmq_placement_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  /**
   * Keeps a registered node alive. Fails with NOT_FOUND when the node is unknown, which tells it to register again.
   */
  heartbeat(argument: _robustmq_placement_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _robustmq_placement_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _robustmq_placement_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _robustmq_placement_HeartbeatRequest, callback: grpc.requestCallback<_robustmq_placement_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists the live nodes, optionally of one cluster type.
   */
  ListNodes(argument: _robustmq_placement_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListNodesReply__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _robustmq_placement_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListNodesReply__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _robustmq_placement_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListNodesReply__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _robustmq_placement_ListNodesRequest, callback: grpc.requestCallback<_robustmq_placement_ListNodesReply__Output>): grpc.ClientUnaryCall;
  /**
   * Lists the live nodes, optionally of one cluster type.
   */
  listNodes(argument: _robustmq_placement_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListNodesReply__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _robustmq_placement_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_ListNodesReply__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _robustmq_placement_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_ListNodesReply__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _robustmq_placement_ListNodesRequest, callback: grpc.requestCallback<_robustmq_placement_ListNodesReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Adds (or refreshes) a node. Idempotent: registering again with the same id replaces the record.
   */
  RegisterNode(argument: _robustmq_placement_RegisterNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _robustmq_placement_RegisterNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _robustmq_placement_RegisterNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _robustmq_placement_RegisterNodeRequest, callback: grpc.requestCallback<_robustmq_placement_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  /**
   * Adds (or refreshes) a node. Idempotent: registering again with the same id replaces the record.
   */
  registerNode(argument: _robustmq_placement_RegisterNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _robustmq_placement_RegisterNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _robustmq_placement_RegisterNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _robustmq_placement_RegisterNodeRequest, callback: grpc.requestCallback<_robustmq_placement_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Removes a node at clean shutdown. Fails with NOT_FOUND when the node is unknown.
   */
  UnregisterNode(argument: _robustmq_placement_UnregisterNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_UnregisterNodeReply__Output>): grpc.ClientUnaryCall;
  UnregisterNode(argument: _robustmq_placement_UnregisterNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_UnregisterNodeReply__Output>): grpc.ClientUnaryCall;
  UnregisterNode(argument: _robustmq_placement_UnregisterNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_UnregisterNodeReply__Output>): grpc.ClientUnaryCall;
  UnregisterNode(argument: _robustmq_placement_UnregisterNodeRequest, callback: grpc.requestCallback<_robustmq_placement_UnregisterNodeReply__Output>): grpc.ClientUnaryCall;
  /**
   * Removes a node at clean shutdown. Fails with NOT_FOUND when the node is unknown.
   */
  unregisterNode(argument: _robustmq_placement_UnregisterNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_UnregisterNodeReply__Output>): grpc.ClientUnaryCall;
  unregisterNode(argument: _robustmq_placement_UnregisterNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_robustmq_placement_UnregisterNodeReply__Output>): grpc.ClientUnaryCall;
  unregisterNode(argument: _robustmq_placement_UnregisterNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_robustmq_placement_UnregisterNodeReply__Output>): grpc.ClientUnaryCall;
  unregisterNode(argument: _robustmq_placement_UnregisterNodeRequest, callback: grpc.requestCallback<_robustmq_placement_UnregisterNodeReply__Output>): grpc.ClientUnaryCall;
  
}

export interface ClusterServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Keeps a registered node alive. Fails with NOT_FOUND when the node is unknown, which tells it to register again.
   */
  Heartbeat: grpc.handleUnaryCall<_robustmq_placement_HeartbeatRequest__Output, _robustmq_placement_HeartbeatReply>;
  
  /**
   * Lists the live nodes, optionally of one cluster type.
   */
  ListNodes: grpc.handleUnaryCall<_robustmq_placement_ListNodesRequest__Output, _robustmq_placement_ListNodesReply>;
  
  /**
   * Adds (or refreshes) a node. Idempotent: registering again with the same id replaces the record.
   */
  RegisterNode: grpc.handleUnaryCall<_robustmq_placement_RegisterNodeRequest__Output, _robustmq_placement_RegisterNodeReply>;
  
  /**
   * Removes a node at clean shutdown. Fails with NOT_FOUND when the node is unknown.
   */
  UnregisterNode: grpc.handleUnaryCall<_robustmq_placement_UnregisterNodeRequest__Output, _robustmq_placement_UnregisterNodeReply>;
  
}

export interface ClusterServiceDefinition extends grpc.ServiceDefinition {
  Heartbeat: MethodDefinition<_robustmq_placement_HeartbeatRequest, _robustmq_placement_HeartbeatReply, _robustmq_placement_HeartbeatRequest__Output, _robustmq_placement_HeartbeatReply__Output>
  ListNodes: MethodDefinition<_robustmq_placement_ListNodesRequest, _robustmq_placement_ListNodesReply, _robustmq_placement_ListNodesRequest__Output, _robustmq_placement_ListNodesReply__Output>
  RegisterNode: MethodDefinition<_robustmq_placement_RegisterNodeRequest, _robustmq_placement_RegisterNodeReply, _robustmq_placement_RegisterNodeRequest__Output, _robustmq_placement_RegisterNodeReply__Output>
  UnregisterNode: MethodDefinition<_robustmq_placement_UnregisterNodeRequest, _robustmq_placement_UnregisterNodeReply, _robustmq_placement_UnregisterNodeRequest__Output, _robustmq_placement_UnregisterNodeReply__Output>
}
