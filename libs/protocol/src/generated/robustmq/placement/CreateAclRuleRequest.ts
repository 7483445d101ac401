// Original file: proto/placement/mqtt.proto

import type { AclRule as _robustmq_placement_AclRule, AclRule__Output as _robustmq_placement_AclRule__Output } from '../../robustmq/placement/AclRule.js';

export interface CreateAclRuleRequest {
  /**
   * created_at_ms is set by placement.
   */
  'rule'?: (_robustmq_placement_AclRule | null);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface CreateAclRuleRequest__Output {
  /**
   * created_at_ms is set by placement.
   */
  'rule': (_robustmq_placement_AclRule__Output | null);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
