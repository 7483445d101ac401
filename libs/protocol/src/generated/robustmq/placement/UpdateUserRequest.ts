// Original file: proto/placement/mqtt.proto

import type { BoolUpdate as _robustmq_placement_BoolUpdate, BoolUpdate__Output as _robustmq_placement_BoolUpdate__Output } from '../../robustmq/placement/BoolUpdate.js';

export interface UpdateUserRequest {
  'username'?: (string);
  /**
   * empty keeps the current password.
   */
  'password'?: (string);
  /**
   * absent keeps the current flag.
   */
  'superuser'?: (_robustmq_placement_BoolUpdate | null);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface UpdateUserRequest__Output {
  'username': (string);
  /**
   * empty keeps the current password.
   */
  'password': (string);
  /**
   * absent keeps the current flag.
   */
  'superuser': (_robustmq_placement_BoolUpdate__Output | null);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
