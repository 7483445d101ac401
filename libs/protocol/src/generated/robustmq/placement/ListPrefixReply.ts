// Original file: proto/placement/kv.proto

import type { KeyValue as _robustmq_placement_KeyValue, KeyValue__Output as _robustmq_placement_KeyValue__Output } from '../../robustmq/placement/KeyValue.js';
import type { Long } from '@grpc/proto-loader';

export interface ListPrefixReply {
  'items'?: (_robustmq_placement_KeyValue)[];
  /**
   * true when more keys under the prefix follow the last one returned.
   */
  'more'?: (boolean);
  /**
   * the store's revision when the page was read: watch from revision + 1 to follow changes after this listing.
   */
  'revision'?: (number | string | Long);
}

export interface ListPrefixReply__Output {
  'items': (_robustmq_placement_KeyValue__Output)[];
  /**
   * true when more keys under the prefix follow the last one returned.
   */
  'more': (boolean);
  /**
   * the store's revision when the page was read: watch from revision + 1 to follow changes after this listing.
   */
  'revision': (number);
}
