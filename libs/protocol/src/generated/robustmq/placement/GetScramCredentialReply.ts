// Original file: proto/placement/mqtt.proto


export interface GetScramCredentialReply {
  'found'?: (boolean);
  'salt'?: (Buffer | Uint8Array | string);
  'iterations'?: (number);
  'storedKey'?: (Buffer | Uint8Array | string);
  'serverKey'?: (Buffer | Uint8Array | string);
}

export interface GetScramCredentialReply__Output {
  'found': (boolean);
  'salt': (Buffer);
  'iterations': (number);
  'storedKey': (Buffer);
  'serverKey': (Buffer);
}
