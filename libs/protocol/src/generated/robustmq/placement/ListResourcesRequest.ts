// Original file: proto/placement/mqtt.proto

import type { MqttResourceType as _robustmq_placement_MqttResourceType, MqttResourceType__Output as _robustmq_placement_MqttResourceType__Output } from '../../robustmq/placement/MqttResourceType.js';

export interface ListResourcesRequest {
  'type'?: (_robustmq_placement_MqttResourceType);
  'keyPrefix'?: (string);
  'startAfter'?: (string);
  'limit'?: (number);
}

export interface ListResourcesRequest__Output {
  'type': (_robustmq_placement_MqttResourceType__Output);
  'keyPrefix': (string);
  'startAfter': (string);
  'limit': (number);
}
