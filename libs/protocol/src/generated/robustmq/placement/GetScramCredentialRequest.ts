// Original file: proto/placement/mqtt.proto


export interface GetScramCredentialRequest {
  'username'?: (string);
  /**
   * "SCRAM-SHA-256" or "SCRAM-SHA-512"
   */
  'mechanism'?: (string);
}

export interface GetScramCredentialRequest__Output {
  'username': (string);
  /**
   * "SCRAM-SHA-256" or "SCRAM-SHA-512"
   */
  'mechanism': (string);
}
