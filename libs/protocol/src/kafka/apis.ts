// The APIs this codec knows, by API key: each one's request and response as Apache Kafka declares them
// (proto/kafka/<Name>Request.json and <Name>Response.json, read by message-files.ts), up to the newest version offered
// here, compiled once. Which of them a broker offers, and in which versions, is the broker's decision (its ApiVersions
// answer, from these ranges); this table only says what can be read and written. A new API is its two files from
// upstream and one entry here; a newer version of one is its number raised here.
import { loadMessage } from './message-files.js';
import { compileMessage, type CompiledMessage } from './schema.js';

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

/** Each API by Kafka's name, with the newest version read and written here (what each later version adds: the notes at
 * the top of its file). */
const API_LIST: [name: string, maxVersion: number][] = [
  // v10+: the new leader on NOT_LEADER_OR_FOLLOWER (KIP-951), TRANSACTION_ABORTABLE (KIP-890)
  ['Produce', 9],
  // v13+ name topics by id (KIP-516)
  ['Fetch', 12],
  ['ListOffsets', 7],
  ['Metadata', 12],
  ['SaslHandshake', 1],
  ['ApiVersions', 3],
  ['CreateTopics', 7],
  ['DeleteTopics', 6],
  ['SaslAuthenticate', 2],
  ['CreatePartitions', 3],
  ['FindCoordinator', 4],
  ['JoinGroup', 9],
  ['SyncGroup', 5],
  ['Heartbeat', 4],
  ['LeaveGroup', 5],
  // OffsetCommit/OffsetFetch v9 and ListGroups v5 are KIP-848's consumer protocol
  ['OffsetCommit', 8],
  ['OffsetFetch', 8],
  ['DescribeGroups', 5],
  ['ListGroups', 4],
  ['DeleteGroups', 2],
  // v5: TRANSACTION_ABORTABLE (KIP-890)
  ['InitProducerId', 4],
];

/** every API the codec can read and write, by key. */
export const KAFKA_APIS: ReadonlyMap<number, ApiSpec> = new Map(
  API_LIST.map(([name, maxVersion]) => {
    const request = loadMessage(`${name}Request`, maxVersion);
    const response = loadMessage(`${name}Response`, maxVersion);
    if (request.apiKey !== response.apiKey)
      throw new Error(`${request.name} and ${response.name} differ in API key`);
    return [
      request.apiKey,
      { apiKey: request.apiKey, name, request: compileMessage(request), response: compileMessage(response) },
    ];
  }),
);

export function apiSpec(apiKey: number): ApiSpec | undefined {
  return KAFKA_APIS.get(apiKey);
}
