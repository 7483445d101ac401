// Original file: proto/placement/common.proto

/**
 * The kind of service a node runs; one node id space per cluster type.
 */
export const ClusterType = {
  CLUSTER_TYPE_UNSPECIFIED: 'CLUSTER_TYPE_UNSPECIFIED',
  PLACEMENT_CENTER: 'PLACEMENT_CENTER',
  JOURNAL_SERVER: 'JOURNAL_SERVER',
  MQTT_BROKER: 'MQTT_BROKER',
  KAFKA_BROKER: 'KAFKA_BROKER',
} as const;

/**
 * The kind of service a node runs; one node id space per cluster type.
 */
export type ClusterType =
  | 'CLUSTER_TYPE_UNSPECIFIED'
  | 0
  | 'PLACEMENT_CENTER'
  | 1
  | 'JOURNAL_SERVER'
  | 2
  | 'MQTT_BROKER'
  | 3
  | 'KAFKA_BROKER'
  | 4

/**
 * The kind of service a node runs; one node id space per cluster type.
 */
export type ClusterType__Output = typeof ClusterType[keyof typeof ClusterType]
