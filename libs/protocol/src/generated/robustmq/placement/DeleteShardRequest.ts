// Original file: proto/placement/journal.proto


export interface DeleteShardRequest {
  'namespace'?: (string);
  'name'?: (string);
}

export interface DeleteShardRequest__Output {
  'namespace': (string);
  'name': (string);
}
