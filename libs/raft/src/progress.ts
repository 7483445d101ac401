// The leader's view of one follower's log (match/next) and its replication state machine: probe, replicate, snapshot.
import { Inflights } from './inflights.js';
import { invariant } from './invariant.js';
import type { Snapshot } from './types.js';

/**
 * probe: we don't know where the follower's log ends; send one MsgApp per heartbeat until one is accepted.
 * replicate: the follower is tracking; stream MsgApps optimistically, bounded by the inflight window.
 * snapshot: the entries it needs are compacted; stream a snapshot in chunks and send nothing else.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** An InstallSnapshot transfer in progress to one follower. */
export interface SnapshotTransfer {
  readonly snapshot: Snapshot;
  /** Next byte the follower has told us it expects. */
  ackedOffset: number;
  /** Heartbeat responses since the chunk in flight was last sent (or acknowledged). */
  heartbeatsSinceSend: number;
  /** How many of them to wait before sending it again: doubles while no acknowledgement comes (see Raft). */
  retransmitAfter: number;
}

/** Heartbeat responses a chunk waits for its acknowledgement before it is sent again, at first. */
export const SNAPSHOT_RETRANSMIT_HEARTBEATS = 2;

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** Index of the snapshot being sent while in 'snapshot' state. */
  pendingSnapshot = 0;
  transfer: SnapshotTransfer | undefined;
  /** Whether we heard from the follower since the last check-quorum round. */
  recentActive = false;
  /** In probe state: a MsgApp is already out; wait for its answer (or a heartbeat response) before sending more. */
  probeSent = false;
  /** Leader tick when the newest heartbeat this follower acknowledged was sent (for lease reads). */
  ackedHeartbeatTick = -Infinity;
  readonly inflights: Inflights;

  constructor(
    next: number,
    maxInflight: number,
    maxInflightBytes: number,
    public isLearner: boolean,
  ) {
    this.next = next;
    this.inflights = new Inflights(maxInflight, maxInflightBytes);
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.transfer = undefined;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot the follower holds at least the snapshot index, so probe from just after it.
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshot: Snapshot): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshot.metadata.index;
    this.transfer = {
      snapshot,
      ackedOffset: 0,
      heartbeatsSinceSend: 0,
      retransmitAfter: SNAPSHOT_RETRANSMIT_HEARTBEATS,
    };
  }

  /** An acknowledgement up to `n`; returns whether match moved (stale and duplicate acks do not). */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /**
   * A rejection of the MsgApp at `rejected`; `matchHint` is the follower's hint of its last possibly-matching index.
   * Returns false for stale rejections that tell us nothing new.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      // Rejections of messages older than what is already acknowledged are stale.
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    // In probe state only the answer to the latest probe (next-1) counts.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }

  /** Bookkeeping after sending `count` entries of `bytes` payload ending at next-1+count. */
  sentEntries(count: number, bytes: number): void {
    if (this.state === 'replicate') {
      if (count > 0) {
        this.next += count;
        this.inflights.add(this.next - 1, bytes);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    } else {
      invariant(false, () => 'sent entries to a follower in snapshot state');
    }
  }
}
