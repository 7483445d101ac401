// Original file: proto/placement/mqtt.proto

import type { MqttResource as _robustmq_placement_MqttResource, MqttResource__Output as _robustmq_placement_MqttResource__Output } from '../../robustmq/placement/MqttResource.js';

export interface PutResourceReply {
  'resource'?: (_robustmq_placement_MqttResource | null);
  /**
   * false when an existing resource was replaced.
   */
  'created'?: (boolean);
}

export interface PutResourceReply__Output {
  'resource': (_robustmq_placement_MqttResource__Output | null);
  /**
   * false when an existing resource was replaced.
   */
  'created': (boolean);
}
