// Original file: proto/placement/kv.proto


export interface SetRequest {
  'key'?: (string);
  'value'?: (Buffer | Uint8Array | string);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface SetRequest__Output {
  'key': (string);
  'value': (Buffer);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
