// Original file: proto/placement/kv.proto


export interface SetRequest {
  'key'?: (string);
  'value'?: (Buffer | Uint8Array | string);
}

export interface SetRequest__Output {
  'key': (string);
  'value': (Buffer);
}
