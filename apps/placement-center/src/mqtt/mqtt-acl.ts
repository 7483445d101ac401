// MQTT ACL rules: who (user, client id, IP/CIDR, everyone) may or may not publish/subscribe on which topic filter.
// Rules are listed in evaluation order (priority, then id); the broker applies the first that matches.
import { randomUUID } from 'node:crypto';
import { requireEnum, requireSegmentName, requireText } from '../metadata/field-checks.js';
import { accepted, invalid } from '../metadata/metadata-error.js';
import { tagged, type WriteOptions } from '../metadata/write-options.js';
import type { Proposer } from '../state/proposer.js';
import {
  ACL_ACTIONS,
  ACL_PERMISSIONS,
  ACL_SUBJECT_TYPES,
  MQTT_KEY,
  type StoredAclRule,
} from '../state/mqtt-records.js';
import type { PlacementStateMachine } from '../state/state-machine.js';
import { checkIpOrCidr } from './ip-address.js';
import { checkTopicFilter } from './topic-filter.js';

export interface AclRuleInput {
  id?: string;
  permission: string;
  action: string;
  subjectType: string;
  subjectValue?: string;
  topicFilter: string;
  priority?: number;
}

export function validateAclRule(input: AclRuleInput, now: number): StoredAclRule {
  const subjectType = requireEnum('subject_type', input.subjectType, ACL_SUBJECT_TYPES);
  let subjectValue = input.subjectValue ?? '';
  if (subjectType === 'SUBJECT_ALL') {
    if (subjectValue) throw invalid('subject_value must be empty when subject_type is SUBJECT_ALL');
  } else if (subjectType === 'SUBJECT_IP') {
    subjectValue = checkIpOrCidr('subject_value', subjectValue);
  } else {
    requireText('subject_value', subjectValue);
  }
  const priority = input.priority ?? 0;
  if (!Number.isInteger(priority) || priority < -(2 ** 31) || priority >= 2 ** 31)
    throw invalid(`priority must be a 32-bit integer, got ${priority}`);
  return {
    // the id is generated here, on the proposing member, so every member stores the same one
    id: input.id ? requireSegmentName('id', input.id) : randomUUID(),
    permission: requireEnum('permission', input.permission, ACL_PERMISSIONS),
    action: requireEnum('action', input.action, ACL_ACTIONS),
    subjectType,
    subjectValue,
    topicFilter: checkTopicFilter('topic_filter', input.topicFilter),
    priority,
    createdAtMs: now,
  };
}

export class MqttAcl {
  constructor(
    private readonly sm: PlacementStateMachine,
    private readonly proposer: Proposer,
  ) {}

  async create(input: AclRuleInput, options: WriteOptions = {}): Promise<StoredAclRule> {
    const rule = validateAclRule(input, Date.now());
    const result = accepted(
      await this.proposer.propose({ type: 'mqtt.acl.create', rule, ...tagged(options) }),
    );
    // a retry answered by the state machine gets the rule (and generated id) its first attempt stored
    return result.rule ?? rule;
  }

  async delete(id: string, options: WriteOptions = {}): Promise<void> {
    accepted(
      await this.proposer.propose({
        type: 'mqtt.acl.delete',
        id: requireSegmentName('id', id),
        ...tagged(options),
      }),
    );
  }

  async list(): Promise<StoredAclRule[]> {
    await this.proposer.readBarrier();
    const { items } = await this.sm.scanRecords<StoredAclRule>(MQTT_KEY.acl);
    return items.sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
