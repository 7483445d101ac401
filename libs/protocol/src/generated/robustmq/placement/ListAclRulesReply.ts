// Original file: proto/placement/mqtt.proto

import type { AclRule as _robustmq_placement_AclRule, AclRule__Output as _robustmq_placement_AclRule__Output } from '../../robustmq/placement/AclRule.js';

export interface ListAclRulesReply {
  'rules'?: (_robustmq_placement_AclRule)[];
}

export interface ListAclRulesReply__Output {
  'rules': (_robustmq_placement_AclRule__Output)[];
}
