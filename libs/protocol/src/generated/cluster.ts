import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ClusterServiceClient as _robustmq_placement_ClusterServiceClient, ClusterServiceDefinition as _robustmq_placement_ClusterServiceDefinition } from './robustmq/placement/ClusterService.js';
import type { Empty as _robustmq_placement_Empty, Empty__Output as _robustmq_placement_Empty__Output } from './robustmq/placement/Empty.js';
import type { HeartbeatReply as _robustmq_placement_HeartbeatReply, HeartbeatReply__Output as _robustmq_placement_HeartbeatReply__Output } from './robustmq/placement/HeartbeatReply.js';
import type { HeartbeatRequest as _robustmq_placement_HeartbeatRequest, HeartbeatRequest__Output as _robustmq_placement_HeartbeatRequest__Output } from './robustmq/placement/HeartbeatRequest.js';
import type { ListNodesReply as _robustmq_placement_ListNodesReply, ListNodesReply__Output as _robustmq_placement_ListNodesReply__Output } from './robustmq/placement/ListNodesReply.js';
import type { ListNodesRequest as _robustmq_placement_ListNodesRequest, ListNodesRequest__Output as _robustmq_placement_ListNodesRequest__Output } from './robustmq/placement/ListNodesRequest.js';
import type { NodeInfo as _robustmq_placement_NodeInfo, NodeInfo__Output as _robustmq_placement_NodeInfo__Output } from './robustmq/placement/NodeInfo.js';
import type { RegisterNodeReply as _robustmq_placement_RegisterNodeReply, RegisterNodeReply__Output as _robustmq_placement_RegisterNodeReply__Output } from './robustmq/placement/RegisterNodeReply.js';
import type { RegisterNodeRequest as _robustmq_placement_RegisterNodeRequest, RegisterNodeRequest__Output as _robustmq_placement_RegisterNodeRequest__Output } from './robustmq/placement/RegisterNodeRequest.js';
import type { UnregisterNodeReply as _robustmq_placement_UnregisterNodeReply, UnregisterNodeReply__Output as _robustmq_placement_UnregisterNodeReply__Output } from './robustmq/placement/UnregisterNodeReply.js';
import type { UnregisterNodeRequest as _robustmq_placement_UnregisterNodeRequest, UnregisterNodeRequest__Output as _robustmq_placement_UnregisterNodeRequest__Output } from './robustmq/placement/UnregisterNodeRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  robustmq: {
    placement: {
      ClusterService: SubtypeConstructor<typeof grpc.Client, _robustmq_placement_ClusterServiceClient> & { service: _robustmq_placement_ClusterServiceDefinition }
      ClusterType: EnumTypeDefinition
      Empty: MessageTypeDefinition<_robustmq_placement_Empty, _robustmq_placement_Empty__Output>
      HeartbeatReply: MessageTypeDefinition<_robustmq_placement_HeartbeatReply, _robustmq_placement_HeartbeatReply__Output>
      HeartbeatRequest: MessageTypeDefinition<_robustmq_placement_HeartbeatRequest, _robustmq_placement_HeartbeatRequest__Output>
      ListNodesReply: MessageTypeDefinition<_robustmq_placement_ListNodesReply, _robustmq_placement_ListNodesReply__Output>
      ListNodesRequest: MessageTypeDefinition<_robustmq_placement_ListNodesRequest, _robustmq_placement_ListNodesRequest__Output>
      NodeInfo: MessageTypeDefinition<_robustmq_placement_NodeInfo, _robustmq_placement_NodeInfo__Output>
      RegisterNodeReply: MessageTypeDefinition<_robustmq_placement_RegisterNodeReply, _robustmq_placement_RegisterNodeReply__Output>
      RegisterNodeRequest: MessageTypeDefinition<_robustmq_placement_RegisterNodeRequest, _robustmq_placement_RegisterNodeRequest__Output>
      UnregisterNodeReply: MessageTypeDefinition<_robustmq_placement_UnregisterNodeReply, _robustmq_placement_UnregisterNodeReply__Output>
      UnregisterNodeRequest: MessageTypeDefinition<_robustmq_placement_UnregisterNodeRequest, _robustmq_placement_UnregisterNodeRequest__Output>
    }
  }
}

