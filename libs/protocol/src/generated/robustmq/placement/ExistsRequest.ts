// Original file: proto/placement/kv.proto


export interface ExistsRequest {
  'key'?: (string);
}

export interface ExistsRequest__Output {
  'key': (string);
}
