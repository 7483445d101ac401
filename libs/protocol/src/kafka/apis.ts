// The APIs this codec knows, by API key: each one's request and response declarations (messages/*.ts), compiled once.
// Which of them a broker offers, and in which versions, is the broker's decision (its ApiVersions answer); this table
// only says what can be read and written. A new API is one file under messages/ and one entry here.
import { compileMessage, type CompiledMessage, type MessageSpec } from './schema.js';
import { ApiVersionsRequest, ApiVersionsResponse } from './messages/api-versions.js';
import { FetchRequest, FetchResponse } from './messages/fetch.js';
import {
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from './messages/group.js';
import { InitProducerIdRequest, InitProducerIdResponse } from './messages/init-producer-id.js';
import { ListOffsetsRequest, ListOffsetsResponse } from './messages/list-offsets.js';
import { MetadataRequest, MetadataResponse } from './messages/metadata.js';
import { ProduceRequest, ProduceResponse } from './messages/produce.js';
import {
  SaslAuthenticateRequest,
  SaslAuthenticateResponse,
  SaslHandshakeRequest,
  SaslHandshakeResponse,
} from './messages/sasl.js';
import {
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
} from './messages/topics-admin.js';

/** Kafka's API keys (https://kafka.apache.org/protocol#protocol_api_keys). */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  OffsetForLeaderEpoch: 23,
  DescribeConfigs: 32,
  CreatePartitions: 37,
  SaslAuthenticate: 36,
  DeleteGroups: 42,
} as const;

export interface ApiSpec {
  apiKey: number;
  name: string;
  request: CompiledMessage;
  response: CompiledMessage;
}

const API_LIST: [MessageSpec, MessageSpec][] = [
  [ProduceRequest, ProduceResponse],
  [FetchRequest, FetchResponse],
  [ListOffsetsRequest, ListOffsetsResponse],
  [MetadataRequest, MetadataResponse],
  [SaslHandshakeRequest, SaslHandshakeResponse],
  [ApiVersionsRequest, ApiVersionsResponse],
  [CreateTopicsRequest, CreateTopicsResponse],
  [DeleteTopicsRequest, DeleteTopicsResponse],
  [SaslAuthenticateRequest, SaslAuthenticateResponse],
  [CreatePartitionsRequest, CreatePartitionsResponse],
  [FindCoordinatorRequest, FindCoordinatorResponse],
  [JoinGroupRequest, JoinGroupResponse],
  [SyncGroupRequest, SyncGroupResponse],
  [HeartbeatRequest, HeartbeatResponse],
  [LeaveGroupRequest, LeaveGroupResponse],
  [OffsetCommitRequest, OffsetCommitResponse],
  [OffsetFetchRequest, OffsetFetchResponse],
  [DescribeGroupsRequest, DescribeGroupsResponse],
  [ListGroupsRequest, ListGroupsResponse],
  [DeleteGroupsRequest, DeleteGroupsResponse],
  [InitProducerIdRequest, InitProducerIdResponse],
];

/** every API the codec can read and write, by key. */
export const KAFKA_APIS: ReadonlyMap<number, ApiSpec> = new Map(
  API_LIST.map(([request, response]) => {
    if (request.apiKey !== response.apiKey)
      throw new Error(`${request.name} and ${response.name} differ in API key`);
    return [
      request.apiKey,
      {
        apiKey: request.apiKey,
        name: request.name.replace(/Request$/, ''),
        request: compileMessage(request),
        response: compileMessage(response),
      },
    ];
  }),
);

export function apiSpec(apiKey: number): ApiSpec | undefined {
  return KAFKA_APIS.get(apiKey);
}
