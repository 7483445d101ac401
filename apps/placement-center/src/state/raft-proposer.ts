// The Raft-backed Proposer: commands are replicated through libs/raft before the state machine applies them, and
// reads wait for a ReadIndex barrier. Also the RaftApplication adapter that lets RaftNode drive the state machine
// and snapshot / restore it.
import { NotLeaderError, ProposalDroppedError } from '@robustmq/raft';
import { RaftNodeError, type RaftApplication, type RaftNode } from '@robustmq/raft/node';
import { decodeCommand, encodeCommand, type PlacementCommand, type ResultOf } from './commands.js';
import { NotPlacementLeaderError, type LeaderInfo, type Proposer } from './proposer.js';
import type { PlacementStateMachine } from './state-machine.js';

/** A write or read that may succeed if retried (lost leadership mid-way, no quorum yet). */
export class RetryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryableError';
  }
}

export function placementApplication(sm: PlacementStateMachine): RaftApplication {
  return {
    applyEntries: (entries: { index: number; data: Uint8Array }[]) =>
      sm.applyBatch(entries.map((e) => ({ index: e.index, command: decodeCommand(e.data) }))),
    snapshot: async () => {
      const image = await sm.snapshotImage();
      return { index: image.index, data: image.read };
    },
    // a view, not a copy: the import copies each record out of the image anyway (copying a 33 MB image first held
    // the thread for as long again)
    restore: (snapshot) =>
      sm.importSnapshot(
        Buffer.from(snapshot.data.buffer, snapshot.data.byteOffset, snapshot.data.byteLength),
      ),
    appliedIndex: () => sm.appliedIndex,
  };
}

export class RaftProposer implements Proposer {
  constructor(private readonly node: RaftNode) {}

  leader(): LeaderInfo {
    const leaderId = this.node.leaderId;
    const leaderAddress = this.node.isLeader
      ? undefined
      : this.node.status().members.find((m) => m.id === leaderId)?.address;
    return { isLeader: this.node.isLeader, leaderId, ...(leaderAddress ? { leaderAddress } : {}) };
  }

  private translate(err: unknown): Error {
    if (err instanceof NotLeaderError) return new NotPlacementLeaderError(this.leader());
    if (err instanceof ProposalDroppedError || (err instanceof RaftNodeError && err.code !== 'STOPPED'))
      return new RetryableError(err.message);
    return err as Error;
  }

  /** A promise chain, not an async function: one promise less per write (this is on every write's path). */
  propose<C extends PlacementCommand>(command: C): Promise<ResultOf<C>> {
    let proposed: Promise<unknown>;
    try {
      proposed = this.node.propose(encodeCommand(command));
    } catch (err) {
      return Promise.reject(this.translate(err));
    }
    return proposed.then(undefined, (err: unknown) => {
      throw this.translate(err);
    }) as Promise<ResultOf<C>>;
  }

  async readBarrier(): Promise<void> {
    try {
      await this.node.readIndex();
    } catch (err) {
      throw this.translate(err);
    }
  }

  async close(): Promise<void> {
    await this.node.stop();
  }
}
