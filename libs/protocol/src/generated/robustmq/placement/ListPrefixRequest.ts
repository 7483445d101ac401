// Original file: proto/placement/kv.proto


export interface ListPrefixRequest {
  'prefix'?: (string);
  'startAfter'?: (string);
  'limit'?: (number);
}

export interface ListPrefixRequest__Output {
  'prefix': (string);
  'startAfter': (string);
  'limit': (number);
}
