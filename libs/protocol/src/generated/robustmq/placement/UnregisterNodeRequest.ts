// Original file: proto/placement/cluster.proto

import type { ClusterType as _robustmq_placement_ClusterType, ClusterType__Output as _robustmq_placement_ClusterType__Output } from '../../robustmq/placement/ClusterType.js';
import type { Long } from '@grpc/proto-loader';

export interface UnregisterNodeRequest {
  'clusterType'?: (_robustmq_placement_ClusterType);
  'clusterName'?: (string);
  'nodeId'?: (number | string | Long);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface UnregisterNodeRequest__Output {
  'clusterType': (_robustmq_placement_ClusterType__Output);
  'clusterName': (string);
  'nodeId': (number);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
