// Configuration of one Raft node, with etcd-like defaults and validation that fails at construction.
import { RaftError } from './errors.js';
import type { ReadOnlyOption } from './read-only.js';
import type { Rng } from './rng.js';
import type { Storage } from './storage.js';
import type { NodeId } from './types.js';

export interface RaftConfig {
  id: NodeId;
  storage: Storage;
  /** Source of randomness for election timeouts; seed it from crypto in production, from the seed in simulation. */
  rng: Rng;
  /** Ticks without hearing from a leader before a follower campaigns (randomized in [electionTick, 2*electionTick)). */
  electionTick: number;
  /** Ticks between leader heartbeats; must be < electionTick. */
  heartbeatTick: number;
  /** Last index the application has applied (on restart); entries after it are handed out again. */
  applied?: number;
  /** Max payload bytes in one MsgApp. */
  maxSizePerMsg?: number;
  /** Max entries in one MsgApp. */
  maxEntriesPerMsg?: number;
  /** Max payload bytes of committed entries handed out in one Ready. */
  maxCommittedSizePerReady?: number;
  /** Max unacknowledged MsgApps per follower in replicate state. */
  maxInflightMsgs?: number;
  /** Max unacknowledged payload bytes per follower (0: unlimited). */
  maxInflightBytes?: number;
  /** Max payload bytes of uncommitted entries the leader accepts (0: unlimited). */
  maxUncommittedEntriesSize?: number;
  /** Max bytes of snapshot data in one MsgSnap chunk. */
  maxSnapshotChunkBytes?: number;
  /** Leader steps down when it has not heard from a quorum within an election timeout. */
  checkQuorum?: boolean;
  /** Campaign with a pre-vote round first so a partitioned node cannot disrupt the cluster with higher terms. */
  preVote?: boolean;
  /**
   * 'safe' (default): ReadIndex confirms leadership with a heartbeat round. 'lease': answer from the leader's lease
   * while it is valid (requires checkQuorum; assumes bounded clock drift), falling back to a heartbeat round.
   */
  readOnlyOption?: ReadOnlyOption;
  /** Ticks subtracted from the election timeout to bound the lease (covers tick skew between nodes). */
  leaseSafetyMarginTicks?: number;
  /**
   * false (default, as etcd): when the commit index advances the leader sends every follower an append at once,
   * empty if need be, to tell it. true: only followers that are owed entries get one; the others learn the commit
   * from the next append or heartbeat. Under a steady stream of writes that is the same; with few writes it saves
   * each follower a message, a Ready and a reply per write, at the price of followers applying (and serving stale
   * reads) up to a heartbeat later. Safety is unaffected: commit is leader knowledge, followers only learn it.
   */
  lazyCommitBroadcast?: boolean;
}

export type ResolvedRaftConfig = Required<RaftConfig>;

export function resolveConfig(c: RaftConfig): ResolvedRaftConfig {
  const r: ResolvedRaftConfig = {
    applied: 0,
    maxSizePerMsg: 1024 * 1024,
    maxEntriesPerMsg: 1024,
    maxCommittedSizePerReady: 16 * 1024 * 1024,
    maxInflightMsgs: 256,
    maxInflightBytes: 0,
    maxUncommittedEntriesSize: 0,
    maxSnapshotChunkBytes: 1024 * 1024,
    checkQuorum: true,
    preVote: true,
    readOnlyOption: 'safe',
    leaseSafetyMarginTicks: 1,
    lazyCommitBroadcast: false,
    ...stripUndefined(c),
  } as ResolvedRaftConfig;
  const bad = (m: string): never => {
    throw new RaftError('INVALID_CONFIG', `invalid raft config: ${m}`);
  };
  if (!Number.isInteger(r.id) || r.id <= 0) bad(`id must be a positive integer, got ${r.id}`);
  if (!(r.heartbeatTick > 0)) bad('heartbeatTick must be > 0');
  if (!(r.electionTick > r.heartbeatTick)) bad('electionTick must be > heartbeatTick');
  if (!(r.maxInflightMsgs > 0)) bad('maxInflightMsgs must be > 0');
  if (!(r.maxEntriesPerMsg > 0)) bad('maxEntriesPerMsg must be > 0');
  if (!(r.maxSnapshotChunkBytes > 0)) bad('maxSnapshotChunkBytes must be > 0');
  if (r.readOnlyOption === 'lease' && !r.checkQuorum) bad("readOnlyOption 'lease' requires checkQuorum");
  if (r.leaseSafetyMarginTicks < 0 || r.leaseSafetyMarginTicks >= r.electionTick) {
    bad('leaseSafetyMarginTicks must be in [0, electionTick)');
  }
  return r;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
