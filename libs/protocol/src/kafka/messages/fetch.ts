// Fetch (key 1): records from partitions, with a long poll (max wait, min bytes). Declared from Kafka's
// FetchRequest/Response.json, v0-12 (v4 record batch v2 + isolation, v7 fetch sessions, v11 rack, v12 flexible; v13's
// topic ids are not offered).
import { kafkaApi, struct } from '../schema.js';
import { errorCode, throttleTimeMs } from './shared-fields.js';

const fetch = kafkaApi('Fetch', 1, '0-12', '12+');

export const FetchRequest = fetch.request([
  {
    name: 'clusterId',
    type: 'string',
    versions: '12+',
    nullableVersions: '12+',
    default: 'null',
    taggedVersions: '12+',
    tag: 0,
  },
  { name: 'replicaId', type: 'int32', versions: '0+' },
  { name: 'maxWaitMs', type: 'int32', versions: '0+' },
  { name: 'minBytes', type: 'int32', versions: '0+' },
  { name: 'maxBytes', type: 'int32', versions: '3+', default: 0x7fffffff },
  { name: 'isolationLevel', type: 'int8', versions: '4+', default: 0 },
  { name: 'sessionId', type: 'int32', versions: '7+', default: 0 },
  { name: 'sessionEpoch', type: 'int32', versions: '7+', default: -1 },
  struct('topics', '[]FetchTopic', '0+', [
    { name: 'topic', type: 'string', versions: '0+' },
    struct('partitions', '[]FetchPartition', '0+', [
      { name: 'partition', type: 'int32', versions: '0+' },
      { name: 'currentLeaderEpoch', type: 'int32', versions: '9+', default: -1 },
      { name: 'fetchOffset', type: 'int64', versions: '0+' },
      { name: 'lastFetchedEpoch', type: 'int32', versions: '12+', default: -1 },
      { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
      { name: 'partitionMaxBytes', type: 'int32', versions: '0+' },
    ]),
  ]),
  struct('forgottenTopicsData', '[]ForgottenTopic', '7+', [
    { name: 'topic', type: 'string', versions: '7+' },
    { name: 'partitions', type: '[]int32', versions: '7+' },
  ]),
  { name: 'rackId', type: 'string', versions: '11+', default: '' },
]);

export const FetchResponse = fetch.response([
  throttleTimeMs('1+'),
  errorCode('7+'),
  { name: 'sessionId', type: 'int32', versions: '7+', default: 0 },
  struct('responses', '[]FetchableTopicResponse', '0+', [
    { name: 'topic', type: 'string', versions: '0+' },
    struct('partitions', '[]PartitionData', '0+', [
      { name: 'partitionIndex', type: 'int32', versions: '0+' },
      errorCode(),
      { name: 'highWatermark', type: 'int64', versions: '0+' },
      { name: 'lastStableOffset', type: 'int64', versions: '4+', default: -1 },
      { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
      struct('divergingEpoch', 'EpochEndOffset', '12+', { taggedVersions: '12+', tag: 0 }, [
        { name: 'epoch', type: 'int32', versions: '12+', default: -1 },
        { name: 'endOffset', type: 'int64', versions: '12+', default: -1 },
      ]),
      struct('currentLeader', 'LeaderIdAndEpoch', '12+', { taggedVersions: '12+', tag: 1 }, [
        { name: 'leaderId', type: 'int32', versions: '12+', default: -1 },
        { name: 'leaderEpoch', type: 'int32', versions: '12+', default: -1 },
      ]),
      struct('snapshotId', 'SnapshotId', '12+', { taggedVersions: '12+', tag: 2 }, [
        { name: 'endOffset', type: 'int64', versions: '12+', default: -1 },
        { name: 'epoch', type: 'int32', versions: '12+', default: -1 },
      ]),
      struct(
        'abortedTransactions',
        '[]AbortedTransaction',
        '4+',
        { nullableVersions: '4+', default: 'null' },
        [
          { name: 'producerId', type: 'int64', versions: '4+' },
          { name: 'firstOffset', type: 'int64', versions: '4+' },
        ],
      ),
      { name: 'preferredReadReplica', type: 'int32', versions: '11+', default: -1 },
      { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
    ]),
  ]),
]);

export interface FetchPartitionRequestData {
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: number;
  logStartOffset: number;
  partitionMaxBytes: number;
}

export interface FetchRequestData {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: { topic: string; partitions: FetchPartitionRequestData[] }[];
  forgottenTopicsData: { topic: string; partitions: number[] }[];
}

export interface FetchPartitionResponseData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  abortedTransactions: { producerId: number; firstOffset: number }[] | null;
  preferredReadReplica: number;
  records: Buffer | null;
}

export interface FetchResponseData {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  responses: { topic: string; partitions: FetchPartitionResponseData[] }[];
}
