// Original file: proto/placement/mqtt.proto

import type { Long } from '@grpc/proto-loader';

export interface MqttUser {
  'username'?: (string);
  'superuser'?: (boolean);
  'createdAtMs'?: (number | string | Long);
  'updatedAtMs'?: (number | string | Long);
}

export interface MqttUser__Output {
  'username': (string);
  'superuser': (boolean);
  'createdAtMs': (number);
  'updatedAtMs': (number);
}
