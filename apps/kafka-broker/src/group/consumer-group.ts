// One consumer group's membership state machine, as Kafka's group coordinator runs it (GroupCoordinator.scala /
// GroupMetadata.scala): Empty → PreparingRebalance → CompletingRebalance → Stable, with the generation id, member
// ids, the leader, the protocol (assignor) all members support, and the session and rebalance timeouts. Assignment is
// computed by the clients (the leader's assignor, range / round-robin / sticky …); the coordinator only relays the
// members' metadata to the leader and the leader's assignment to each member.
//
// JoinGroup and SyncGroup answers are deferred: a join is answered when every known member has joined again (or the
// rebalance timeout drops those that did not), a follower's sync when the leader's sync brings the assignment. The
// caller passes a callback per request; the state machine calls it exactly once. All timing goes through a Clock so
// the unit tests run it on a fake one.
import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from './clock.js';
import { ErrorCode } from '@robustmq/protocol/kafka';
import type {
  DescribedGroup,
  GroupProtocol,
  GroupState,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from './types.js';

export interface GroupTimeouts {
  /** group.initial.rebalance.delay.ms: a group that was Empty waits this long (extended by each new member, up to
   * the rebalance timeout) for more members before its first generation, so a fleet starting together gets one
   * rebalance instead of one per member. */
  initialRebalanceDelayMs: number;
}

type JoinCallback = (response: JoinGroupResponse) => void;
type SyncCallback = (response: SyncGroupResponse) => void;

interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  assignment: Buffer;
  awaitingJoin: JoinCallback | undefined;
  awaitingSync: SyncCallback | undefined;
  /** joined in the current rebalance and has not had a join answer yet. */
  isNew: boolean;
  sessionTimer: Timer | undefined;
}

const EMPTY = Buffer.alloc(0);

export class ConsumerGroup {
  private stateValue: GroupState = 'Empty';
  private generation = 0;
  private protocolType: string | null = null;
  private protocolName: string | null = null;
  private leaderId: string | null = null;
  private readonly members = new Map<string, Member>();
  /** member ids handed out with MEMBER_ID_REQUIRED, not joined with yet, with their expiry timers. */
  private readonly pending = new Map<string, Timer>();
  private joinTimer: Timer | undefined;
  /** bounds CompletingRebalance: members that have not sent SyncGroup within the rebalance timeout are dropped. */
  private syncTimer: Timer | undefined;
  /** while the initial delay runs: when it may be extended to at most. */
  private initialDelayUntil: number | undefined;
  /** counts state changes for observers (tests, metrics). */
  rebalances = 0;

  constructor(
    readonly groupId: string,
    private readonly clock: Clock,
    private readonly timeouts: GroupTimeouts,
    /** told when the group has no members left, so the coordinator may forget it. */
    private readonly onEmpty: (group: ConsumerGroup) => void = () => {},
    /** told each time a rebalance starts (metrics). */
    private readonly onRebalance: () => void = () => {},
  ) {}

  get state(): GroupState {
    return this.stateValue;
  }

  get generationId(): number {
    return this.generation;
  }

  get leader(): string | null {
    return this.leaderId;
  }

  get memberIds(): string[] {
    return [...this.members.keys()];
  }

  get protocol(): string | null {
    return this.protocolName;
  }

  get type(): string | null {
    return this.protocolType;
  }

  /** members plus member ids handed out and not joined with yet: what a group's size limit counts. */
  get size(): number {
    return this.members.size + this.pending.size;
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  // ---- JoinGroup ----

  join(req: JoinGroupRequest, callback: JoinCallback): void {
    if (this.stateValue === 'Dead')
      return callback(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId));
    if (req.memberId === '') return this.joinUnknown(req, callback);
    if (this.pending.has(req.memberId)) {
      this.pending.get(req.memberId)!.cancel();
      this.pending.delete(req.memberId);
      if (!this.supports(req.protocolType, req.protocols))
        return callback(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
      return this.addMemberAndRebalance(req, req.memberId, callback);
    }
    const member = this.members.get(req.memberId);
    if (!member) return callback(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    if (!this.supports(req.protocolType, req.protocols, member))
      return callback(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    switch (this.stateValue) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(member, req, callback);
      case 'CompletingRebalance':
        // the member lost our join answer and asks again with the same metadata: give it the same answer
        if (sameProtocols(member.protocols, req.protocols)) return callback(this.joinAnswer(member));
        return this.updateMemberAndRebalance(member, req, callback);
      case 'Stable':
        // a follower re-joining with unchanged metadata gets the current generation without disturbing anyone;
        // the leader re-joining (e.g. because topic metadata changed) or a changed subscription starts a rebalance
        if (member.memberId !== this.leaderId && sameProtocols(member.protocols, req.protocols))
          return callback(this.joinAnswer(member));
        return this.updateMemberAndRebalance(member, req, callback);
      default:
        return callback(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    }
  }

  private joinUnknown(req: JoinGroupRequest, callback: JoinCallback): void {
    if (!this.supports(req.protocolType, req.protocols))
      return callback(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ''));
    const memberId = `${req.clientId || 'member'}-${randomUUID()}`;
    if (req.requireKnownMemberId) {
      // KIP-394: the member gets its id first and joins with it, so a join whose answer is lost leaves no orphan
      // the id stays valid for one session timeout without the member joining with it (as in Kafka)
      const timer = this.clock.setTimer(req.sessionTimeoutMs, () => {
        this.pending.delete(memberId);
        if (this.stateValue === 'PreparingRebalance') this.tryCompleteJoin();
        else if (this.stateValue === 'Empty' && this.members.size === 0 && this.pending.size === 0)
          this.onEmpty(this);
      });
      this.pending.set(memberId, timer);
      return callback({ ...joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId) });
    }
    this.addMemberAndRebalance(req, memberId, callback);
  }

  /** the protocol type must match the group's and at least one protocol must be one every member supports. */
  private supports(protocolType: string, protocols: GroupProtocol[], self?: Member): boolean {
    if (protocolType === '' || protocols.length === 0) return false;
    const others = [...this.members.values()].filter((m) => m !== self);
    if (others.length === 0) return true;
    if (protocolType !== this.protocolType) return false;
    return protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
  }

  private addMemberAndRebalance(req: JoinGroupRequest, memberId: string, callback: JoinCallback): void {
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      assignment: EMPTY,
      awaitingJoin: callback,
      awaitingSync: undefined,
      isNew: true,
      sessionTimer: undefined,
    };
    if (this.members.size === 0) this.protocolType = req.protocolType;
    this.members.set(memberId, member);
    this.leaderId ??= memberId;
    if (this.stateValue === 'PreparingRebalance') {
      if (this.initialDelayUntil !== undefined) this.extendInitialDelay(member);
      else this.tryCompleteJoin();
    } else {
      this.prepareRebalance();
    }
  }

  private updateMemberAndRebalance(member: Member, req: JoinGroupRequest, callback: JoinCallback): void {
    // a join asked again while the previous one still waits: the old request's connection is gone or gave up
    member.awaitingJoin?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    member.awaitingJoin = callback;
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    if (this.stateValue === 'PreparingRebalance') this.tryCompleteJoin();
    else this.prepareRebalance();
  }

  /** Enters PreparingRebalance: every member must join again within the rebalance timeout. */
  private prepareRebalance(): void {
    this.syncTimer?.cancel();
    this.syncTimer = undefined;
    if (this.stateValue === 'CompletingRebalance') {
      // followers waiting for an assignment of a generation that will not happen
      for (const m of this.members.values()) {
        m.assignment = EMPTY;
        const sync = m.awaitingSync;
        m.awaitingSync = undefined;
        sync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    const wasEmpty = this.stateValue === 'Empty';
    this.stateValue = 'PreparingRebalance';
    this.rebalances++;
    this.onRebalance();
    this.joinTimer?.cancel();
    const rebalanceTimeout = this.rebalanceTimeout();
    if (wasEmpty && this.timeouts.initialRebalanceDelayMs > 0) {
      this.initialDelayUntil = this.clock.now() + rebalanceTimeout;
      this.joinTimer = this.clock.setTimer(
        Math.min(this.timeouts.initialRebalanceDelayMs, rebalanceTimeout),
        () => this.initialDelayExpired(),
      );
      return;
    }
    this.initialDelayUntil = undefined;
    this.joinTimer = this.clock.setTimer(rebalanceTimeout, () => this.completeJoin());
    this.tryCompleteJoin();
  }

  private extendInitialDelay(_member: Member): void {
    // a new member during the initial delay restarts the delay, never beyond the rebalance timeout (Kafka's
    // InitialDelayedJoin)
    this.joinTimer?.cancel();
    const left = this.initialDelayUntil! - this.clock.now();
    if (left <= 0) return this.initialDelayExpired();
    this.joinTimer = this.clock.setTimer(Math.min(this.timeouts.initialRebalanceDelayMs, left), () =>
      this.initialDelayExpired(),
    );
  }

  private initialDelayExpired(): void {
    this.initialDelayUntil = undefined;
    this.joinTimer = undefined;
    if (this.allJoined()) return this.completeJoin();
    // someone known has not joined yet (a pending member id): wait out the rest of the rebalance timeout for it
    this.joinTimer = this.clock.setTimer(this.rebalanceTimeout(), () => this.completeJoin());
  }

  private rebalanceTimeout(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  private allJoined(): boolean {
    if (this.pending.size > 0) return false;
    for (const m of this.members.values()) if (!m.awaitingJoin) return false;
    return true;
  }

  private tryCompleteJoin(): void {
    if (this.stateValue !== 'PreparingRebalance' || this.initialDelayUntil !== undefined) return;
    if (this.allJoined()) this.completeJoin();
  }

  /** The join phase ends: members that did not join are dropped, the next generation starts. */
  private completeJoin(): void {
    if (this.stateValue !== 'PreparingRebalance') return;
    this.joinTimer?.cancel();
    this.joinTimer = undefined;
    this.initialDelayUntil = undefined;
    for (const m of [...this.members.values()]) if (!m.awaitingJoin) this.dropMember(m);
    this.generation++;
    if (this.members.size === 0) {
      this.stateValue = 'Empty';
      this.protocolName = null;
      this.protocolType = null;
      this.leaderId = null;
      this.onEmpty(this);
      return;
    }
    this.protocolName = this.selectProtocol();
    if (this.leaderId === null || !this.members.has(this.leaderId))
      this.leaderId = this.members.keys().next().value!;
    this.stateValue = 'CompletingRebalance';
    const generation = this.generation;
    this.syncTimer = this.clock.setTimer(this.rebalanceTimeout(), () => this.syncExpired(generation));
    for (const m of this.members.values()) {
      const callback = m.awaitingJoin!;
      m.awaitingJoin = undefined;
      m.isNew = false;
      this.scheduleSessionExpiry(m);
      callback(this.joinAnswer(m));
    }
  }

  private syncExpired(generation: number): void {
    this.syncTimer = undefined;
    if (this.stateValue !== 'CompletingRebalance' || generation !== this.generation) return;
    const late = [...this.members.values()].filter((m) => !m.awaitingSync);
    if (late.length === 0) return;
    for (const m of late) this.dropMember(m);
    this.prepareRebalance();
  }

  /** Each member votes for the first of its protocols that every member supports; the most votes win. */
  private selectProtocol(): string {
    const all = [...this.members.values()];
    const candidates = all[0]!.protocols
      .map((p) => p.name)
      .filter((name) => all.every((m) => m.protocols.some((p) => p.name === name)));
    const votes = new Map<string, number>();
    for (const m of all) {
      const vote = m.protocols.find((p) => candidates.includes(p.name))!.name;
      votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let best = candidates[0]!;
    for (const c of candidates) if ((votes.get(c) ?? 0) > (votes.get(best) ?? 0)) best = c;
    return best;
  }

  private joinAnswer(member: Member): JoinGroupResponse {
    const isLeader = member.memberId === this.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generation,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      leader: this.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
          }))
        : [],
    };
  }

  // ---- SyncGroup ----

  sync(req: SyncGroupRequest, callback: SyncCallback): void {
    const member = this.members.get(req.memberId);
    if (this.stateValue === 'Dead') return callback(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!member) return callback(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (req.generationId !== this.generation) return callback(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (
      (req.protocolType !== null && req.protocolType !== this.protocolType) ||
      (req.protocolName !== null && req.protocolName !== this.protocolName)
    ) {
      return callback(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    switch (this.stateValue) {
      case 'PreparingRebalance':
        return callback(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance': {
        member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        member.awaitingSync = callback;
        this.scheduleSessionExpiry(member);
        if (member.memberId !== this.leaderId) return;
        const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
        this.stateValue = 'Stable';
        this.syncTimer?.cancel();
        this.syncTimer = undefined;
        for (const m of this.members.values()) {
          m.assignment = given.get(m.memberId) ?? EMPTY;
          const waiting = m.awaitingSync;
          m.awaitingSync = undefined;
          waiting?.(this.syncAnswer(m));
        }
        return;
      }
      case 'Stable':
        this.scheduleSessionExpiry(member);
        return callback(this.syncAnswer(member));
      default:
        return callback(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private syncAnswer(member: Member): SyncGroupResponse {
    return {
      errorCode: ErrorCode.NONE,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      assignment: member.assignment,
    };
  }

  // ---- Heartbeat, LeaveGroup, session expiry ----

  heartbeat(req: HeartbeatRequest): number {
    if (this.stateValue === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const member = this.members.get(req.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.generationId !== this.generation) return ErrorCode.ILLEGAL_GENERATION;
    switch (this.stateValue) {
      case 'PreparingRebalance':
        // the member learns it must join again; its session is still alive meanwhile
        this.scheduleSessionExpiry(member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        this.scheduleSessionExpiry(member);
        return ErrorCode.NONE;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  /** a commit by a live member counts as a heartbeat (Kafka does the same). */
  touch(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) this.scheduleSessionExpiry(member);
  }

  leave(memberId: string): number {
    if (this.stateValue === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const pendingTimer = this.pending.get(memberId);
    if (pendingTimer) {
      pendingTimer.cancel();
      this.pending.delete(memberId);
      this.tryCompleteJoin();
      return ErrorCode.NONE;
    }
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeAndRebalance(member);
    return ErrorCode.NONE;
  }

  private scheduleSessionExpiry(member: Member): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = this.clock.setTimer(member.sessionTimeoutMs, () => {
      member.sessionTimer = undefined;
      if (this.members.get(member.memberId) !== member) return;
      // a member waiting for its join or sync answer is not expected to heartbeat; the rebalance timeout bounds it
      if (member.awaitingJoin || member.awaitingSync) return this.scheduleSessionExpiry(member);
      this.removeAndRebalance(member);
    });
  }

  private removeAndRebalance(member: Member): void {
    this.dropMember(member);
    answerWaiting(member, ErrorCode.UNKNOWN_MEMBER_ID);
    switch (this.stateValue) {
      case 'Stable':
      case 'CompletingRebalance':
        this.prepareRebalance();
        break;
      case 'PreparingRebalance':
        if (this.members.size === 0 && this.pending.size === 0) this.completeJoin();
        else this.tryCompleteJoin();
        break;
      default:
        break;
    }
  }

  private dropMember(member: Member): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = undefined;
    this.members.delete(member.memberId);
    if (this.leaderId === member.memberId) this.leaderId = this.members.keys().next().value ?? null;
  }

  /** answers every waiting request and stops every timer: the group moved to another coordinator or the broker stops. */
  shutdown(): void {
    this.stateValue = 'Dead';
    this.joinTimer?.cancel();
    this.syncTimer?.cancel();
    for (const t of this.pending.values()) t.cancel();
    this.pending.clear();
    for (const m of this.members.values()) {
      m.sessionTimer?.cancel();
      answerWaiting(m, ErrorCode.NOT_COORDINATOR);
    }
    this.members.clear();
  }

  describe(): DescribedGroup {
    const stable = this.stateValue === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      groupId: this.groupId,
      groupState: this.stateValue,
      protocolType: this.protocolType ?? '',
      protocolData: stable ? (this.protocolName ?? '') : '',
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? (m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }
}

function sameProtocols(a: GroupProtocol[], b: GroupProtocol[]): boolean {
  return (
    a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata))
  );
}

function joinError(errorCode: number, memberId: string): JoinGroupResponse {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    memberId,
    members: [],
  };
}

function syncError(errorCode: number): SyncGroupResponse {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

/** Answers the member's waiting JoinGroup and SyncGroup (if any) with `errorCode`: it left, or the group moved. Each
 * callback is taken off before it runs, so an answer never goes out twice. */
function answerWaiting(member: Member, errorCode: number): void {
  const join = member.awaitingJoin;
  member.awaitingJoin = undefined;
  join?.(joinError(errorCode, member.memberId));
  const sync = member.awaitingSync;
  member.awaitingSync = undefined;
  sync?.(syncError(errorCode));
}
