// Original file: proto/placement/kv.proto


export interface DeleteReply {
  'deleted'?: (boolean);
}

export interface DeleteReply__Output {
  'deleted': (boolean);
}
