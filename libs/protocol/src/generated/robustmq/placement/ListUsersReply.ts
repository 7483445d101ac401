// Original file: proto/placement/mqtt.proto

import type { MqttUser as _robustmq_placement_MqttUser, MqttUser__Output as _robustmq_placement_MqttUser__Output } from '../../robustmq/placement/MqttUser.js';

export interface ListUsersReply {
  'users'?: (_robustmq_placement_MqttUser)[];
  'more'?: (boolean);
}

export interface ListUsersReply__Output {
  'users': (_robustmq_placement_MqttUser__Output)[];
  'more': (boolean);
}
