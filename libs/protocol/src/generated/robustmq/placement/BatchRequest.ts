// Original file: proto/placement/kv.proto

import type { BatchOp as _robustmq_placement_BatchOp, BatchOp__Output as _robustmq_placement_BatchOp__Output } from '../../robustmq/placement/BatchOp.js';

export interface BatchRequest {
  'ops'?: (_robustmq_placement_BatchOp)[];
}

export interface BatchRequest__Output {
  'ops': (_robustmq_placement_BatchOp__Output)[];
}
