// Original file: proto/placement/mqtt.proto


export interface DeleteAclRuleRequest {
  'id'?: (string);
}

export interface DeleteAclRuleRequest__Output {
  'id': (string);
}
