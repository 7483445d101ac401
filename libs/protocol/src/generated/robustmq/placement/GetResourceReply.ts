// Original file: proto/placement/mqtt.proto

import type { MqttResource as _robustmq_placement_MqttResource, MqttResource__Output as _robustmq_placement_MqttResource__Output } from '../../robustmq/placement/MqttResource.js';

export interface GetResourceReply {
  'resource'?: (_robustmq_placement_MqttResource | null);
}

export interface GetResourceReply__Output {
  'resource': (_robustmq_placement_MqttResource__Output | null);
}
