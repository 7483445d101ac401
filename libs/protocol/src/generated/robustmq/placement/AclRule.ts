// Original file: proto/placement/mqtt.proto

import type { AclPermission as _robustmq_placement_AclPermission, AclPermission__Output as _robustmq_placement_AclPermission__Output } from '../../robustmq/placement/AclPermission.js';
import type { AclAction as _robustmq_placement_AclAction, AclAction__Output as _robustmq_placement_AclAction__Output } from '../../robustmq/placement/AclAction.js';
import type { AclSubjectType as _robustmq_placement_AclSubjectType, AclSubjectType__Output as _robustmq_placement_AclSubjectType__Output } from '../../robustmq/placement/AclSubjectType.js';
import type { Long } from '@grpc/proto-loader';

export interface AclRule {
  'id'?: (string);
  'permission'?: (_robustmq_placement_AclPermission);
  'action'?: (_robustmq_placement_AclAction);
  'subjectType'?: (_robustmq_placement_AclSubjectType);
  'subjectValue'?: (string);
  /**
   * an MQTT topic filter; "%u" and "%c" stand for the client's username and client id.
   */
  'topicFilter'?: (string);
  /**
   * lower first; the first matching rule decides.
   */
  'priority'?: (number);
  'createdAtMs'?: (number | string | Long);
}

export interface AclRule__Output {
  'id': (string);
  'permission': (_robustmq_placement_AclPermission__Output);
  'action': (_robustmq_placement_AclAction__Output);
  'subjectType': (_robustmq_placement_AclSubjectType__Output);
  'subjectValue': (string);
  /**
   * an MQTT topic filter; "%u" and "%c" stand for the client's username and client id.
   */
  'topicFilter': (string);
  /**
   * lower first; the first matching rule decides.
   */
  'priority': (number);
  'createdAtMs': (number);
}
