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
  /**
   * the incoming QoS 2 exchanges of awaiting_release and those whose append failed, as the markers stored for them:
   * a JSON array of {id, from?, at?, tag?}. The new broker takes a marker with a tag only if its message is in the
   * shared log (a record of the client's at or after offset `from` carrying the tag), so an append that failed after
   * all is neither delivered twice nor lost. Empty from an older broker: awaiting_release is then used as it is.
   */
  'incomingJson'?: (string);
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
  /**
   * the incoming QoS 2 exchanges of awaiting_release and those whose append failed, as the markers stored for them:
   * a JSON array of {id, from?, at?, tag?}. The new broker takes a marker with a tag only if its message is in the
   * shared log (a record of the client's at or after offset `from` carrying the tag), so an append that failed after
   * all is neither delivered twice nor lost. Empty from an older broker: awaiting_release is then used as it is.
   */
  'incomingJson': (string);
}
