// Original file: proto/placement/mqtt.proto

import type { MqttResource as _robustmq_placement_MqttResource, MqttResource__Output as _robustmq_placement_MqttResource__Output } from '../../robustmq/placement/MqttResource.js';

export interface PutResourceRequest {
  'resource'?: (_robustmq_placement_MqttResource | null);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId'?: (string);
}

export interface PutResourceRequest__Output {
  'resource': (_robustmq_placement_MqttResource__Output | null);
  /**
   * optional: the same id on a retried request makes the write take effect at most once (exactly-once retries)
   */
  'requestId': (string);
}
