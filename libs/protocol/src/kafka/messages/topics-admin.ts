// CreateTopics (19), DeleteTopics (20), CreatePartitions (37): topic administration. Declared from Kafka's
// CreateTopics*.json v0-7 (v5 flexible, v7 topic ids), DeleteTopics*.json v0-6 (v4 flexible, v6 topics by name or id)
// and CreatePartitions*.json v0-3 (v2 flexible).
import { kafkaApi, struct } from '../schema.js';
import { errorCode, errorMessage, throttleTimeMs, timeoutMs } from './shared-fields.js';

const createTopics = kafkaApi('CreateTopics', 19, '0-7', '5+');

export const CreateTopicsRequest = createTopics.request([
  struct('topics', '[]CreatableTopic', '0+', [
    { name: 'name', type: 'string', versions: '0+' },
    { name: 'numPartitions', type: 'int32', versions: '0+' },
    { name: 'replicationFactor', type: 'int16', versions: '0+' },
    struct('assignments', '[]CreatableReplicaAssignment', '0+', [
      { name: 'partitionIndex', type: 'int32', versions: '0+' },
      { name: 'brokerIds', type: '[]int32', versions: '0+' },
    ]),
    struct('configs', '[]CreatableTopicConfig', '0+', [
      { name: 'name', type: 'string', versions: '0+' },
      { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
    ]),
  ]),
  timeoutMs(60000),
  { name: 'validateOnly', type: 'bool', versions: '1+', default: false },
]);

export const CreateTopicsResponse = createTopics.response([
  throttleTimeMs('2+'),
  struct('topics', '[]CreatableTopicResult', '0+', [
    { name: 'name', type: 'string', versions: '0+' },
    { name: 'topicId', type: 'uuid', versions: '7+' },
    errorCode(),
    errorMessage('1+', '0+'),
    { name: 'topicConfigErrorCode', type: 'int16', versions: '5+', taggedVersions: '5+', tag: 0 },
    { name: 'numPartitions', type: 'int32', versions: '5+', default: -1 },
    { name: 'replicationFactor', type: 'int16', versions: '5+', default: -1 },
    struct('configs', '[]CreatableTopicConfigs', '5+', { nullableVersions: '5+' }, [
      { name: 'name', type: 'string', versions: '5+' },
      { name: 'value', type: 'string', versions: '5+', nullableVersions: '5+' },
      { name: 'readOnly', type: 'bool', versions: '5+' },
      { name: 'configSource', type: 'int8', versions: '5+', default: -1 },
      { name: 'isSensitive', type: 'bool', versions: '5+' },
    ]),
  ]),
]);

export interface CreateTopicsRequestData {
  topics: {
    name: string;
    numPartitions: number;
    replicationFactor: number;
    assignments: { partitionIndex: number; brokerIds: number[] }[];
    configs: { name: string; value: string | null }[];
  }[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreateTopicResultData {
  name: string;
  topicId?: string;
  errorCode: number;
  errorMessage: string | null;
  numPartitions?: number;
  replicationFactor?: number;
  configs?:
    | { name: string; value: string | null; readOnly: boolean; configSource: number; isSensitive: boolean }[]
    | null;
}

const deleteTopics = kafkaApi('DeleteTopics', 20, '0-6', '4+');

export const DeleteTopicsRequest = deleteTopics.request([
  struct('topics', '[]DeleteTopicState', '6+', [
    { name: 'name', type: 'string', versions: '6+', nullableVersions: '6+', default: 'null' },
    { name: 'topicId', type: 'uuid', versions: '6+' },
  ]),
  { name: 'topicNames', type: '[]string', versions: '0-5' },
  timeoutMs(),
]);

export const DeleteTopicsResponse = deleteTopics.response([
  throttleTimeMs('1+'),
  struct('responses', '[]DeletableTopicResult', '0+', [
    { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+' },
    { name: 'topicId', type: 'uuid', versions: '6+' },
    errorCode(),
    errorMessage('5+'),
  ]),
]);

export interface DeleteTopicsRequestData {
  topics: { name: string | null; topicId: string }[];
  topicNames: string[];
  timeoutMs: number;
}

const createPartitions = kafkaApi('CreatePartitions', 37, '0-3', '2+');

export const CreatePartitionsRequest = createPartitions.request([
  struct('topics', '[]CreatePartitionsTopic', '0+', [
    { name: 'name', type: 'string', versions: '0+' },
    { name: 'count', type: 'int32', versions: '0+' },
    struct('assignments', '[]CreatePartitionsAssignment', '0+', { nullableVersions: '0+' }, [
      { name: 'brokerIds', type: '[]int32', versions: '0+' },
    ]),
  ]),
  timeoutMs(),
  { name: 'validateOnly', type: 'bool', versions: '0+' },
]);

export const CreatePartitionsResponse = createPartitions.response([
  throttleTimeMs('0+'),
  struct('results', '[]CreatePartitionsTopicResult', '0+', [
    { name: 'name', type: 'string', versions: '0+' },
    errorCode(),
    errorMessage('0+'),
  ]),
]);

export interface CreatePartitionsRequestData {
  topics: { name: string; count: number; assignments: { brokerIds: number[] }[] | null }[];
  timeoutMs: number;
  validateOnly: boolean;
}
