// Original file: proto/placement/kv.proto


export interface GetRequest {
  'key'?: (string);
}

export interface GetRequest__Output {
  'key': (string);
}
