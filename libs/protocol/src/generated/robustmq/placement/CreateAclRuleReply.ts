// Original file: proto/placement/mqtt.proto

import type { AclRule as _robustmq_placement_AclRule, AclRule__Output as _robustmq_placement_AclRule__Output } from '../../robustmq/placement/AclRule.js';

export interface CreateAclRuleReply {
  'rule'?: (_robustmq_placement_AclRule | null);
}

export interface CreateAclRuleReply__Output {
  'rule': (_robustmq_placement_AclRule__Output | null);
}
