// InitProducerId (key 22): a producer id (and epoch) for an idempotent producer. Declared from Kafka's
// InitProducerIdRequest/Response.json, v0-4 (v2 flexible, v3 the producer's current id and epoch for KIP-360).
import { kafkaApi } from '../schema.js';
import { errorCode, throttleTimeMs } from './shared-fields.js';

const initProducerId = kafkaApi('InitProducerId', 22, '0-4', '2+');

export const InitProducerIdRequest = initProducerId.request([
  { name: 'transactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
  { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
  { name: 'producerId', type: 'int64', versions: '3+', default: -1 },
  { name: 'producerEpoch', type: 'int16', versions: '3+', default: -1 },
]);

export const InitProducerIdResponse = initProducerId.response([
  throttleTimeMs('0+'),
  errorCode(),
  { name: 'producerId', type: 'int64', versions: '0+', default: -1 },
  { name: 'producerEpoch', type: 'int16', versions: '0+' },
]);
