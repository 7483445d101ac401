// Original file: proto/placement/mqtt.proto

import type { BlacklistEntry as _robustmq_placement_BlacklistEntry, BlacklistEntry__Output as _robustmq_placement_BlacklistEntry__Output } from '../../robustmq/placement/BlacklistEntry.js';

export interface CreateBlacklistEntryRequest {
  'entry'?: (_robustmq_placement_BlacklistEntry | null);
}

export interface CreateBlacklistEntryRequest__Output {
  'entry': (_robustmq_placement_BlacklistEntry__Output | null);
}
