// Original file: proto/placement/mqtt.proto


export interface DeleteAclRuleReply {
}

export interface DeleteAclRuleReply__Output {
}
