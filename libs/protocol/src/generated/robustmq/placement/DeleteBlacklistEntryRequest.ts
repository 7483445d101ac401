// Original file: proto/placement/mqtt.proto

import type { BlacklistType as _robustmq_placement_BlacklistType, BlacklistType__Output as _robustmq_placement_BlacklistType__Output } from '../../robustmq/placement/BlacklistType.js';

export interface DeleteBlacklistEntryRequest {
  'type'?: (_robustmq_placement_BlacklistType);
  'value'?: (string);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface DeleteBlacklistEntryRequest__Output {
  'type': (_robustmq_placement_BlacklistType__Output);
  'value': (string);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
