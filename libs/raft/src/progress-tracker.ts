// Current membership plus the leader's per-peer Progress and a candidate's vote tally.
import { invariant } from './invariant.js';
import { Progress } from './progress.js';
import { committedIndex, voteResult, type VoteResult } from './quorum.js';
import type { ConfState, NodeId } from './types.js';

export class ProgressTracker {
  voters: NodeId[] = [];
  learners: NodeId[] = [];
  readonly progress = new Map<NodeId, Progress>();
  readonly votes = new Map<NodeId, boolean>();

  constructor(
    readonly maxInflight: number,
    readonly maxInflightBytes: number,
  ) {}

  confState(): ConfState {
    return { voters: [...this.voters], learners: [...this.learners] };
  }

  isVoter(id: NodeId): boolean {
    return this.voters.includes(id);
  }

  isLearner(id: NodeId): boolean {
    return this.learners.includes(id);
  }

  isMember(id: NodeId): boolean {
    return this.isVoter(id) || this.isLearner(id);
  }

  /**
   * Switches to `cs`. Progress of surviving members is kept; new members start probing at `nextIndex`.
   * Returns the ids that were added.
   */
  applyConf(cs: ConfState, nextIndex: number): NodeId[] {
    for (const id of cs.voters)
      invariant(!cs.learners.includes(id), () => `node ${id} is both voter and learner`);
    this.voters = [...cs.voters];
    this.learners = [...cs.learners];
    const added: NodeId[] = [];
    const members = new Set([...cs.voters, ...cs.learners]);
    for (const id of [...this.progress.keys()]) if (!members.has(id)) this.progress.delete(id);
    for (const id of members) {
      const pr = this.progress.get(id);
      if (pr) {
        pr.isLearner = this.learners.includes(id);
      } else {
        this.progress.set(
          id,
          new Progress(nextIndex, this.maxInflight, this.maxInflightBytes, this.learners.includes(id)),
        );
        added.push(id);
      }
    }
    return added;
  }

  /** Fresh progress for everybody (a new term); `self` is marked active, match comes from later acknowledgements. */
  resetProgress(nextIndex: number, self: NodeId): void {
    for (const [id, old] of [...this.progress]) {
      const pr = new Progress(nextIndex, this.maxInflight, this.maxInflightBytes, old.isLearner);
      if (id === self) pr.recentActive = true;
      this.progress.set(id, pr);
    }
  }

  committed(): number {
    return committedIndex(this.voters, (id) => this.progress.get(id)?.match ?? 0);
  }

  /** Whether a quorum of voters was recently active (check-quorum); `self` always counts. */
  quorumActive(self: NodeId): boolean {
    const votes = new Map<NodeId, boolean>();
    for (const id of this.voters)
      votes.set(id, id === self || (this.progress.get(id)?.recentActive ?? false));
    return voteResult(this.voters, votes) === 'won';
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    return { granted, rejected, result: voteResult(this.voters, this.votes) };
  }

  voteResultOf(acks: ReadonlySet<NodeId>): VoteResult {
    const votes = new Map<NodeId, boolean>();
    for (const id of this.voters) if (acks.has(id)) votes.set(id, true);
    return voteResult(this.voters, votes);
  }
}
