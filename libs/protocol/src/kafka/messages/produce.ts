// Produce (key 0): record batches into partitions. Declared from Kafka's ProduceRequest/Response.json, v0-9 (v3 adds
// the transactional id and record batch v2, v7 zstd, v8 record errors, v9 flexible).
import { kafkaApi, struct } from '../schema.js';

const produce = kafkaApi('Produce', 0, '0-9', '9+');

export const ProduceRequest = produce.request([
  { name: 'transactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
  { name: 'acks', type: 'int16', versions: '0+' },
  { name: 'timeoutMs', type: 'int32', versions: '0+' },
  struct('topicData', '[]TopicProduceData', '0+', [
    { name: 'name', type: 'string', versions: '0+' },
    struct('partitionData', '[]PartitionProduceData', '0+', [
      { name: 'index', type: 'int32', versions: '0+' },
      { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
    ]),
  ]),
]);

export const ProduceResponse = produce.response([
  struct('responses', '[]TopicProduceResponse', '0+', [
    { name: 'name', type: 'string', versions: '0+' },
    struct('partitionResponses', '[]PartitionProduceResponse', '0+', [
      { name: 'index', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
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
      { name: 'errorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: 'null' },
    ]),
  ]),
  { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
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
