// Original file: proto/placement/mqtt.proto


export interface GetShareSubLeaderRequest {
  /**
   * the group of $share/<group_name>/<topic filter>.
   */
  'groupName'?: (string);
  /**
   * optional: the same id on a retried request makes the assignment's write take effect at most once
   */
  'requestId'?: (string);
}

export interface GetShareSubLeaderRequest__Output {
  /**
   * the group of $share/<group_name>/<topic filter>.
   */
  'groupName': (string);
  /**
   * optional: the same id on a retried request makes the assignment's write take effect at most once
   */
  'requestId': (string);
}
