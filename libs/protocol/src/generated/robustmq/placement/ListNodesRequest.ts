// Original file: proto/placement/cluster.proto

import type { ClusterType as _robustmq_placement_ClusterType, ClusterType__Output as _robustmq_placement_ClusterType__Output } from '../../robustmq/placement/ClusterType.js';

export interface ListNodesRequest {
  /**
   * CLUSTER_TYPE_UNSPECIFIED lists every type.
   */
  'clusterType'?: (_robustmq_placement_ClusterType);
  /**
   * empty lists every cluster name.
   */
  'clusterName'?: (string);
}

export interface ListNodesRequest__Output {
  /**
   * CLUSTER_TYPE_UNSPECIFIED lists every type.
   */
  'clusterType': (_robustmq_placement_ClusterType__Output);
  /**
   * empty lists every cluster name.
   */
  'clusterName': (string);
}
