// Original file: proto/placement/cluster.proto

import type { ClusterType as _robustmq_placement_ClusterType, ClusterType__Output as _robustmq_placement_ClusterType__Output } from '../../robustmq/placement/ClusterType.js';
import type { Long } from '@grpc/proto-loader';

export interface HeartbeatRequest {
  'clusterType'?: (_robustmq_placement_ClusterType);
  'clusterName'?: (string);
  'nodeId'?: (number | string | Long);
}

export interface HeartbeatRequest__Output {
  'clusterType': (_robustmq_placement_ClusterType__Output);
  'clusterName': (string);
  'nodeId': (number);
}
