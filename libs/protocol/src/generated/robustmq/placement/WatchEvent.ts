// Original file: proto/placement/kv.proto

import type { KeyValue as _robustmq_placement_KeyValue, KeyValue__Output as _robustmq_placement_KeyValue__Output } from '../../robustmq/placement/KeyValue.js';

// Original file: proto/placement/kv.proto

export const _robustmq_placement_WatchEvent_EventType = {
  PUT: 'PUT',
  DELETE: 'DELETE',
} as const;

export type _robustmq_placement_WatchEvent_EventType =
  | 'PUT'
  | 0
  | 'DELETE'
  | 1

export type _robustmq_placement_WatchEvent_EventType__Output = typeof _robustmq_placement_WatchEvent_EventType[keyof typeof _robustmq_placement_WatchEvent_EventType]

export interface WatchEvent {
  'type'?: (_robustmq_placement_WatchEvent_EventType);
  /**
   * for DELETE, value is empty and only key and mod_revision (the deletion's revision) are set.
   */
  'kv'?: (_robustmq_placement_KeyValue | null);
}

export interface WatchEvent__Output {
  'type': (_robustmq_placement_WatchEvent_EventType__Output);
  /**
   * for DELETE, value is empty and only key and mod_revision (the deletion's revision) are set.
   */
  'kv': (_robustmq_placement_KeyValue__Output | null);
}
