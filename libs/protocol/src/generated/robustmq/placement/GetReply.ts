// Original file: proto/placement/kv.proto

import type { KeyValue as _robustmq_placement_KeyValue, KeyValue__Output as _robustmq_placement_KeyValue__Output } from '../../robustmq/placement/KeyValue.js';

export interface GetReply {
  'value'?: (Buffer | Uint8Array | string);
  'kv'?: (_robustmq_placement_KeyValue | null);
}

export interface GetReply__Output {
  'value': (Buffer);
  'kv': (_robustmq_placement_KeyValue__Output | null);
}
