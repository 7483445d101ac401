// Original file: proto/placement/journal.proto


export interface ListSegmentsRequest {
  'namespace'?: (string);
  'shardName'?: (string);
}

export interface ListSegmentsRequest__Output {
  'namespace': (string);
  'shardName': (string);
}
