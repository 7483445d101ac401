// Original file: proto/placement/mqtt.proto

import type { MqttResource as _robustmq_placement_MqttResource, MqttResource__Output as _robustmq_placement_MqttResource__Output } from '../../robustmq/placement/MqttResource.js';

export interface ListResourcesReply {
  'resources'?: (_robustmq_placement_MqttResource)[];
  'more'?: (boolean);
}

export interface ListResourcesReply__Output {
  'resources': (_robustmq_placement_MqttResource__Output)[];
  'more': (boolean);
}
