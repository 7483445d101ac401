// Original file: proto/mqtt/broker-inner.proto

import type { Long } from '@grpc/proto-loader';

export interface TakeOverSessionReply {
  /**
   * false when this broker held no state for the client (nothing was closed or dropped).
   */
  'found'?: (boolean);
  /**
   * the session's subscriptions as a JSON array of {topic, qos, rh, rap, nl, subscriptionIdentifier?}.
   */
  'subscriptionsJson'?: (string);
  /**
   * incoming QoS 2 packet ids delivered and answered with PUBREC, awaiting the client's PUBREL.
   */
  'awaitingRelease'?: (number)[];
  /**
   * session expiry interval in seconds; -1 = never.
   */
  'expiry'?: (number | string | Long);
}

export interface TakeOverSessionReply__Output {
  /**
   * false when this broker held no state for the client (nothing was closed or dropped).
   */
  'found': (boolean);
  /**
   * the session's subscriptions as a JSON array of {topic, qos, rh, rap, nl, subscriptionIdentifier?}.
   */
  'subscriptionsJson': (string);
  /**
   * incoming QoS 2 packet ids delivered and answered with PUBREC, awaiting the client's PUBREL.
   */
  'awaitingRelease': (number)[];
  /**
   * session expiry interval in seconds; -1 = never.
   */
  'expiry': (number);
}
