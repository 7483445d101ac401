// Original file: proto/placement/kv.proto

import type { KeyValue as _robustmq_placement_KeyValue, KeyValue__Output as _robustmq_placement_KeyValue__Output } from '../../robustmq/placement/KeyValue.js';
import type { Long } from '@grpc/proto-loader';

export interface CompareAndSetReply {
  'succeeded'?: (boolean);
  /**
   * the revision of this change when it succeeded, else the store's current revision.
   */
  'revision'?: (number | string | Long);
  /**
   * the key's current state when the comparison failed (absent: the key does not exist).
   */
  'current'?: (_robustmq_placement_KeyValue | null);
}

export interface CompareAndSetReply__Output {
  'succeeded': (boolean);
  /**
   * the revision of this change when it succeeded, else the store's current revision.
   */
  'revision': (number);
  /**
   * the key's current state when the comparison failed (absent: the key does not exist).
   */
  'current': (_robustmq_placement_KeyValue__Output | null);
}
