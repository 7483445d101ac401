// Original file: proto/placement/kv.proto

import type { ReadOptions as _robustmq_placement_ReadOptions, ReadOptions__Output as _robustmq_placement_ReadOptions__Output } from '../../robustmq/placement/ReadOptions.js';

export interface ListPrefixRequest {
  'prefix'?: (string);
  'startAfter'?: (string);
  'limit'?: (number);
  'read'?: (_robustmq_placement_ReadOptions | null);
}

export interface ListPrefixRequest__Output {
  'prefix': (string);
  'startAfter': (string);
  'limit': (number);
  'read': (_robustmq_placement_ReadOptions__Output | null);
}
