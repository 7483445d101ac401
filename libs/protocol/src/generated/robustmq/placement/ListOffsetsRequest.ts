// Original file: proto/placement/journal.proto


export interface ListOffsetsRequest {
  'group'?: (string);
}

export interface ListOffsetsRequest__Output {
  'group': (string);
}
