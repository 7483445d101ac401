// The group coordinator's messages: FindCoordinator (10), JoinGroup (11), Heartbeat (12), LeaveGroup (13),
// SyncGroup (14), DescribeGroups (15), ListGroups (16), OffsetCommit (8), OffsetFetch (9), DeleteGroups (42).
// Declared from Kafka's <Name>Request/Response.json, up to the last version of the classic group protocol (the
// KIP-848 consumer protocol's additions — OffsetCommit/OffsetFetch v9, ListGroups v5 — are left out).
import { kafkaApi, struct } from '../schema.js';
import {
  errorCode,
  errorMessage,
  groupGeneration,
  groupInstanceId,
  throttleTimeMs,
  topicPartitions,
} from './shared-fields.js';

const findCoordinator = kafkaApi('FindCoordinator', 10, '0-4', '3+');

export const FindCoordinatorRequest = findCoordinator.request([
  { name: 'key', type: 'string', versions: '0-3' },
  // 0: a consumer group, 1: a transactional id
  { name: 'keyType', type: 'int8', versions: '1+', default: 0 },
  { name: 'coordinatorKeys', type: '[]string', versions: '4+' },
]);

export const FindCoordinatorResponse = findCoordinator.response([
  throttleTimeMs('1+'),
  errorCode('0-3'),
  errorMessage('1-3'),
  { name: 'nodeId', type: 'int32', versions: '0-3' },
  { name: 'host', type: 'string', versions: '0-3' },
  { name: 'port', type: 'int32', versions: '0-3' },
  struct('coordinators', '[]Coordinator', '4+', [
    { name: 'key', type: 'string', versions: '4+' },
    { name: 'nodeId', type: 'int32', versions: '4+' },
    { name: 'host', type: 'string', versions: '4+' },
    { name: 'port', type: 'int32', versions: '4+' },
    errorCode('4+'),
    errorMessage('4+'),
  ]),
]);

const joinGroup = kafkaApi('JoinGroup', 11, '0-9', '6+');

export const JoinGroupRequest = joinGroup.request([
  { name: 'groupId', type: 'string', versions: '0+' },
  { name: 'sessionTimeoutMs', type: 'int32', versions: '0+' },
  // absent in v0, where the session timeout stands in for it
  { name: 'rebalanceTimeoutMs', type: 'int32', versions: '1+', default: -1 },
  { name: 'memberId', type: 'string', versions: '0+' },
  groupInstanceId('5+'),
  { name: 'protocolType', type: 'string', versions: '0+' },
  struct('protocols', '[]JoinGroupRequestProtocol', '0+', [
    { name: 'name', type: 'string', versions: '0+' },
    { name: 'metadata', type: 'bytes', versions: '0+' },
  ]),
  { name: 'reason', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
]);

export const JoinGroupResponse = joinGroup.response([
  throttleTimeMs('2+'),
  errorCode(),
  { name: 'generationId', type: 'int32', versions: '0+', default: -1 },
  { name: 'protocolType', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
  { name: 'protocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
  { name: 'leader', type: 'string', versions: '0+' },
  { name: 'skipAssignment', type: 'bool', versions: '9+', default: false },
  { name: 'memberId', type: 'string', versions: '0+' },
  struct('members', '[]JoinGroupResponseMember', '0+', [
    { name: 'memberId', type: 'string', versions: '0+' },
    groupInstanceId('5+'),
    { name: 'metadata', type: 'bytes', versions: '0+' },
  ]),
]);

const heartbeat = kafkaApi('Heartbeat', 12, '0-4', '4+');

export const HeartbeatRequest = heartbeat.request([...groupGeneration('3+')]);

export const HeartbeatResponse = heartbeat.response([throttleTimeMs('1+'), errorCode()]);

const leaveGroup = kafkaApi('LeaveGroup', 13, '0-5', '4+');

export const LeaveGroupRequest = leaveGroup.request([
  { name: 'groupId', type: 'string', versions: '0+' },
  { name: 'memberId', type: 'string', versions: '0-2' },
  struct('members', '[]MemberIdentity', '3+', [
    { name: 'memberId', type: 'string', versions: '3+' },
    groupInstanceId('3+'),
    { name: 'reason', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
  ]),
]);

export const LeaveGroupResponse = leaveGroup.response([
  throttleTimeMs('1+'),
  errorCode(),
  struct('members', '[]MemberResponse', '3+', [
    { name: 'memberId', type: 'string', versions: '3+' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
    errorCode('3+'),
  ]),
]);

const syncGroup = kafkaApi('SyncGroup', 14, '0-5', '4+');

export const SyncGroupRequest = syncGroup.request([
  ...groupGeneration('3+'),
  { name: 'protocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
  { name: 'protocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
  struct('assignments', '[]SyncGroupRequestAssignment', '0+', [
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'assignment', type: 'bytes', versions: '0+' },
  ]),
]);

export const SyncGroupResponse = syncGroup.response([
  throttleTimeMs('1+'),
  errorCode(),
  { name: 'protocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
  { name: 'protocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
  { name: 'assignment', type: 'bytes', versions: '0+' },
]);

const describeGroups = kafkaApi('DescribeGroups', 15, '0-5', '5+');

export const DescribeGroupsRequest = describeGroups.request([
  { name: 'groups', type: '[]string', versions: '0+' },
  { name: 'includeAuthorizedOperations', type: 'bool', versions: '3+' },
]);

export const DescribeGroupsResponse = describeGroups.response([
  throttleTimeMs('1+'),
  struct('groups', '[]DescribedGroup', '0+', [
    errorCode(),
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'groupState', type: 'string', versions: '0+' },
    { name: 'protocolType', type: 'string', versions: '0+' },
    { name: 'protocolData', type: 'string', versions: '0+' },
    struct('members', '[]DescribedGroupMember', '0+', [
      { name: 'memberId', type: 'string', versions: '0+' },
      groupInstanceId('4+'),
      { name: 'clientId', type: 'string', versions: '0+' },
      { name: 'clientHost', type: 'string', versions: '0+' },
      { name: 'memberMetadata', type: 'bytes', versions: '0+' },
      { name: 'memberAssignment', type: 'bytes', versions: '0+' },
    ]),
    { name: 'authorizedOperations', type: 'int32', versions: '3+', default: -2147483648 },
  ]),
]);

const listGroups = kafkaApi('ListGroups', 16, '0-4', '3+');

export const ListGroupsRequest = listGroups.request([
  { name: 'statesFilter', type: '[]string', versions: '4+' },
]);

export const ListGroupsResponse = listGroups.response([
  throttleTimeMs('1+'),
  errorCode(),
  struct('groups', '[]ListedGroup', '0+', [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'protocolType', type: 'string', versions: '0+' },
    { name: 'groupState', type: 'string', versions: '4+' },
  ]),
]);

const offsetCommit = kafkaApi('OffsetCommit', 8, '0-8', '8+');

export const OffsetCommitRequest = offsetCommit.request([
  { name: 'groupId', type: 'string', versions: '0+' },
  { name: 'generationId', type: 'int32', versions: '1+', default: -1 },
  { name: 'memberId', type: 'string', versions: '1+' },
  groupInstanceId('7+'),
  { name: 'retentionTimeMs', type: 'int64', versions: '2-4', default: -1 },
  topicPartitions('topics', ['OffsetCommitRequestTopic', 'OffsetCommitRequestPartition'], '0+', [
    { name: 'partitionIndex', type: 'int32', versions: '0+' },
    { name: 'committedOffset', type: 'int64', versions: '0+' },
    { name: 'committedLeaderEpoch', type: 'int32', versions: '6+', default: -1 },
    { name: 'commitTimestamp', type: 'int64', versions: '1', default: -1 },
    { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
  ]),
]);

export const OffsetCommitResponse = offsetCommit.response([
  throttleTimeMs('3+'),
  topicPartitions('topics', ['OffsetCommitResponseTopic', 'OffsetCommitResponsePartition'], '0+', [
    { name: 'partitionIndex', type: 'int32', versions: '0+' },
    errorCode(),
  ]),
]);

const offsetFetch = kafkaApi('OffsetFetch', 9, '0-8', '6+');

export const OffsetFetchRequest = offsetFetch.request([
  { name: 'groupId', type: 'string', versions: '0-7' },
  // null (v2+): every partition the group committed
  struct('topics', '[]OffsetFetchRequestTopic', '0-7', { nullableVersions: '2-7' }, [
    { name: 'name', type: 'string', versions: '0-7' },
    { name: 'partitionIndexes', type: '[]int32', versions: '0-7' },
  ]),
  struct('groups', '[]OffsetFetchRequestGroup', '8+', [
    { name: 'groupId', type: 'string', versions: '8+' },
    struct('topics', '[]OffsetFetchRequestTopics', '8+', { nullableVersions: '8+' }, [
      { name: 'name', type: 'string', versions: '8+' },
      { name: 'partitionIndexes', type: '[]int32', versions: '8+' },
    ]),
  ]),
  { name: 'requireStable', type: 'bool', versions: '7+', default: false },
]);

const OFFSET_FETCH_PARTITION = (v: string) => [
  { name: 'partitionIndex', type: 'int32', versions: v },
  { name: 'committedOffset', type: 'int64', versions: v },
  { name: 'committedLeaderEpoch', type: 'int32', versions: v === '0-7' ? '5-7' : v, default: -1 },
  { name: 'metadata', type: 'string', versions: v, nullableVersions: v },
  errorCode(v),
];

export const OffsetFetchResponse = offsetFetch.response([
  throttleTimeMs('3+'),
  topicPartitions(
    'topics',
    ['OffsetFetchResponseTopic', 'OffsetFetchResponsePartition'],
    '0-7',
    OFFSET_FETCH_PARTITION('0-7'),
  ),
  { name: 'errorCode', type: 'int16', versions: '2-7', default: 0 },
  struct('groups', '[]OffsetFetchResponseGroup', '8+', [
    { name: 'groupId', type: 'string', versions: '8+' },
    topicPartitions(
      'topics',
      ['OffsetFetchResponseTopics', 'OffsetFetchResponsePartitions'],
      '8+',
      OFFSET_FETCH_PARTITION('8+'),
    ),
    { name: 'errorCode', type: 'int16', versions: '8+', default: 0 },
  ]),
]);

const deleteGroups = kafkaApi('DeleteGroups', 42, '0-2', '2+');

export const DeleteGroupsRequest = deleteGroups.request([
  { name: 'groupsNames', type: '[]string', versions: '0+' },
]);

export const DeleteGroupsResponse = deleteGroups.response([
  throttleTimeMs('0+'),
  struct('results', '[]DeletableGroupResult', '0+', [
    { name: 'groupId', type: 'string', versions: '0+' },
    errorCode(),
  ]),
]);
