// Original file: proto/placement/cluster.proto


export interface RegisterNodeReply {
  /**
   * how often placement expects heartbeats and after how long it forgets a silent node.
   */
  'heartbeatIntervalMs'?: (number);
  'heartbeatTimeoutMs'?: (number);
}

export interface RegisterNodeReply__Output {
  /**
   * how often placement expects heartbeats and after how long it forgets a silent node.
   */
  'heartbeatIntervalMs': (number);
  'heartbeatTimeoutMs': (number);
}
