// Produce (key 0): record batches into partitions. Declared from Kafka's ProduceRequest/Response.json, v0-9 (v3 adds
// the transactional id and record batch v2, v7 zstd, v8 record errors, v9 flexible).
import { kafkaApi, struct } from '../schema.js';
import { errorCode, errorMessage, throttleTimeMs, timeoutMs, topicPartitions } from './shared-fields.js';

const produce = kafkaApi('Produce', 0, '0-9', '9+');

export const ProduceRequest = produce.request([
  { name: 'transactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
  { name: 'acks', type: 'int16', versions: '0+' },
  timeoutMs(),
  topicPartitions(['topicData', 'partitionData'], ['TopicProduceData', 'PartitionProduceData'], '0+', [
    { name: 'index', type: 'int32', versions: '0+' },
    { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
  ]),
]);

export const ProduceResponse = produce.response([
  topicPartitions(
    ['responses', 'partitionResponses'],
    ['TopicProduceResponse', 'PartitionProduceResponse'],
    '0+',
    [
      { name: 'index', type: 'int32', versions: '0+' },
      errorCode(),
      { name: 'baseOffset', type: 'int64', versions: '0+' },
      { name: 'logAppendTimeMs', type: 'int64', versions: '2+', default: -1 },
      { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
      struct('recordErrors', '[]BatchIndexAndErrorMessage', '8+', [
        { name: 'batchIndex', type: 'int32', versions: '8+' },
        {
          name: 'batchIndexErrorMessage',
          type: 'string',
          versions: '8+',
          nullableVersions: '8+',
          default: 'null',
        },
      ]),
      errorMessage('8+'),
    ],
  ),
  throttleTimeMs('1+'),
]);

export interface ProduceRequestData {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: { name: string; partitionData: { index: number; records: Buffer | null }[] }[];
}

export interface ProducePartitionResponseData {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  recordErrors: { batchIndex: number; batchIndexErrorMessage: string | null }[];
  errorMessage: string | null;
}

export interface ProduceResponseData {
  responses: { name: string; partitionResponses: ProducePartitionResponseData[] }[];
  throttleTimeMs: number;
}
