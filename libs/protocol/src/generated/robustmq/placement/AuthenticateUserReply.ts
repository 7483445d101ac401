// Original file: proto/placement/mqtt.proto


export interface AuthenticateUserReply {
  'authenticated'?: (boolean);
  /**
   * meaningful only when authenticated.
   */
  'superuser'?: (boolean);
}

export interface AuthenticateUserReply__Output {
  'authenticated': (boolean);
  /**
   * meaningful only when authenticated.
   */
  'superuser': (boolean);
}
