// Original file: proto/placement/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface CompareAndSetRequest {
  'key'?: (string);
  'expectedModRevision'?: (number | string | Long);
  'value'?: (Buffer | Uint8Array | string);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface CompareAndSetRequest__Output {
  'key': (string);
  'expectedModRevision': (number);
  'value': (Buffer);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
