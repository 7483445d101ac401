// Original file: proto/placement/mqtt.proto


export interface CreateUserRequest {
  'username'?: (string);
  'password'?: (string);
  'superuser'?: (boolean);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface CreateUserRequest__Output {
  'username': (string);
  'password': (string);
  'superuser': (boolean);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
