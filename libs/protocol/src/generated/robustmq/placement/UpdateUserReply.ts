// Original file: proto/placement/mqtt.proto

import type { MqttUser as _robustmq_placement_MqttUser, MqttUser__Output as _robustmq_placement_MqttUser__Output } from '../../robustmq/placement/MqttUser.js';

export interface UpdateUserReply {
  'user'?: (_robustmq_placement_MqttUser | null);
}

export interface UpdateUserReply__Output {
  'user': (_robustmq_placement_MqttUser__Output | null);
}
