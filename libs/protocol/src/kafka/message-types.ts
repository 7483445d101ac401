// TypeScript views of the declared messages the broker reads field by field: the decoded value of a request (or the
// value of a response before it is encoded) seen through the fields the handlers use. The messages themselves are
// declared once, in Kafka's own files (proto/kafka/*.json, read by message-files.ts); a field here must carry the
// camelCase name of one there.

export interface ApiVersionsResponseData {
  errorCode: number;
  apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[];
  throttleTimeMs: number;
}

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

export interface DeleteTopicsRequestData {
  topics: { name: string | null; topicId: string }[];
  topicNames: string[];
  timeoutMs: number;
}

export interface CreatePartitionsRequestData {
  topics: { name: string; count: number; assignments: { brokerIds: number[] }[] | null }[];
  timeoutMs: number;
  validateOnly: boolean;
}
