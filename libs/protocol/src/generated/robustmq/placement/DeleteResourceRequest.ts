// Original file: proto/placement/mqtt.proto

import type { MqttResourceType as _robustmq_placement_MqttResourceType, MqttResourceType__Output as _robustmq_placement_MqttResourceType__Output } from '../../robustmq/placement/MqttResourceType.js';

export interface DeleteResourceRequest {
  'type'?: (_robustmq_placement_MqttResourceType);
  'key'?: (string);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface DeleteResourceRequest__Output {
  'type': (_robustmq_placement_MqttResourceType__Output);
  'key': (string);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
