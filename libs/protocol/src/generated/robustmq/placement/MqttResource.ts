// Original file: proto/placement/mqtt.proto

import type { MqttResourceType as _robustmq_placement_MqttResourceType, MqttResourceType__Output as _robustmq_placement_MqttResourceType__Output } from '../../robustmq/placement/MqttResourceType.js';
import type { Long } from '@grpc/proto-loader';

export interface MqttResource {
  'type'?: (_robustmq_placement_MqttResourceType);
  'key'?: (string);
  /**
   * the record as a JSON object; validated (and normalised) per type.
   */
  'json'?: (string);
  /**
   * message payload for RETAINED_MESSAGE and WILL_MESSAGE; empty otherwise.
   */
  'payload'?: (Buffer | Uint8Array | string);
  /**
   * set by placement.
   */
  'updatedAtMs'?: (number | string | Long);
}

export interface MqttResource__Output {
  'type': (_robustmq_placement_MqttResourceType__Output);
  'key': (string);
  /**
   * the record as a JSON object; validated (and normalised) per type.
   */
  'json': (string);
  /**
   * message payload for RETAINED_MESSAGE and WILL_MESSAGE; empty otherwise.
   */
  'payload': (Buffer);
  /**
   * set by placement.
   */
  'updatedAtMs': (number);
}
