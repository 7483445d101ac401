// Original file: proto/placement/cluster.proto

import type { NodeInfo as _robustmq_placement_NodeInfo, NodeInfo__Output as _robustmq_placement_NodeInfo__Output } from '../../robustmq/placement/NodeInfo.js';

export interface RegisterNodeRequest {
  'node'?: (_robustmq_placement_NodeInfo | null);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface RegisterNodeRequest__Output {
  'node': (_robustmq_placement_NodeInfo__Output | null);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
