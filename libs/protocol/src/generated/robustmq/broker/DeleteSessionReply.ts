// Original file: proto/mqtt/broker-inner.proto


export interface DeleteSessionReply {
  /**
   * false when this broker held no state for the client, or the client is connected here.
   */
  'deleted'?: (boolean);
}

export interface DeleteSessionReply__Output {
  /**
   * false when this broker held no state for the client, or the client is connected here.
   */
  'deleted': (boolean);
}
