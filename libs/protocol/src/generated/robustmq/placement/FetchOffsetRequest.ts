// Original file: proto/placement/journal.proto


export interface FetchOffsetRequest {
  'group'?: (string);
  'namespace'?: (string);
  'shardName'?: (string);
}

export interface FetchOffsetRequest__Output {
  'group': (string);
  'namespace': (string);
  'shardName': (string);
}
