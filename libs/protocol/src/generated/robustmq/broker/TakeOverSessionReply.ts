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
  /**
   * outgoing QoS 2 messages the client answered with PUBREC, as a JSON array of [log offset, packet id]: the new
   * broker sends PUBREL for them again, never the PUBLISH.
   */
  'releasedJson'?: (string);
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
  /**
   * outgoing QoS 2 messages the client answered with PUBREC, as a JSON array of [log offset, packet id]: the new
   * broker sends PUBREL for them again, never the PUBLISH.
   */
  'releasedJson': (string);
}
