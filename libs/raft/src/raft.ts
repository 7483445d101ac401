// The Raft state machine (etcd-io/raft's raft.go): elections, replication, snapshots, membership, reads. No I/O.
import {
  applyConfChange,
  decodeConfChangeEntry,
  encodeConfChangeEntry,
  type ConfChange,
} from './conf-change.js';
import { resolveConfig, type RaftConfig, type ResolvedRaftConfig } from './config.js';
import { ConfChangeRejectedError, NotLeaderError, ProposalDroppedError, RaftStorageError } from './errors.js';
import { invariant } from './invariant.js';
import {
  mustSendAfterPersist,
  type Message,
  type MsgApp,
  type MsgAppResp,
  type MsgHeartbeat,
  type MsgHeartbeatResp,
  type MsgSnap,
  type MsgSnapStatus,
  type MsgVote,
  type MsgVoteResp,
  type OutgoingMessage,
} from './message.js';
import type { Progress } from './progress.js';
import { ProgressTracker } from './progress-tracker.js';
import { RaftLog } from './raft-log.js';
import { ReadOnly, type ReadRequest } from './read-only.js';
import { quorumValue } from './quorum.js';
import {
  entryPayloadSize,
  NONE,
  type ConfState,
  type Entry,
  type EntryType,
  type HardState,
  type NodeId,
  type ReadState,
  type SnapshotMetadata,
  type SoftState,
  type StateType,
} from './types.js';

type CampaignKind = 'preElection' | 'election' | 'transfer';

/** Where a configuration came from: the snapshot (base) or a confChange entry at `index`. */
interface ConfAt {
  readonly index: number;
  readonly confState: ConfState;
}

/** A snapshot being received in chunks from the leader of `leaderTerm`. */
interface IncomingSnapshot {
  readonly leaderTerm: number;
  readonly metadata: SnapshotMetadata;
  readonly chunks: Uint8Array[];
  size: number;
}

export interface ProposalResult {
  /** Where the entry was appended; it took effect iff the entry applied at `index` has term `term`. */
  readonly index: number;
  readonly term: number;
}

export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  state: StateType = 'follower';
  readonly log: RaftLog;
  readonly trk: ProgressTracker;
  readonly cfg: ResolvedRaftConfig;

  /** Messages that may leave right away. */
  msgs: Message[] = [];
  /** Messages (including ones to ourselves) that may only leave once the current unstable state is durable. */
  msgsAfterPersist: Message[] = [];
  readStates: ReadState[] = [];

  leadTransferee: NodeId = NONE;
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  /** Local clock: ticks since this incarnation started. */
  tickCount = 0;

  private readonly readOnly = new ReadOnly();
  /** ReadIndex requests that arrived before this leader committed an entry of its own term. */
  private pendingReadIndexRequests: ReadRequest[] = [];
  private uncommittedSize = 0;
  /** The config in force is the last element: configs take effect when appended, so truncation must revert them. */
  private confHistory: ConfAt[];
  private incomingSnapshot: IncomingSnapshot | undefined;
  /** Set once this leader sent MsgTimeoutNow: a forced election may now bypass follower leases. */
  private leaseRevoked = false;

  // Last observed values, for monotonicity invariants.
  private seenTerm = 0;
  private seenCommit = 0;
  private seenVote: NodeId = NONE;

  constructor(config: RaftConfig) {
    this.cfg = resolveConfig(config);
    this.id = this.cfg.id;
    const storage = this.cfg.storage;
    this.log = new RaftLog(storage, (ents) => this.onLogAppend(ents));
    this.trk = new ProgressTracker(this.cfg.maxInflightMsgs, this.cfg.maxInflightBytes);
    const { hardState, confState } = storage.initialState();
    const snapIndex = storage.firstIndex() - 1;
    this.confHistory = [{ index: snapIndex, confState }];
    // Replay configuration entries that are in the log after the snapshot: membership is whatever the log says.
    const last = storage.lastIndex();
    if (last > snapIndex) {
      for (const e of storage.entries(snapIndex + 1, last + 1)) {
        if (e.type === 'confChange')
          this.confHistory.push({ index: e.index, confState: decodeConfChangeEntry(e.data).confState });
      }
    }
    this.trk.applyConf(this.currentConf(), this.log.lastIndex() + 1);

    if (hardState.term !== 0 || hardState.vote !== NONE || hardState.commit !== 0) {
      invariant(
        hardState.commit >= this.log.committed && hardState.commit <= this.log.lastIndex(),
        () =>
          `stored commit ${hardState.commit} out of range [${this.log.committed}, ${this.log.lastIndex()}]`,
      );
      this.log.commitTo(hardState.commit);
      this.term = hardState.term;
      this.vote = hardState.vote;
    }
    invariant(
      this.log.lastTerm() <= this.term,
      () => `last log term ${this.log.lastTerm()} > stored term ${this.term}`,
    );
    if (this.cfg.applied > 0) this.log.appliedTo(this.cfg.applied);
    this.becomeFollower(this.term, NONE);
    this.seenTerm = this.term;
    this.seenCommit = this.log.committed;
    this.seenVote = this.vote;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Observers

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  /**
   * The snapshot being received from the leader chunk by chunk, if any: whom it is from (the leader's term), what it
   * is, and how many bytes of it arrived in order so far. The same object until a chunk at offset 0 starts another; a
   * store may write the chunks as they come (RaftNode), so installing the image only has to finish its file.
   */
  receivingSnapshot():
    { readonly leaderTerm: number; readonly metadata: SnapshotMetadata; readonly size: number } | undefined {
    return this.incomingSnapshot;
  }

  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  currentConf(): ConfState {
    return this.confHistory[this.confHistory.length - 1]!.confState;
  }

  /** Index of the entry that introduced the current configuration (the snapshot index for the base config). */
  lastConfIndex(): number {
    return this.confHistory[this.confHistory.length - 1]!.index;
  }

  /**
   * Voters may campaign; learners and removed (or not yet added) nodes may not. One exception (thesis §4.2.2): a
   * node removed by a configuration entry that is not yet committed may hold the only log that can win an election
   * (its own leader appended the removal and died), so it still campaigns, without counting its own vote, until the
   * removal commits. Without this the cluster can deadlock: seed 767 of the simulator.
   */
  promotable(): boolean {
    if (this.trk.isVoter(this.id)) return true;
    const committed = this.log.committed;
    if (this.lastConfIndex() <= committed) return false;
    // Configurations from the newest committed one on: any in which we vote may still be the one in force.
    let from = 0;
    for (let i = this.confHistory.length - 1; i >= 0; i--) {
      if (this.confHistory[i]!.index <= committed) {
        from = i;
        break;
      }
    }
    for (let i = from; i < this.confHistory.length; i++) {
      if (this.confHistory[i]!.confState.voters.includes(this.id)) return true;
    }
    return false;
  }

  committedEntryInCurrentTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Inputs

  tick(): void {
    this.tickCount++;
    if (this.state === 'leader') this.tickHeartbeat();
    else this.tickElection();
    this.afterInput();
  }

  /** Campaign now (as on election timeout); a no-op for leaders and non-voters. */
  campaign(): void {
    this.hup(false);
    this.afterInput();
  }

  propose(data: Uint8Array): ProposalResult {
    this.checkCanPropose();
    const r = this.appendEntry([{ type: 'normal', data }]);
    this.bcastAppend();
    this.afterInput();
    return r;
  }

  /**
   * One-at-a-time membership change. Refused while another change is uncommitted and until this leader has
   * committed an entry of its own term (the fix for the single-server-change bug found by Ongaro in 2015).
   */
  proposeConfChange(cc: ConfChange): ProposalResult {
    this.checkCanPropose();
    if (!this.committedEntryInCurrentTerm()) {
      throw new ConfChangeRejectedError(
        'no-commit-in-term',
        `leader ${this.id} has not yet committed an entry in term ${this.term}; retry shortly`,
      );
    }
    if (this.lastConfIndex() > this.log.committed) {
      throw new ConfChangeRejectedError(
        'pending-conf-change',
        `configuration change at index ${this.lastConfIndex()} is not committed yet; retry after it commits`,
      );
    }
    const confState = applyConfChange(this.currentConf(), cc);
    const r = this.appendEntry([
      { type: 'confChange', data: encodeConfChangeEntry({ change: cc, confState }) },
    ]);
    this.bcastAppend();
    this.afterInput();
    return r;
  }

  transferLeadership(to: NodeId): void {
    if (this.state === 'leader') {
      this.handleTransferLeader(to);
    } else if (this.lead !== NONE) {
      this.send({ type: 'MsgTransferLeader', to: this.lead, transferee: to });
    } else {
      throw new NotLeaderError(this.id, NONE);
    }
    this.afterInput();
  }

  /** Starts a linearizable read; its ReadState appears in a later Ready (or never, if leadership is lost). */
  readIndex(context: Uint8Array): void {
    if (this.state === 'leader') {
      this.handleReadIndexRequest({ from: this.id, context });
    } else if (this.lead !== NONE) {
      this.send({ type: 'MsgReadIndex', to: this.lead, context });
    } else {
      throw new NotLeaderError(this.id, NONE);
    }
    this.afterInput();
  }

  step(m: Message): void {
    invariant(m.to === this.id, () => `message for ${m.to} delivered to ${this.id}`);
    this.stepInner(m);
    this.afterInput();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Clock

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTick) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) {
        if (!this.trk.quorumActive(this.id)) {
          // We may be on the minority side of a partition: stop serving so clients find the real leader.
          this.becomeFollower(this.term, NONE);
          return;
        }
        for (const [id, pr] of this.trk.progress) if (id !== this.id) pr.recentActive = false;
      }
      // A transfer that did not finish within an election timeout failed (transferee down or too slow).
      if (this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTick) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // State transitions

  private reset(term: number): void {
    if (term !== this.term) {
      invariant(term > this.term, () => `term would decrease from ${this.term} to ${term}`);
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTick + this.cfg.rng.nextInt(this.cfg.electionTick);
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    this.trk.resetProgress(this.log.lastIndex() + 1, this.id);
    this.pendingReadIndexRequests = [];
    this.readOnly.clear();
    this.uncommittedSize = 0;
    this.leaseRevoked = false;
  }

  private becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = 'follower';
  }

  private becomePreCandidate(): void {
    invariant(this.state !== 'leader', () => 'leader cannot become pre-candidate');
    // Pre-candidates change neither term nor vote: a lost pre-vote leaves no trace.
    this.trk.resetVotes();
    this.lead = NONE;
    this.state = 'preCandidate';
  }

  private becomeCandidate(): void {
    invariant(this.state !== 'leader', () => 'leader cannot become candidate');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = 'candidate';
  }

  private becomeLeader(): void {
    invariant(this.state === 'candidate', () => `only a candidate can become leader (was ${this.state})`);
    this.reset(this.term);
    this.lead = this.id;
    this.state = 'leader';
    const self = this.trk.progress.get(this.id);
    if (self) self.becomeReplicate();
    // An empty entry of our term: committing it commits everything before it (current-term commit rule) and
    // unlocks ReadIndex and membership changes.
    this.appendEntry([{ type: 'normal', data: new Uint8Array() }]);
  }

  private hup(transfer: boolean): void {
    if (this.state === 'leader' || !this.promotable()) return;
    if (this.cfg.preVote && !transfer) this.runCampaign('preElection');
    else this.runCampaign(transfer ? 'transfer' : 'election');
  }

  private runCampaign(kind: CampaignKind): void {
    let voteType: 'MsgVote' | 'MsgPreVote';
    let term: number;
    if (kind === 'preElection') {
      this.becomePreCandidate();
      voteType = 'MsgPreVote';
      term = this.term + 1; // the term we would campaign in; our own term is untouched
    } else {
      this.becomeCandidate();
      voteType = 'MsgVote';
      term = this.term;
    }
    const respType = voteType === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
    const lastIndex = this.log.lastIndex();
    const lastTerm = this.log.lastTerm();
    for (const id of this.trk.voters) {
      if (id === this.id) {
        // Our own vote counts only once our term and vote are durable: it travels as a message after persistence.
        this.send({ type: respType, to: id, term, reject: false });
        continue;
      }
      this.send({
        type: voteType,
        to: id,
        term,
        index: lastIndex,
        logTerm: lastTerm,
        force: kind === 'transfer',
      });
    }
  }

  private poll(from: NodeId, granted: boolean): 'pending' | 'lost' | 'won' {
    this.trk.recordVote(from, granted);
    return this.trk.tallyVotes().result;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Message dispatch

  private stepInner(m: Message): void {
    if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        // While we believe a live leader exists, ignore campaigns (unless forced by a transfer): this keeps a
        // partitioned node from deposing a healthy leader, and is what makes lease reads safe.
        if (!m.force && this.inLease()) return;
      }
      if (m.type === 'MsgPreVote') {
        // Never change term in response to a pre-vote.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // Granted pre-votes carry the future term; we adopt it only by winning the pre-election.
      } else if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A stale leader (e.g. after a partition heals) would never learn of our higher term otherwise, because
        // with pre-vote/check-quorum we ignore its peers' campaigns. Tell it, so it steps down.
        this.acceptAppend(m.from, 0);
      } else if (m.type === 'MsgPreVote') {
        this.send({ type: 'MsgPreVoteResp', to: m.from, term: this.term, reject: true });
      }
      return;
    }

    if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
      this.handleVoteRequest(m);
      return;
    }
    switch (this.state) {
      case 'leader':
        this.stepLeader(m);
        break;
      case 'candidate':
      case 'preCandidate':
        this.stepCandidate(m);
        break;
      case 'follower':
        this.stepFollower(m);
        break;
    }
  }

  /** Whether we heard from a leader within the minimum election timeout (only meaningful with check-quorum). */
  private inLease(): boolean {
    if (!this.cfg.checkQuorum) return false;
    if (this.lead !== NONE && this.electionElapsed < this.cfg.electionTick) return true;
    // After a restart we do not know when we last acknowledged a leader; a leader may be relying on that
    // acknowledgement for its read lease, so wait out one election timeout before voting.
    return this.cfg.readOnlyOption === 'lease' && this.tickCount < this.cfg.electionTick;
  }

  private handleVoteRequest(m: MsgVote): void {
    const respType = m.type === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
    const canVote =
      this.vote === m.from ||
      (this.vote === NONE && this.lead === NONE) ||
      (m.type === 'MsgPreVote' && m.term > this.term);
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      this.send({ type: respType, to: m.from, term: m.term, reject: false });
      if (m.type === 'MsgVote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, to: m.from, term: this.term, reject: true });
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'MsgApp':
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        break;
      case 'MsgHeartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        break;
      case 'MsgSnap':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshotChunk(m);
        break;
      case 'MsgVoteResp':
      case 'MsgPreVoteResp':
        this.handleVoteResponse(m);
        break;
      default:
        // No leader to forward reads or transfers to; MsgTimeoutNow is meaningless mid-election.
        break;
    }
  }

  private handleVoteResponse(m: MsgVoteResp): void {
    const expected = this.state === 'preCandidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
    if (m.type !== expected) return;
    const result = this.poll(m.from, !m.reject);
    if (result === 'won') {
      if (this.state === 'preCandidate') {
        this.runCampaign('election');
      } else {
        this.becomeLeader();
        this.bcastAppend();
      }
    } else if (result === 'lost') {
      // A rejecting MsgPreVoteResp may carry a higher term, already adopted above via becomeFollower.
      this.becomeFollower(this.term, NONE);
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'MsgApp':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppendEntries(m);
        break;
      case 'MsgHeartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        break;
      case 'MsgSnap':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshotChunk(m);
        break;
      case 'MsgTransferLeader':
        if (this.lead !== NONE)
          this.send({ type: 'MsgTransferLeader', to: this.lead, transferee: m.transferee });
        break;
      case 'MsgTimeoutNow':
        // The leader picked us; campaign at once, skipping pre-vote, and make voters ignore their leases.
        this.hup(true);
        break;
      case 'MsgReadIndex':
        if (this.lead !== NONE) this.send({ type: 'MsgReadIndex', to: this.lead, context: m.context });
        break;
      case 'MsgReadIndexResp':
        this.readStates.push({ index: m.index, requestCtx: m.context });
        break;
      default:
        break;
    }
  }

  private stepLeader(m: Message): void {
    switch (m.type) {
      case 'MsgApp':
      case 'MsgHeartbeat':
      case 'MsgSnap':
        invariant(false, () => `leader ${this.id} got ${m.type} from ${m.from} in its own term ${this.term}`);
        break;
      case 'MsgReadIndex':
        this.handleReadIndexRequest({ from: m.from, context: m.context });
        return;
      case 'MsgTransferLeader':
        this.handleTransferLeader(m.transferee);
        return;
      case 'MsgAppResp':
        this.handleAppendResponse(m);
        return;
      case 'MsgHeartbeatResp':
        this.handleHeartbeatResponse(m);
        return;
      case 'MsgSnapStatus':
        this.handleSnapStatus(m);
        return;
      default:
        return;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Leader: replication

  private checkCanPropose(): void {
    if (this.state !== 'leader') throw new NotLeaderError(this.id, this.lead);
    if (!this.trk.progress.has(this.id)) {
      throw new ProposalDroppedError('not-a-member', `leader ${this.id} is being removed from the cluster`);
    }
    if (this.leadTransferee !== NONE) {
      throw new ProposalDroppedError(
        'leadership-transfer',
        `leader ${this.id} is transferring leadership to ${this.leadTransferee}; retry on the new leader`,
      );
    }
  }

  private appendEntry(es: { type: EntryType; data: Uint8Array }[]): ProposalResult {
    invariant(this.state === 'leader', () => 'only a leader appends its own entries');
    const li = this.log.lastIndex();
    let size = 0;
    const ents: Entry[] = es.map((e, i) => {
      size += e.data.byteLength;
      return { index: li + 1 + i, term: this.term, type: e.type, data: e.data };
    });
    const limit = this.cfg.maxUncommittedEntriesSize;
    if (limit > 0 && size > 0 && this.uncommittedSize > 0 && this.uncommittedSize + size > limit) {
      throw new ProposalDroppedError(
        'uncommitted-size-limit',
        `leader ${this.id} has ${this.uncommittedSize} uncommitted bytes (limit ${limit}); retry when the log drains`,
      );
    }
    this.uncommittedSize += size;
    // A leader only ever appends after its own last entry: it never overwrites its log.
    const newLast = this.log.append(ents);
    invariant(newLast === li + ents.length, () => `leader append did not extend the log at ${li}`);
    // Counting ourselves towards the commit quorum waits until the entries are durable here.
    this.acceptAppend(this.id, newLast);
    return { index: newLast, term: this.term };
  }

  private bcastAppend(sendIfEmpty = true): void {
    for (const id of this.trk.progress.keys()) if (id !== this.id) this.maybeSendAppend(id, sendIfEmpty);
  }

  /**
   * Sends the follower what it needs next: entries after its `next`, or a snapshot if those are compacted.
   * Returns whether a message was sent.
   */
  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.trk.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    invariant(
      prevIndex <= this.log.lastIndex(),
      () => `progress of ${to}: next ${pr.next} beyond last index + 1`,
    );
    const prevTerm = this.log.term(prevIndex);
    let ents: Entry[] = [];
    let compacted = prevTerm === undefined;
    if (!compacted && (pr.state !== 'replicate' || !pr.inflights.full())) {
      try {
        ents = this.log.entriesFrom(pr.next, this.cfg.maxSizePerMsg, this.cfg.maxEntriesPerMsg);
      } catch (e) {
        if (!(e instanceof RaftStorageError && e.code === 'COMPACTED')) throw e;
        compacted = true;
      }
    }
    if (compacted) {
      // Only stream a snapshot to a follower we have recently heard from.
      if (!pr.recentActive) return false;
      const snap = this.log.snapshot();
      invariant(
        snap.metadata.index >= this.log.firstIndex() - 1,
        () => `storage compacted to ${this.log.firstIndex() - 1} past its snapshot ${snap.metadata.index}`,
      );
      pr.becomeSnapshot(snap);
      this.sendSnapshotChunk(to, pr);
      return true;
    }
    if (ents.length === 0 && !sendIfEmpty) return false;
    this.send({
      type: 'MsgApp',
      to,
      index: prevIndex,
      logTerm: prevTerm!,
      entries: ents,
      commit: this.log.committed,
    });
    let bytes = 0;
    for (const e of ents) bytes += entryPayloadSize(e);
    pr.sentEntries(ents.length, bytes);
    return true;
  }

  private sendSnapshotChunk(to: NodeId, pr: Progress): void {
    const t = pr.transfer;
    invariant(t !== undefined && pr.state === 'snapshot', () => `no snapshot transfer to ${to}`);
    const data = t.snapshot.data;
    const off = Math.min(t.ackedOffset, data.byteLength);
    const end = Math.min(off + this.cfg.maxSnapshotChunkBytes, data.byteLength);
    this.send({
      type: 'MsgSnap',
      to,
      snapshot: t.snapshot.metadata,
      offset: off,
      data: data.subarray(off, end),
      done: end === data.byteLength,
    });
  }

  private handleAppendResponse(m: MsgAppResp): void {
    const pr = this.trk.progress.get(m.from);
    if (m.from === this.id) {
      // Our own entries up to m.index are durable now.
      invariant(
        m.index <= this.log.lastIndex(),
        () => `self ack ${m.index} beyond last index ${this.log.lastIndex()}`,
      );
      if (pr && pr.maybeUpdate(m.index) && this.maybeCommit()) this.onCommitAdvanced();
      return;
    }
    if (!pr) return;
    pr.recentActive = true;
    if (m.reject) {
      let nextProbe = m.rejectHint;
      if (m.logTerm > 0) nextProbe = this.log.findConflictByTerm(m.rejectHint, m.logTerm).index;
      if (pr.maybeDecrTo(m.index, nextProbe)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.maybeSendAppend(m.from, true);
      }
      return;
    }
    const oldPaused = pr.isPaused();
    if (pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === 'probe')) {
      if (pr.state === 'probe') {
        pr.becomeReplicate();
      } else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
        // Installed (or no longer needed). Resume from the log if we still have what comes next.
        pr.becomeProbe();
        if (pr.match + 1 >= this.log.firstIndex()) pr.becomeReplicate();
      } else if (pr.state === 'replicate') {
        pr.inflights.freeLE(m.index);
      }
      if (this.maybeCommit()) {
        this.onCommitAdvanced();
      } else if (oldPaused) {
        this.maybeSendAppend(m.from, true);
      }
      while (this.state === 'leader' && this.maybeSendAppend(m.from, false)) {
        // Pipeline: keep the window full.
      }
      if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) this.sendTimeoutNow(m.from);
    }
  }

  private handleHeartbeatResponse(m: MsgHeartbeatResp): void {
    const pr = this.trk.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    pr.probeSent = false;
    if (m.tick > pr.ackedHeartbeatTick) pr.ackedHeartbeatTick = m.tick;
    if (pr.state === 'replicate' && pr.inflights.full()) {
      // MsgApps may have been lost; let one more through so the follower's rejection resynchronises us.
      pr.inflights.freeFirstOne();
    }
    if (pr.state === 'snapshot') {
      // Retransmit the chunk the follower is waiting for: chunks and their acks can be lost.
      this.sendSnapshotChunk(m.from, pr);
    } else if (pr.match < this.log.lastIndex() || pr.state === 'probe') {
      this.maybeSendAppend(m.from, true);
    }
    if (m.context.byteLength === 0) return;
    const acks = this.readOnly.recvAck(m.from, m.context);
    if (!acks || this.trk.voteResultOf(acks) !== 'won') return;
    for (const rs of this.readOnly.advance(m.context)) this.respondToReadIndex(rs.req, rs.index);
  }

  private handleSnapStatus(m: MsgSnapStatus): void {
    const pr = this.trk.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    const t = pr.transfer;
    if (pr.state !== 'snapshot' || !t || pr.pendingSnapshot !== m.index) return;
    if (!m.reject && m.offset <= t.ackedOffset) return; // duplicate ack
    t.ackedOffset = Math.min(m.offset, t.snapshot.data.byteLength);
    this.sendSnapshotChunk(m.from, pr);
  }

  private maybeCommit(): boolean {
    const before = this.log.committed;
    // Current-term commit rule: log.maybeCommit only commits an index whose entry has our term.
    if (!this.log.maybeCommit(this.trk.committed(), this.term)) return false;
    if (this.cfg.maxUncommittedEntriesSize > 0) {
      for (const e of this.log.slice(Math.max(before + 1, this.log.firstIndex()), this.log.committed + 1)) {
        if (e.term === this.term)
          this.uncommittedSize = Math.max(0, this.uncommittedSize - e.data.byteLength);
      }
    }
    return true;
  }

  private onCommitAdvanced(): void {
    this.releasePendingReadIndexRequests();
    // lazily, only followers owed entries hear now (the append carries the new commit); the rest at the next heartbeat
    this.bcastAppend(!this.cfg.lazyCommitBroadcast);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Leader: heartbeats, reads, transfer

  private bcastHeartbeat(): void {
    this.bcastHeartbeatWithContext(this.readOnly.lastPendingContext() ?? new Uint8Array());
  }

  private bcastHeartbeatWithContext(context: Uint8Array): void {
    for (const [id, pr] of this.trk.progress) {
      if (id === this.id) continue;
      // Never tell a follower about commits beyond what it is known to hold.
      const commit = Math.min(pr.match, this.log.committed);
      this.send({ type: 'MsgHeartbeat', to: id, commit, context, tick: this.tickCount });
    }
  }

  private handleReadIndexRequest(req: ReadRequest): void {
    // Until an entry of our term commits, our commit index may lag entries committed by earlier leaders.
    if (!this.committedEntryInCurrentTerm()) {
      this.pendingReadIndexRequests.push(req);
      return;
    }
    this.startReadIndex(req);
  }

  private startReadIndex(req: ReadRequest): void {
    const index = this.log.committed;
    if (this.leaseValid()) {
      this.respondToReadIndex(req, index);
      return;
    }
    this.readOnly.addRequest(index, req);
    const acks = this.trk.isVoter(this.id) ? this.readOnly.recvAck(this.id, req.context) : undefined;
    if (acks && this.trk.voteResultOf(acks) === 'won') {
      for (const rs of this.readOnly.advance(req.context)) this.respondToReadIndex(rs.req, rs.index);
      return;
    }
    this.bcastHeartbeatWithContext(req.context);
  }

  private releasePendingReadIndexRequests(): void {
    if (this.pendingReadIndexRequests.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const reqs = this.pendingReadIndexRequests;
    this.pendingReadIndexRequests = [];
    for (const req of reqs) this.startReadIndex(req);
  }

  private respondToReadIndex(req: ReadRequest, index: number): void {
    if (req.from === this.id) this.readStates.push({ index, requestCtx: req.context });
    else this.send({ type: 'MsgReadIndexResp', to: req.from, index, context: req.context });
  }

  /**
   * The lease: a quorum acknowledged heartbeats we sent at tick >= S, and each of those voters refuses to vote for
   * anyone else until a full election timeout after receiving them. So nobody else can lead before S + electionTick
   * (on our clock, assuming clocks tick at the same rate; the margin absorbs skew).
   */
  private leaseValid(): boolean {
    if (this.cfg.readOnlyOption !== 'lease' || this.leaseRevoked || this.leadTransferee !== NONE)
      return false;
    if (this.trk.voters.length === 0) return false;
    const leaseStart = quorumValue(this.trk.voters, (id) =>
      id === this.id ? this.tickCount : (this.trk.progress.get(id)?.ackedHeartbeatTick ?? -Infinity),
    );
    return this.tickCount < leaseStart + this.cfg.electionTick - this.cfg.leaseSafetyMarginTicks;
  }

  private handleTransferLeader(transferee: NodeId): void {
    const pr = this.trk.progress.get(transferee);
    if (!pr || pr.isLearner) return;
    if (this.leadTransferee !== NONE) {
      if (this.leadTransferee === transferee) return; // already in progress
      this.abortLeaderTransfer();
    }
    if (transferee === this.id) return;
    // The transfer must finish within an election timeout (see tickHeartbeat).
    this.electionElapsed = 0;
    this.leadTransferee = transferee;
    if (pr.match === this.log.lastIndex()) this.sendTimeoutNow(transferee);
    else this.maybeSendAppend(transferee, true);
  }

  private sendTimeoutNow(to: NodeId): void {
    this.leaseRevoked = true;
    this.send({ type: 'MsgTimeoutNow', to });
  }

  private abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Follower: log, heartbeats, snapshots

  private handleAppendEntries(m: MsgApp): void {
    if (m.index < this.log.committed) {
      this.acceptAppend(m.from, this.log.committed);
      return;
    }
    const last = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (last !== undefined) {
      this.acceptAppend(m.from, last);
      return;
    }
    // Point the leader at the last index where our logs may agree, skipping a whole term at a time.
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
    this.send({
      type: 'MsgAppResp',
      to: m.from,
      index: m.index,
      reject: true,
      rejectHint: hint.index,
      logTerm: hint.term,
    });
  }

  private handleHeartbeat(m: MsgHeartbeat): void {
    this.log.commitTo(m.commit);
    this.send({ type: 'MsgHeartbeatResp', to: m.from, context: m.context, tick: m.tick });
  }

  private handleSnapshotChunk(m: MsgSnap): void {
    const meta = m.snapshot;
    const reply = (): void => this.acceptAppend(m.from, this.log.committed);
    if (meta.index <= this.log.committed) {
      this.incomingSnapshot = undefined;
      reply();
      return;
    }
    if (this.log.matchTerm(meta.index, meta.term)) {
      // We already hold the snapshot's last entry; just learn that it is committed.
      this.incomingSnapshot = undefined;
      this.log.commitTo(meta.index);
      reply();
      return;
    }
    let inc = this.incomingSnapshot;
    const sameSnap =
      inc !== undefined &&
      inc.leaderTerm === m.term &&
      inc.metadata.index === meta.index &&
      inc.metadata.term === meta.term;
    if (m.offset === 0 && (!sameSnap || inc!.size > 0)) {
      inc = { leaderTerm: m.term, metadata: meta, chunks: [], size: 0 };
      this.incomingSnapshot = inc;
    } else if (!sameSnap) {
      this.send({ type: 'MsgSnapStatus', to: m.from, index: meta.index, offset: 0, reject: true });
      return;
    }
    const cur = inc!;
    if (m.offset !== cur.size) {
      // Lost or reordered chunk: tell the leader where we are.
      this.send({
        type: 'MsgSnapStatus',
        to: m.from,
        index: meta.index,
        offset: cur.size,
        reject: m.offset > cur.size,
      });
      return;
    }
    cur.chunks.push(m.data);
    cur.size += m.data.byteLength;
    if (!m.done) {
      this.send({ type: 'MsgSnapStatus', to: m.from, index: meta.index, offset: cur.size, reject: false });
      return;
    }
    this.incomingSnapshot = undefined;
    const data = new Uint8Array(cur.size);
    let off = 0;
    for (const c of cur.chunks) {
      data.set(c, off);
      off += c.byteLength;
    }
    this.restore({ metadata: meta, data });
    this.acceptAppend(m.from, this.log.lastIndex());
  }

  private restore(s: { metadata: SnapshotMetadata; data: Uint8Array }): void {
    invariant(this.state === 'follower', () => `only followers install snapshots (state ${this.state})`);
    this.log.restore(s);
    this.confHistory = [{ index: s.metadata.index, confState: s.metadata.confState }];
    this.trk.applyConf(s.metadata.confState, this.log.lastIndex() + 1);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Membership follows the log

  private onLogAppend(ents: readonly Entry[]): void {
    const first = ents[0]!.index;
    const before = this.confHistory[this.confHistory.length - 1]!;
    // Entries at or after `first` were replaced: configs they introduced are gone with them.
    while (this.confHistory.length > 1 && this.confHistory[this.confHistory.length - 1]!.index >= first) {
      const dropped = this.confHistory.pop()!;
      invariant(dropped.index > this.log.committed, () => `committed config at ${dropped.index} truncated`);
    }
    for (const e of ents) {
      if (e.type === 'confChange')
        this.confHistory.push({ index: e.index, confState: decodeConfChangeEntry(e.data).confState });
    }
    // Keep only the newest config at or below commit plus everything after it: nothing older can come back.
    let keepFrom = 0;
    for (let i = this.confHistory.length - 1; i >= 0; i--) {
      if (this.confHistory[i]!.index <= this.log.committed) {
        keepFrom = i;
        break;
      }
    }
    if (keepFrom > 0) this.confHistory.splice(0, keepFrom);
    const after = this.confHistory[this.confHistory.length - 1]!;
    if (after !== before) this.switchToConfig(after.confState);
  }

  private switchToConfig(cs: ConfState): void {
    this.trk.applyConf(cs, this.log.lastIndex() + 1);
    if (this.state !== 'leader') return;
    if (this.leadTransferee !== NONE && !this.trk.isVoter(this.leadTransferee)) this.abortLeaderTransfer();
  }

  /** A leader removed by a committed config change steps down; until then it keeps replicating (thesis §4.2.2). */
  private maybeStepDownAfterRemoval(): void {
    if (this.state === 'leader' && !this.trk.isVoter(this.id) && this.lastConfIndex() <= this.log.committed) {
      this.becomeFollower(this.term, NONE);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Output and invariants

  /** An accepting MsgAppResp: `to` may count our log as matching its own up to `index`. */
  private acceptAppend(to: NodeId, index: number): void {
    this.send({ type: 'MsgAppResp', to, index, reject: false, rejectHint: 0, logTerm: 0 });
  }

  private send(m: OutgoingMessage): void {
    // Every caller hands over a fresh literal: completed in place rather than copied (a copy of each message was a
    // measurable share of what the leader allocates per write).
    const out = m as { from?: NodeId; term?: number };
    out.from = this.id;
    out.term ??= this.term;
    const full = m as Message;
    if (full.to === this.id) {
      invariant(
        full.type === 'MsgAppResp' || full.type === 'MsgVoteResp' || full.type === 'MsgPreVoteResp',
        () => `unexpected ${full.type} to self`,
      );
      this.msgsAfterPersist.push(full);
    } else if (mustSendAfterPersist(full.type)) {
      this.msgsAfterPersist.push(full);
    } else {
      this.msgs.push(full);
    }
  }

  /** Runs after every input: membership follow-ups, then the invariants that must hold between inputs. */
  private afterInput(): void {
    this.maybeStepDownAfterRemoval();
    const log = this.log;
    const lastIndex = log.lastIndex();
    invariant(this.term >= this.seenTerm, () => `term decreased from ${this.seenTerm} to ${this.term}`);
    if (this.term === this.seenTerm) {
      invariant(
        this.seenVote === NONE || this.vote === this.seenVote,
        () => `vote changed from ${this.seenVote} to ${this.vote} within term ${this.term}`,
      );
    }
    invariant(
      log.committed >= this.seenCommit,
      () => `commit decreased from ${this.seenCommit} to ${log.committed}`,
    );
    invariant(log.committed <= lastIndex, () => `commit ${log.committed} > last index ${lastIndex}`);
    invariant(log.applied <= log.committed, () => `applied ${log.applied} > commit ${log.committed}`);
    invariant(
      log.lastTerm() <= this.term,
      () => `last log term ${log.lastTerm()} > current term ${this.term}`,
    );
    if (this.state === 'leader') {
      invariant(this.lead === this.id, () => `leader ${this.id} thinks ${this.lead} leads`);
      invariant(
        this.vote === this.id,
        () => `leader ${this.id} did not vote for itself in term ${this.term}`,
      );
      for (const [id, pr] of this.trk.progress) {
        invariant(
          pr.match <= lastIndex,
          () => `progress of ${id}: match ${pr.match} > leader last index ${lastIndex}`,
        );
        invariant(pr.match < pr.next, () => `progress of ${id}: match ${pr.match} >= next ${pr.next}`);
      }
    }
    this.seenTerm = this.term;
    this.seenVote = this.vote;
    this.seenCommit = log.committed;
  }
}
