// Original file: proto/placement/kv.proto

import type { BatchOpResult as _robustmq_placement_BatchOpResult, BatchOpResult__Output as _robustmq_placement_BatchOpResult__Output } from '../../robustmq/placement/BatchOpResult.js';

export interface BatchReply {
  /**
   * one result per operation, in the order of the request.
   */
  'results'?: (_robustmq_placement_BatchOpResult)[];
}

export interface BatchReply__Output {
  /**
   * one result per operation, in the order of the request.
   */
  'results': (_robustmq_placement_BatchOpResult__Output)[];
}
