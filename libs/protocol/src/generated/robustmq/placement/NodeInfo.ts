// Original file: proto/placement/cluster.proto

import type { ClusterType as _robustmq_placement_ClusterType, ClusterType__Output as _robustmq_placement_ClusterType__Output } from '../../robustmq/placement/ClusterType.js';
import type { Long } from '@grpc/proto-loader';

export interface NodeInfo {
  'clusterType'?: (_robustmq_placement_ClusterType);
  'clusterName'?: (string);
  'nodeId'?: (number | string | Long);
  /**
   * host the node is reachable on (what clients and peers should dial).
   */
  'host'?: (string);
  /**
   * named ports, e.g. {"mqtt": 1883, "grpc": 9981, "http": 9982}.
   */
  'ports'?: ({[key: string]: number});
  /**
   * free-form labels (version, zone...).
   */
  'labels'?: ({[key: string]: string});
  /**
   * milliseconds since the epoch, set by placement.
   */
  'registeredAtMs'?: (number | string | Long);
  'lastHeartbeatMs'?: (number | string | Long);
}

export interface NodeInfo__Output {
  'clusterType': (_robustmq_placement_ClusterType__Output);
  'clusterName': (string);
  'nodeId': (number);
  /**
   * host the node is reachable on (what clients and peers should dial).
   */
  'host': (string);
  /**
   * named ports, e.g. {"mqtt": 1883, "grpc": 9981, "http": 9982}.
   */
  'ports': ({[key: string]: number});
  /**
   * free-form labels (version, zone...).
   */
  'labels': ({[key: string]: string});
  /**
   * milliseconds since the epoch, set by placement.
   */
  'registeredAtMs': (number);
  'lastHeartbeatMs': (number);
}
