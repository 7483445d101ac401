// Original file: proto/placement/mqtt.proto

import type { BlacklistEntry as _robustmq_placement_BlacklistEntry, BlacklistEntry__Output as _robustmq_placement_BlacklistEntry__Output } from '../../robustmq/placement/BlacklistEntry.js';

export interface ListBlacklistReply {
  'entries'?: (_robustmq_placement_BlacklistEntry)[];
}

export interface ListBlacklistReply__Output {
  'entries': (_robustmq_placement_BlacklistEntry__Output)[];
}
