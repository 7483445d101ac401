// Original file: proto/placement/journal.proto


export interface GetShardRequest {
  'namespace'?: (string);
  'name'?: (string);
}

export interface GetShardRequest__Output {
  'namespace': (string);
  'name': (string);
}
