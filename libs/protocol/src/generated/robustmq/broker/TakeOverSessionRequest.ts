// Original file: proto/mqtt/broker-inner.proto

import type { Long } from '@grpc/proto-loader';

export interface TakeOverSessionRequest {
  'clientId'?: (string);
  /**
   * the node id of the broker taking the session over.
   */
  'brokerNodeId'?: (number | string | Long);
}

export interface TakeOverSessionRequest__Output {
  'clientId': (string);
  /**
   * the node id of the broker taking the session over.
   */
  'brokerNodeId': (number);
}
