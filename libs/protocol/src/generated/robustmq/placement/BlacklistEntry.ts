// Original file: proto/placement/mqtt.proto

import type { BlacklistType as _robustmq_placement_BlacklistType, BlacklistType__Output as _robustmq_placement_BlacklistType__Output } from '../../robustmq/placement/BlacklistType.js';
import type { Long } from '@grpc/proto-loader';

export interface BlacklistEntry {
  'type'?: (_robustmq_placement_BlacklistType);
  'value'?: (string);
  /**
   * milliseconds since the epoch; 0 never expires.
   */
  'expiresAtMs'?: (number | string | Long);
  'reason'?: (string);
  'createdAtMs'?: (number | string | Long);
}

export interface BlacklistEntry__Output {
  'type': (_robustmq_placement_BlacklistType__Output);
  'value': (string);
  /**
   * milliseconds since the epoch; 0 never expires.
   */
  'expiresAtMs': (number);
  'reason': (string);
  'createdAtMs': (number);
}
