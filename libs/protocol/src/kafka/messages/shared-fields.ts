// Fields that many Kafka messages carry with the same meaning, declared once: the throttle time and error code that
// open most responses, the member a group request speaks for, and the topic → partitions nesting of the requests and
// responses that address partitions. Each still says from which version a message has it, as Kafka's JSON does.
import { struct, type FieldSpec } from '../schema.js';

/** how long the client should wait before its next request because of a quota (0: not throttled). */
export const throttleTimeMs = (versions: string): FieldSpec => ({
  name: 'throttleTimeMs',
  type: 'int32',
  versions,
});

/** the answer's Kafka error code (error-codes.ts), 0 for none. */
export const errorCode = (versions = '0+'): FieldSpec => ({ name: 'errorCode', type: 'int16', versions });

/** how long the broker may take to carry a request out before it answers (a request's own deadline). */
export const timeoutMs = (defaultMs?: number): FieldSpec => ({
  name: 'timeoutMs',
  type: 'int32',
  versions: '0+',
  ...(defaultMs === undefined ? {} : { default: defaultMs }),
});

/** a nullable error message next to an error code (null: none). */
export const errorMessage = (versions: string, nullableVersions = versions): FieldSpec => ({
  name: 'errorMessage',
  type: 'string',
  versions,
  nullableVersions,
  default: null,
});

/** a static member's instance id (KIP-345), null for a dynamic member. */
export const groupInstanceId = (versions: string): FieldSpec => ({
  name: 'groupInstanceId',
  type: 'string',
  versions,
  nullableVersions: versions,
  default: null,
});

/** the group member a Heartbeat or SyncGroup speaks for: its group, generation, member id and instance id. */
export const groupGeneration = (instanceVersions: string): FieldSpec[] => [
  { name: 'groupId', type: 'string', versions: '0+' },
  { name: 'generationId', type: 'int32', versions: '0+' },
  { name: 'memberId', type: 'string', versions: '0+' },
  groupInstanceId(instanceVersions),
];

/**
 * A list of topics (`[]<topicType>`), each with its `name` and a list of `[]<partitionType>` structs: the nesting of
 * the requests and responses that address partitions. `fields` names the two lists ("topics" and "partitions" unless
 * the message names them otherwise).
 */
export function topicPartitions(
  fields: 'topics' | [topics: string, partitions: string],
  [topicType, partitionType]: [string, string],
  versions: string,
  partitionFields: FieldSpec[],
): FieldSpec {
  const [topics, partitions] = fields === 'topics' ? ['topics', 'partitions'] : fields;
  return struct(topics, `[]${topicType}`, versions, [
    { name: 'name', type: 'string', versions },
    struct(partitions, `[]${partitionType}`, versions, partitionFields),
  ]);
}
