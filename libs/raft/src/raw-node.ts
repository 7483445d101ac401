// The driver-facing API (etcd-io/raft's rawnode.go): inputs in, Ready batches out, advance() when they are handled.
import type { ConfChange } from './conf-change.js';
import type { RaftConfig } from './config.js';
import { RaftError } from './errors.js';
import { invariant } from './invariant.js';
import type { Message } from './message.js';
import type { ProgressState } from './progress.js';
import { Raft, type ProposalResult } from './raft.js';
import type { Ready } from './ready.js';
import {
  hardStateEqual,
  type ConfState,
  type HardState,
  type NodeId,
  type SoftState,
  type StateType,
} from './types.js';

export interface PeerStatus {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly recentActive: boolean;
  readonly isLearner: boolean;
}

export interface Status {
  readonly id: NodeId;
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly lead: NodeId;
  readonly raftState: StateType;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly confState: ConfState;
  readonly leadTransferee: NodeId;
  /** Per-peer replication progress; only on the leader. */
  readonly progress?: ReadonlyMap<NodeId, PeerStatus>;
}

interface Outstanding {
  readonly ready: Ready;
  readonly selfMessages: Message[];
  /** The Ready changes the term or the vote. */
  readonly termOrVote: boolean;
}

/** A Ready advanced before its log write was durable (advanceWriting): what to do once it is (written()). */
export interface WriteInProgress {
  readonly last: { readonly index: number; readonly term: number } | undefined;
  readonly selfMessages: readonly Message[];
}

export class RawNode {
  readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  private outstanding: Outstanding | undefined;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  get id(): NodeId {
    return this.raft.id;
  }

  tick(): void {
    this.raft.tick();
  }

  campaign(): void {
    this.raft.campaign();
  }

  step(m: Message): void {
    this.raft.step(m);
  }

  /** Appends `data` to the log if this node leads; throws NotLeaderError (with the known leader) otherwise. */
  propose(data: Uint8Array): ProposalResult {
    return this.raft.propose(data);
  }

  proposeConfChange(cc: ConfChange): ProposalResult {
    return this.raft.proposeConfChange(cc);
  }

  transferLeadership(to: NodeId): void {
    this.raft.transferLeadership(to);
  }

  readIndex(context: Uint8Array): void {
    this.raft.readIndex(context);
  }

  hasReady(): boolean {
    if (this.outstanding) return false;
    const r = this.raft;
    const ss = r.softState();
    if (ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState) return true;
    if (!hardStateEqual(r.hardState(), this.prevHardState)) return true;
    if (r.log.hasPendingSnapshot() || r.log.unstableEntries().length > 0) return true;
    if (r.msgs.length > 0 || r.msgsAfterPersist.length > 0 || r.readStates.length > 0) return true;
    return r.log.hasNextCommittedEntries();
  }

  ready(): Ready {
    if (this.outstanding) {
      throw new RaftError(
        'READY_NOT_ADVANCED',
        'ready() called again before advance(); handle the previous Ready first',
      );
    }
    const r = this.raft;
    const ss = r.softState();
    const hs = r.hardState();
    const softChanged = ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState;
    const hardChanged = !hardStateEqual(hs, this.prevHardState);
    const entries = [...r.log.unstableEntries()];
    const snapshot = r.log.unstable.snapshot;
    const selfMessages: Message[] = [];
    const after: Message[] = [];
    for (const m of r.msgsAfterPersist) (m.to === r.id ? selfMessages : after).push(m);
    const rd: Ready = {
      ...(softChanged ? { softState: ss } : {}),
      ...(hardChanged ? { hardState: hs } : {}),
      readStates: r.readStates,
      entries,
      ...(snapshot ? { snapshot } : {}),
      committedEntries: r.log.nextCommittedEntries(r.cfg.maxCommittedSizePerReady),
      messages: r.msgs,
      messagesAfterPersist: after,
      mustSync:
        entries.length > 0 ||
        snapshot !== undefined ||
        hs.term !== this.prevHardState.term ||
        hs.vote !== this.prevHardState.vote,
    };
    r.msgs = [];
    r.msgsAfterPersist = [];
    r.readStates = [];
    r.log.unstable.acceptInProgress();
    const termOrVote = hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote;
    if (softChanged) this.prevSoftState = ss;
    if (hardChanged) this.prevHardState = hs;
    this.outstanding = { ready: rd, selfMessages, termOrVote };
    return rd;
  }

  /** The last Ready has been persisted, sent and applied; lets the core move on (and count its own durable acks). */
  advance(): void {
    const o = this.outstanding;
    invariant(o !== undefined, () => 'advance() without an outstanding Ready');
    const r = this.raft;
    const rd = o.ready;
    const last = rd.entries[rd.entries.length - 1];
    if (last) r.log.unstable.stableTo(last.index, last.term);
    if (rd.snapshot) {
      r.log.unstable.stableSnapTo(rd.snapshot.metadata.index);
      if (rd.snapshot.metadata.index > r.log.applied) r.log.appliedTo(rd.snapshot.metadata.index);
    }
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied && lastApplied.index > r.log.applied) r.log.appliedTo(lastApplied.index);
    this.outstanding = undefined;
    for (const m of o.selfMessages) r.step(m);
  }

  /**
   * advance() for a Ready whose log write is still under way (etcd-io/raft's asynchronous storage writes, for a
   * leader): the next Ready may be handed out now — its entries follow these and must be written after them — while
   * what this Ready's write promises waits for `written(handle)`, called once it is durable, in write order: until
   * then the entries stay readable in the unstable log, and this node's own acknowledgement (which makes it count
   * towards a commit) is held. The Ready's committed entries must have been applied. Not for a Ready that installs a
   * snapshot, changes the term or vote, or has messages for other nodes to send after the write.
   */
  advanceWriting(): WriteInProgress {
    const o = this.outstanding;
    invariant(o !== undefined, () => 'advanceWriting() without an outstanding Ready');
    const rd = o.ready;
    invariant(
      this.canAdvanceWriting(),
      () => 'advanceWriting() for a Ready that must be durable before the next one',
    );
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied && lastApplied.index > this.raft.log.applied) this.raft.log.appliedTo(lastApplied.index);
    this.outstanding = undefined;
    const last = rd.entries[rd.entries.length - 1];
    return { last: last && { index: last.index, term: last.term }, selfMessages: o.selfMessages };
  }

  /** Whether the outstanding Ready may be advanced before its write is durable (advanceWriting). */
  canAdvanceWriting(): boolean {
    const o = this.outstanding;
    return (
      o !== undefined &&
      o.ready.snapshot === undefined &&
      !o.termOrVote &&
      o.ready.messagesAfterPersist.length === 0
    );
  }

  /** The write of a Ready advanced with advanceWriting() is durable (called in write order). */
  written(w: WriteInProgress): void {
    if (w.last) this.raft.log.unstable.stableTo(w.last.index, w.last.term);
    for (const m of w.selfMessages) this.raft.step(m);
  }

  status(): Status {
    const r = this.raft;
    let progress: Map<NodeId, PeerStatus> | undefined;
    if (r.state === 'leader') {
      progress = new Map();
      for (const [id, pr] of r.trk.progress) {
        progress.set(id, {
          match: pr.match,
          next: pr.next,
          state: pr.state,
          recentActive: pr.recentActive,
          isLearner: pr.isLearner,
        });
      }
    }
    return {
      id: r.id,
      term: r.term,
      vote: r.vote,
      commit: r.log.committed,
      applied: r.log.applied,
      lead: r.lead,
      raftState: r.state,
      firstIndex: r.log.firstIndex(),
      lastIndex: r.log.lastIndex(),
      confState: r.currentConf(),
      leadTransferee: r.leadTransferee,
      ...(progress ? { progress } : {}),
    };
  }
}
