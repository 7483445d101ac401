// Original file: proto/placement/mqtt.proto

import type { BlacklistEntry as _robustmq_placement_BlacklistEntry, BlacklistEntry__Output as _robustmq_placement_BlacklistEntry__Output } from '../../robustmq/placement/BlacklistEntry.js';

export interface CreateBlacklistEntryRequest {
  'entry'?: (_robustmq_placement_BlacklistEntry | null);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface CreateBlacklistEntryRequest__Output {
  'entry': (_robustmq_placement_BlacklistEntry__Output | null);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
