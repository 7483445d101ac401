// Original file: proto/placement/mqtt.proto


export interface ListAclRulesRequest {
}

export interface ListAclRulesRequest__Output {
}
