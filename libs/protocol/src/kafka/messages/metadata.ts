// Metadata (key 3): brokers, topics, partitions and their leaders. Declared from Kafka's MetadataRequest/Response.json,
// v0-12 (v9 flexible, v10 topic ids, v11 drops cluster authorized operations, v12 nullable topic names).
import { kafkaApi, struct } from '../schema.js';
import { errorCode, throttleTimeMs } from './shared-fields.js';

const metadata = kafkaApi('Metadata', 3, '0-12', '9+');

export const MetadataRequest = metadata.request([
  // v0: an empty array means every topic; v1+: null means every topic, empty means none
  struct('topics', '[]MetadataRequestTopic', '0+', { nullableVersions: '1+' }, [
    { name: 'topicId', type: 'uuid', versions: '10+' },
    { name: 'name', type: 'string', versions: '0+', nullableVersions: '10+' },
  ]),
  { name: 'allowAutoTopicCreation', type: 'bool', versions: '4+', default: true },
  { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
  { name: 'includeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
]);

export const MetadataResponse = metadata.response([
  throttleTimeMs('3+'),
  struct('brokers', '[]MetadataResponseBroker', '0+', [
    { name: 'nodeId', type: 'int32', versions: '0+' },
    { name: 'host', type: 'string', versions: '0+' },
    { name: 'port', type: 'int32', versions: '0+' },
    { name: 'rack', type: 'string', versions: '1+', nullableVersions: '1+', default: 'null' },
  ]),
  { name: 'clusterId', type: 'string', versions: '2+', nullableVersions: '2+', default: 'null' },
  { name: 'controllerId', type: 'int32', versions: '1+', default: -1 },
  struct('topics', '[]MetadataResponseTopic', '0+', [
    errorCode(),
    { name: 'name', type: 'string', versions: '0+', nullableVersions: '12+' },
    { name: 'topicId', type: 'uuid', versions: '10+' },
    { name: 'isInternal', type: 'bool', versions: '1+', default: false },
    struct('partitions', '[]MetadataResponsePartition', '0+', [
      errorCode(),
      { name: 'partitionIndex', type: 'int32', versions: '0+' },
      { name: 'leaderId', type: 'int32', versions: '0+' },
      { name: 'leaderEpoch', type: 'int32', versions: '7+', default: -1 },
      { name: 'replicaNodes', type: '[]int32', versions: '0+' },
      { name: 'isrNodes', type: '[]int32', versions: '0+' },
      { name: 'offlineReplicas', type: '[]int32', versions: '5+' },
    ]),
    { name: 'topicAuthorizedOperations', type: 'int32', versions: '8+', default: -2147483648 },
  ]),
  { name: 'clusterAuthorizedOperations', type: 'int32', versions: '8-10', default: -2147483648 },
]);

export interface MetadataRequestData {
  topics: { topicId: string; name: string | null }[] | null;
  allowAutoTopicCreation: boolean;
}

export interface MetadataPartitionData {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}

export interface MetadataTopicData {
  errorCode: number;
  name: string | null;
  topicId: string;
  isInternal: boolean;
  partitions: MetadataPartitionData[];
}

export interface MetadataResponseData {
  throttleTimeMs: number;
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataTopicData[];
}
