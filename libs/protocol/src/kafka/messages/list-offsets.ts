// ListOffsets (key 2): the earliest / latest offset of a partition, or the first at a timestamp. Declared from Kafka's
// ListOffsetsRequest/Response.json, v0-7 (v1 single offsets, v2 isolation level, v4 leader epochs, v6 flexible,
// v7 max timestamp).
import { kafkaApi } from '../schema.js';
import { errorCode, throttleTimeMs, topicPartitions } from './shared-fields.js';

const listOffsets = kafkaApi('ListOffsets', 2, '0-7', '6+');

export const ListOffsetsRequest = listOffsets.request([
  { name: 'replicaId', type: 'int32', versions: '0+' },
  { name: 'isolationLevel', type: 'int8', versions: '2+' },
  topicPartitions('topics', ['ListOffsetsTopic', 'ListOffsetsPartition'], '0+', [
    { name: 'partitionIndex', type: 'int32', versions: '0+' },
    { name: 'currentLeaderEpoch', type: 'int32', versions: '4+', default: -1 },
    { name: 'timestamp', type: 'int64', versions: '0+' },
    { name: 'maxNumOffsets', type: 'int32', versions: '0', default: 1 },
  ]),
]);

export const ListOffsetsResponse = listOffsets.response([
  throttleTimeMs('2+'),
  topicPartitions('topics', ['ListOffsetsTopicResponse', 'ListOffsetsPartitionResponse'], '0+', [
    { name: 'partitionIndex', type: 'int32', versions: '0+' },
    errorCode(),
    { name: 'oldStyleOffsets', type: '[]int64', versions: '0' },
    { name: 'timestamp', type: 'int64', versions: '1+', default: -1 },
    { name: 'offset', type: 'int64', versions: '1+', default: -1 },
    { name: 'leaderEpoch', type: 'int32', versions: '4+', default: -1 },
  ]),
]);

export interface ListOffsetsRequestData {
  replicaId: number;
  isolationLevel: number;
  topics: {
    name: string;
    partitions: {
      partitionIndex: number;
      currentLeaderEpoch: number;
      timestamp: number;
      maxNumOffsets: number;
    }[];
  }[];
}

export interface ListOffsetsPartitionResponseData {
  partitionIndex: number;
  errorCode: number;
  oldStyleOffsets: number[];
  timestamp: number;
  offset: number;
  leaderEpoch: number;
}

export interface ListOffsetsResponseData {
  throttleTimeMs: number;
  topics: { name: string; partitions: ListOffsetsPartitionResponseData[] }[];
}
