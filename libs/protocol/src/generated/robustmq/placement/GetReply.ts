// Original file: proto/placement/kv.proto


export interface GetReply {
  'value'?: (Buffer | Uint8Array | string);
}

export interface GetReply__Output {
  'value': (Buffer);
}
