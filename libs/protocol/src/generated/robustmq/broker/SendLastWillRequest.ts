// Original file: proto/mqtt/broker-inner.proto

import type { LastWill as _robustmq_broker_LastWill, LastWill__Output as _robustmq_broker_LastWill__Output } from '../../robustmq/broker/LastWill.js';

export interface SendLastWillRequest {
  'clientId'?: (string);
  'will'?: (_robustmq_broker_LastWill | null);
}

export interface SendLastWillRequest__Output {
  'clientId': (string);
  'will': (_robustmq_broker_LastWill__Output | null);
}
