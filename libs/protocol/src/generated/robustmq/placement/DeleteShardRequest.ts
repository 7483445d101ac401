// Original file: proto/placement/journal.proto


export interface DeleteShardRequest {
  'namespace'?: (string);
  'name'?: (string);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface DeleteShardRequest__Output {
  'namespace': (string);
  'name': (string);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
