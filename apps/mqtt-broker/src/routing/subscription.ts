// What one subscription of a session holds, as routing, the log reader and storage see it.
import type { QoS } from '@robustmq/protocol';

/** What is stored per (session, topic filter) in the subscription trie. */
export interface Subscription {
  /** the QoS granted in SUBACK. */
  qos: QoS;
  /** MQTT 5 No Local: do not deliver the session's own messages. */
  noLocal: boolean;
  /** MQTT 5 Retain As Published: keep the RETAIN flag the message was published with. */
  retainAsPublished: boolean;
  /** MQTT 5 Retain Handling: 0 send retained messages on subscribe, 1 only for a new subscription, 2 never. */
  retainHandling: number;
  /** the filter split into levels, for matching records read from the log (for a shared subscription: the filter
   * after `$share/<group>/`). */
  levels: string[];
  /** MQTT 5 Subscription Identifier given in SUBSCRIBE, sent back with every message this subscription matches. */
  identifier?: number | undefined;
  /** the share name of a `$share/<group>/<filter>` subscription: the group gets each message once, not the session. */
  share?: string | undefined;
}
