// Original file: proto/placement/mqtt.proto


export interface DeleteUserRequest {
  'username'?: (string);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface DeleteUserRequest__Output {
  'username': (string);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
