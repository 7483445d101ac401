// How writes reach the state machine. `Proposer` is the seam between the placement services and consensus: the
// single-node LocalProposer appends and applies directly (group commit: commands arriving while a batch is being
// written go together into the next synced batch); the Raft proposer replicates first.
import type { PlacementCommand, ResultOf } from './commands.js';
import type { PlacementStateMachine } from './state-machine.js';

/** Who leads the placement group, as this member knows it. */
export interface LeaderInfo {
  isLeader: boolean;
  /** 0 when unknown (an election is running). */
  leaderId: number;
  /** gRPC address of the leader, when known. */
  leaderAddress?: string;
}

/** A write (or a leader-only operation) reached a member that is not the leader. */
export class NotPlacementLeaderError extends Error {
  constructor(readonly leader: LeaderInfo) {
    super(
      leader.leaderId
        ? `this member is not the leader; the leader is node ${leader.leaderId}${leader.leaderAddress ? ` at ${leader.leaderAddress}` : ''}`
        : 'this member is not the leader and no leader is known yet (election in progress); retry shortly',
    );
    this.name = 'NotPlacementLeaderError';
  }
}

export interface Proposer {
  /** The current leadership as known here; leader-only work (heartbeats, expiry) checks it. */
  leader(): LeaderInfo;
  /** Commits the command and resolves with its result once applied locally. */
  propose<C extends PlacementCommand>(command: C): Promise<ResultOf<C>>;
  /** Resolves when the local state includes every write committed before the call (a linearizable read barrier). */
  readBarrier(): Promise<void>;
  close(): Promise<void>;
}

export class ProposerClosedError extends Error {
  constructor() {
    super('placement center is shutting down');
    this.name = 'ProposerClosedError';
  }
}

interface Pending {
  command: PlacementCommand;
  resolve: (result: never) => void;
  reject: (err: Error) => void;
}

const MAX_BATCH = 1024;

export class LocalProposer implements Proposer {
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly sm: PlacementStateMachine) {}

  leader(): LeaderInfo {
    return { isLeader: true, leaderId: 0 };
  }

  propose<C extends PlacementCommand>(command: C): Promise<ResultOf<C>> {
    if (this.closed) return Promise.reject(new ProposerClosedError());
    return new Promise<ResultOf<C>>((resolve, reject) => {
      this.queue.push({ command, resolve: resolve as (r: never) => void, reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const first = this.sm.appliedIndex + 1;
      try {
        const results = await this.sm.applyBatch(
          batch.map((p, i) => ({ index: first + i, command: p.command })),
        );
        batch.forEach((p, i) => p.resolve(results[i] as never));
      } catch (err) {
        // the batch was not written: no command in it took effect
        for (const p of batch) p.reject(err as Error);
      }
    }
    this.writing = undefined;
  }

  async readBarrier(): Promise<void> {
    // a single node's applied state is its committed state once queued writes are done
    await this.writing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.writing;
  }
}
