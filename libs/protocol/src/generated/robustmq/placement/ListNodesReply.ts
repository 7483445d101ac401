// Original file: proto/placement/cluster.proto

import type { NodeInfo as _robustmq_placement_NodeInfo, NodeInfo__Output as _robustmq_placement_NodeInfo__Output } from '../../robustmq/placement/NodeInfo.js';

export interface ListNodesReply {
  'nodes'?: (_robustmq_placement_NodeInfo)[];
}

export interface ListNodesReply__Output {
  'nodes': (_robustmq_placement_NodeInfo__Output)[];
}
