// The group coordinator of one kafka-broker: the consumer groups this broker coordinates (which ones is decided by
// coordinator placement, passed in as `owns`), their membership state machines (consumer-group.ts) and their
// committed offsets (an OffsetStore: placement's KV in a cluster). It checks what Kafka checks before a request
// reaches a group — coordinator ownership, group id, session timeout bounds, group size — and answers every request
// with a Kafka error code, never an exception.
import type { Clock } from './clock.js';
import { ConsumerGroup } from './consumer-group.js';
import { ErrorCode } from '@robustmq/protocol/kafka';
import type { OffsetStore } from './offset-store.js';
import type {
  DescribedGroup,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListedGroup,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from './types.js';

export interface GroupCoordinatorConfig {
  /** group.min.session.timeout.ms / group.max.session.timeout.ms: a join outside is INVALID_SESSION_TIMEOUT. */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms */
  initialRebalanceDelayMs: number;
  /** group.max.size: a join beyond is GROUP_MAX_SIZE_REACHED. */
  maxGroupSize: number;
  /** offset.metadata.max.bytes: a commit with longer metadata is OFFSET_METADATA_TOO_LARGE. */
  maxOffsetMetadataBytes: number;
  /** groups with members this broker keeps at most (each costs memory); a join to one more is refused, retriably. */
  maxGroups: number;
}

export const DEFAULT_GROUP_COORDINATOR_CONFIG: GroupCoordinatorConfig = {
  minSessionTimeoutMs: 6_000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 3_000,
  maxGroupSize: 1_000,
  maxOffsetMetadataBytes: 4_096,
  maxGroups: 100_000,
};

export interface GroupCoordinatorOptions {
  clock: Clock;
  offsets: OffsetStore;
  config?: Partial<GroupCoordinatorConfig>;
  /** whether this broker coordinates the group now (coordinator placement); others answer NOT_COORDINATOR. */
  owns?: (groupId: string) => boolean;
  /** told what the members only see as a retriable error code: the offset store failing, the group limit reached. */
  onWarning?: (err: unknown) => void;
}

export interface GroupSummary {
  /** groups with members (or being formed) on this broker, by state. */
  groups: Record<string, number>;
  members: number;
  /** rebalances started since this broker started. */
  rebalances: number;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private rebalances = 0;
  private readonly config: GroupCoordinatorConfig;
  private readonly clock: Clock;
  private readonly offsets: OffsetStore;
  private readonly owns: (groupId: string) => boolean;
  private readonly onWarning: (err: unknown) => void;

  constructor(options: GroupCoordinatorOptions) {
    this.clock = options.clock;
    this.offsets = options.offsets;
    this.config = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...options.config };
    this.owns = options.owns ?? (() => true);
    this.onWarning = options.onWarning ?? (() => {});
  }

  /** what the metrics report. */
  summary(): GroupSummary {
    const groups: Record<string, number> = {};
    let members = 0;
    for (const g of this.groups.values()) {
      groups[g.state] = (groups[g.state] ?? 0) + 1;
      members += g.memberIds.length;
    }
    return { groups, members, rebalances: this.rebalances };
  }

  /** the group's state machine, if this broker has one in memory (tests, admin). */
  group(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  private groupFor(groupId: string, create: boolean): ConsumerGroup | undefined {
    let group = this.groups.get(groupId);
    if (!group && create) {
      group = new ConsumerGroup(
        groupId,
        this.clock,
        { initialRebalanceDelayMs: this.config.initialRebalanceDelayMs },
        (g) => {
          // an Empty group holds nothing but its offsets, which live in the store: forget it
          if (this.groups.get(g.groupId) === g) this.groups.delete(g.groupId);
        },
        () => this.rebalances++,
      );
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** a coordinator-level error every group request checks first; NONE when the request may proceed. */
  private precheck(groupId: string): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    if (!this.owns(groupId)) return ErrorCode.NOT_COORDINATOR;
    return ErrorCode.NONE;
  }

  joinGroup(req: JoinGroupRequest): Promise<JoinGroupResponse> {
    const fail = (errorCode: number): Promise<JoinGroupResponse> =>
      Promise.resolve({
        errorCode,
        generationId: -1,
        protocolType: null,
        protocolName: null,
        leader: '',
        memberId: req.memberId,
        members: [],
      });
    const pre = this.precheck(req.groupId);
    if (pre !== ErrorCode.NONE) return fail(pre);
    if (
      req.sessionTimeoutMs < this.config.minSessionTimeoutMs ||
      req.sessionTimeoutMs > this.config.maxSessionTimeoutMs
    ) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    const existing = this.groups.get(req.groupId);
    if (existing && req.memberId === '' && existing.size >= this.config.maxGroupSize)
      return fail(ErrorCode.GROUP_MAX_SIZE_REACHED);
    if (!existing && this.groups.size >= this.config.maxGroups) {
      this.onWarning(
        new Error(
          `this broker coordinates ${this.groups.size} groups ([groups] max_groups); refusing group ${req.groupId}`,
        ),
      );
      return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    // a known member id on a group this broker does not have (it restarted, or the group moved here) is unknown:
    // the member starts over with an empty id, as Kafka clients do on UNKNOWN_MEMBER_ID
    if (!existing && req.memberId !== '') return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    const group = this.groupFor(req.groupId, true)!;
    return new Promise((resolve) => group.join(req, resolve));
  }

  syncGroup(req: SyncGroupRequest): Promise<SyncGroupResponse> {
    const fail = (errorCode: number): Promise<SyncGroupResponse> =>
      Promise.resolve({ errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
    const pre = this.precheck(req.groupId);
    if (pre !== ErrorCode.NONE) return fail(pre);
    const group = this.groups.get(req.groupId);
    if (!group) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    return new Promise((resolve) => group.sync(req, resolve));
  }

  heartbeat(req: HeartbeatRequest): number {
    const pre = this.precheck(req.groupId);
    if (pre !== ErrorCode.NONE) return pre;
    const group = this.groups.get(req.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    return group.heartbeat(req);
  }

  leaveGroup(req: LeaveGroupRequest): LeaveGroupResponse {
    const pre = this.precheck(req.groupId);
    if (pre !== ErrorCode.NONE) return { errorCode: pre, members: [] };
    const group = this.groups.get(req.groupId);
    const members = req.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      errorCode: group ? group.leave(m.memberId) : ErrorCode.UNKNOWN_MEMBER_ID,
    }));
    // v0–v2 carry one member and report its error at the top level
    const errorCode = members.length === 1 ? members[0]!.errorCode : ErrorCode.NONE;
    return { errorCode, members };
  }

  async offsetCommit(req: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    const answer = (
      code: (p: { partitionIndex: number; committedMetadata: string | null }) => number,
    ): OffsetCommitResponse => ({
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code(p) })),
      })),
    });
    const pre = this.precheck(req.groupId);
    if (pre !== ErrorCode.NONE) return answer(() => pre);
    const group = this.groups.get(req.groupId);
    const check = this.commitCheck(group, req);
    if (check !== ErrorCode.NONE) return answer(() => check);
    const now = this.clock.now();
    const tooLarge = (metadata: string | null) =>
      metadata !== null && Buffer.byteLength(metadata, 'utf8') > this.config.maxOffsetMetadataBytes;
    const offsets = req.topics.flatMap((t) =>
      t.partitions
        .filter((p) => !tooLarge(p.committedMetadata))
        .map((p) => ({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.committedMetadata,
          commitTimestamp: now,
        })),
    );
    if (group) group.touch(req.memberId);
    try {
      if (offsets.length > 0) await this.offsets.commit(req.groupId, offsets);
    } catch (err) {
      this.onWarning(err);
      // retriable for every client: it commits again
      return answer(() => ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    return answer((p) =>
      tooLarge(p.committedMetadata) ? ErrorCode.OFFSET_METADATA_TOO_LARGE : ErrorCode.NONE,
    );
  }

  /** Kafka's GroupCoordinator.doCommitOffsets: who may commit in which state. */
  private commitCheck(group: ConsumerGroup | undefined, req: OffsetCommitRequest): number {
    if (!group || group.state === 'Empty') {
      // outside group management (generation -1) anyone may commit; a member of a generation this broker does not
      // know (it restarted, or the group moved) must join again
      if (req.generationId < 0) return ErrorCode.NONE;
      return req.memberId === '' ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.UNKNOWN_MEMBER_ID;
    }
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    if (!group.hasMember(req.memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  async offsetFetch(req: OffsetFetchRequest): Promise<OffsetFetchResponse> {
    // a group-level error is also given to every asked partition: OffsetFetch v0/v1 have no top-level error field
    const failed = (errorCode: number): OffsetFetchResponse => ({
      errorCode,
      topics: (req.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({
          partitionIndex,
          committedOffset: -1,
          committedLeaderEpoch: -1,
          metadata: null,
          errorCode,
        })),
      })),
    });
    const pre = this.precheck(req.groupId);
    if (pre !== ErrorCode.NONE) return failed(pre);
    let stored;
    try {
      stored = await this.offsets.fetch(
        req.groupId,
        req.topics === null
          ? null
          : req.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition }))),
      );
    } catch (err) {
      this.onWarning(err);
      // retriable: the consumer asks again
      return failed(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    }
    const byKey = new Map(stored.map((s) => [`${s.topic}/${s.partition}`, s]));
    const topics =
      req.topics ??
      [...new Set(stored.map((s) => s.topic))].sort().map((name) => ({
        name,
        partitionIndexes: stored
          .filter((s) => s.topic === name)
          .map((s) => s.partition)
          .sort((a, b) => a - b),
      }));
    return {
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          const s = byKey.get(`${t.name}/${partitionIndex}`);
          return {
            partitionIndex,
            committedOffset: s ? s.offset : -1,
            committedLeaderEpoch: s ? s.leaderEpoch : -1,
            metadata: s ? s.metadata : '',
            errorCode: ErrorCode.NONE,
          };
        }),
      })),
    };
  }

  describeGroups(groupIds: string[]): DescribedGroup[] {
    return groupIds.map((groupId) => {
      const pre = this.precheck(groupId);
      const group = this.groups.get(groupId);
      if (pre === ErrorCode.NONE && group) return group.describe();
      // a group this coordinator has no members of is Dead to DescribeGroups (Kafka answers the same)
      return { errorCode: pre, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
    });
  }

  /** the groups this broker coordinates: those with members here and those with committed offsets only (Empty). */
  async listGroups(statesFilter: string[] = []): Promise<ListedGroup[]> {
    const listed = new Map<string, ListedGroup>();
    for (const g of this.groups.values())
      listed.set(g.groupId, { groupId: g.groupId, protocolType: g.type ?? '', groupState: g.state });
    for (const groupId of await this.offsets.groups()) {
      if (!listed.has(groupId) && this.owns(groupId))
        listed.set(groupId, { groupId, protocolType: 'consumer', groupState: 'Empty' });
    }
    const states = new Set(statesFilter);
    return [...listed.values()]
      .filter((g) => states.size === 0 || states.has(g.groupState))
      .sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  /** DeleteGroups: only a group without members may go; its offsets go with it. */
  async deleteGroup(groupId: string): Promise<number> {
    const pre = this.precheck(groupId);
    if (pre !== ErrorCode.NONE) return pre;
    const group = this.groups.get(groupId);
    if (group && group.memberIds.length > 0) return ErrorCode.NON_EMPTY_GROUP;
    const known = group !== undefined || (await this.offsets.groups()).includes(groupId);
    if (!known) return ErrorCode.GROUP_ID_NOT_FOUND;
    this.groups.delete(groupId);
    await this.offsets.deleteGroup(groupId);
    return ErrorCode.NONE;
  }

  /** groups whose coordinator is now another broker: their members are told NOT_COORDINATOR and find the new one. */
  releaseMoved(): void {
    for (const [groupId, group] of this.groups) {
      if (this.owns(groupId)) continue;
      group.shutdown();
      this.groups.delete(groupId);
    }
  }

  close(): void {
    for (const group of this.groups.values()) group.shutdown();
    this.groups.clear();
  }
}
