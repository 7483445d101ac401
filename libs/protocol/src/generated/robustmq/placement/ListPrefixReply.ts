// Original file: proto/placement/kv.proto

import type { KeyValue as _robustmq_placement_KeyValue, KeyValue__Output as _robustmq_placement_KeyValue__Output } from '../../robustmq/placement/KeyValue.js';

export interface ListPrefixReply {
  'items'?: (_robustmq_placement_KeyValue)[];
  /**
   * true when more keys under the prefix follow the last one returned.
   */
  'more'?: (boolean);
}

export interface ListPrefixReply__Output {
  'items': (_robustmq_placement_KeyValue__Output)[];
  /**
   * true when more keys under the prefix follow the last one returned.
   */
  'more': (boolean);
}
