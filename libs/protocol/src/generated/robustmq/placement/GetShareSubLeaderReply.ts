// Original file: proto/placement/mqtt.proto

import type { Long } from '@grpc/proto-loader';

export interface GetShareSubLeaderReply {
  'brokerNodeId'?: (number | string | Long);
  /**
   * where the leader broker is reachable, from its registration.
   */
  'host'?: (string);
  /**
   * its named ports, e.g. {"mqtt": 1883, "grpc": 9981, "http": 9982}.
   */
  'ports'?: ({[key: string]: number});
}

export interface GetShareSubLeaderReply__Output {
  'brokerNodeId': (number);
  /**
   * where the leader broker is reachable, from its registration.
   */
  'host': (string);
  /**
   * its named ports, e.g. {"mqtt": 1883, "grpc": 9981, "http": 9982}.
   */
  'ports': ({[key: string]: number});
}
