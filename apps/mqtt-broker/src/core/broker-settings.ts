// The broker's limits (from [mqtt] in the config) and its hot-path counters: plain data every part of the broker
// reads, kept apart from the Broker class so that sessions, connections and handlers depend on them and not on it.
export interface BrokerSettings {
  maxPacketSize: number;
  maxConnections: number;
  keepAliveMax: number;
  defaultKeepAlive: number;
  connectTimeoutMs: number;
  maxClientIdLength: number;
  maxWriteBufferBytes: number;
  maxInflight: number;
  /** seconds; 0 = no limit. */
  sessionExpiryMax: number;
  topicAliasMax: number;
  receiveMaximum: number;
  maxAwaitingRel: number;
  maxQueuedMessages: number;
  maxTopicLevels: number;
  maxTopicLength: number;
  delayedPublishMaxS: number;
  /** least time between two commits of one session's position, ms (0: as soon as the previous one completes). */
  positionCommitIntervalMs: number;
  /** `[mqtt] qos0_log`: 'needed' appends a QoS 0 message to the broker's own log only when a session that reads the
   * log wants it; 'always' appends every one. */
  qos0Log: 'needed' | 'always';
}

/** Plain counters bumped on the hot path; metrics.ts reads them when Prometheus scrapes. */
export interface BrokerStats {
  connectionsAccepted: number;
  messagesReceived: number;
  messagesSent: number;
  messagesDropped: number;
  bytesReceived: number;
  bytesSent: number;
  /** packets not sent because they exceeded a client's Maximum Packet Size. */
  packetsTooLarge: number;
  /** messages published to a shared subscription group no member could take. */
  sharedDropped: number;
  /** a session's catch-up read of the message log failed and was tried again (storage unreachable for a while). */
  logReadRetries: number;
  /** reads of the message log from storage by sessions catching up (what they find in the log's memory is not one). */
  logReads: number;
  /** a session's position in the message log written to storage (in a cluster: a placement write each). */
  positionCommits: number;
  /** QoS 0 messages not appended to the broker's own log: no session reading the log wanted them. */
  qos0Unlogged: number;
}

export function newBrokerStats(): BrokerStats {
  return {
    connectionsAccepted: 0,
    messagesReceived: 0,
    messagesSent: 0,
    messagesDropped: 0,
    bytesReceived: 0,
    bytesSent: 0,
    packetsTooLarge: 0,
    sharedDropped: 0,
    logReadRetries: 0,
    logReads: 0,
    positionCommits: 0,
    qos0Unlogged: 0,
  };
}
