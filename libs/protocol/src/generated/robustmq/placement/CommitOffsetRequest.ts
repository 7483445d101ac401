// Original file: proto/placement/journal.proto

import type { Long } from '@grpc/proto-loader';

export interface CommitOffsetRequest {
  'group'?: (string);
  'namespace'?: (string);
  'shardName'?: (string);
  'offset'?: (number | string | Long);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface CommitOffsetRequest__Output {
  'group': (string);
  'namespace': (string);
  'shardName': (string);
  'offset': (number);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
