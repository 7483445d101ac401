// Original file: proto/placement/kv.proto


export interface ExistsReply {
  'exists'?: (boolean);
}

export interface ExistsReply__Output {
  'exists': (boolean);
}
