// Original file: proto/placement/mqtt.proto


export interface DeleteAclRuleRequest {
  'id'?: (string);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface DeleteAclRuleRequest__Output {
  'id': (string);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
