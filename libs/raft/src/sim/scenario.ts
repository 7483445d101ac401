// The randomized parameters of one simulation run, derived from its seed alone (so the seed is the whole bug report).
import { Xoshiro128 } from '../rng.js';
import type { ReadOnlyOption } from '../read-only.js';

export const TICK = 10; // simulated time units per Raft tick

/** Kinds of fault the simulator injects, in the order of `Scenario.faultWeights`. */
export const FAULT_KINDS = [
  'partition',
  'isolate',
  'cut-link',
  'heal',
  'crash',
  'network-quality',
  'membership',
  'transfer',
  'snapshot',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
const BASE_WEIGHTS = [15, 10, 8, 15, 15, 8, 12, 8, 9];

export interface Scenario {
  readonly initialVoters: number;
  /** Ids beyond the initial voters that membership changes may add (ids are never reused). */
  readonly spareIds: number;
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly readOnlyOption: ReadOnlyOption;
  /** Drawn from its own generator (seeded from the run's seed), so adding it kept every older seed's scenario. */
  readonly lazyCommitBroadcast: boolean;
  /**
   * Leaders advance past their own log writes (RawNode.advanceWriting, as RaftNode does when its followers' acks
   * commit first): a leader applies what is committed and takes its next Ready while its writes are still on the
   * disk, which completes them in order. Drawn from its own generator, like lazyCommitBroadcast.
   */
  readonly leaderWritesAhead: boolean;
  readonly maxSizePerMsg: number;
  readonly maxEntriesPerMsg: number;
  readonly maxInflightMsgs: number;
  readonly maxSnapshotChunkBytes: number;
  /** Entries applied between snapshots (Infinity: never snapshot). */
  readonly snapshotInterval: number;
  /** Entries kept in the log behind a snapshot when compacting. */
  readonly compactKeep: number;
  readonly clients: number;
  readonly keys: number;
  /** Client gives up on an operation after this many ticks (outcome unknown). */
  readonly clientTimeoutTicks: number;
  /** Probability per tick of injecting a fault. */
  readonly faultRate: number;
  readonly maxDelay: number;
  /** Max time a sync (fsync of a Ready) takes. */
  readonly maxSyncDelay: number;
  readonly membershipChanges: boolean;
  /**
   * Probability of crashing a leader at the moment its commit index advances: before it can tell anyone, with its
   * newest entries possibly on a minority only (figure-8 territory).
   */
  readonly crashOnCommitRate: number;
  /** Probability of crashing a node at the moment it wins an election, its vote and first entry maybe not durable. */
  readonly crashOnElectRate: number;
  /**
   * Relative frequency of each fault kind. Each seed switches some kinds off and boosts others ("swarm testing"):
   * a run with only crashes and transfers reaches states that a uniform mix rarely does.
   */
  readonly faultWeights: readonly number[];
}

export function drawScenario(rng: Xoshiro128, seed: number): Scenario {
  const initialVoters = rng.pick([1, 3, 3, 3, 3, 5, 5, 5]);
  const checkQuorum = rng.chance(0.8);
  const lease = checkQuorum && rng.chance(0.3);
  const electionTick = rng.range(8, 14);
  return {
    initialVoters,
    spareIds: 4,
    electionTick,
    heartbeatTick: rng.range(1, 3),
    preVote: rng.chance(0.8),
    checkQuorum,
    readOnlyOption: lease ? 'lease' : 'safe',
    lazyCommitBroadcast: new Xoshiro128((seed ^ 0x5bd1e995) >>> 0).chance(0.5),
    leaderWritesAhead: new Xoshiro128((seed ^ 0x2545f491) >>> 0).chance(0.5),
    maxSizePerMsg: rng.pick([64, 256, 1024, 1 << 20]),
    maxEntriesPerMsg: rng.pick([1, 4, 16, 1024]),
    maxInflightMsgs: rng.pick([1, 2, 8, 256]),
    maxSnapshotChunkBytes: rng.pick([16, 64, 256, 1 << 20]),
    snapshotInterval: rng.pick([4, 8, 16, 32, Infinity]),
    compactKeep: rng.pick([0, 2, 8]),
    clients: rng.range(3, 6),
    keys: rng.range(1, 3),
    clientTimeoutTicks: rng.range(1, 3) * electionTick,
    faultRate: rng.pick([0.02, 0.05, 0.1]),
    maxDelay: rng.pick([2, 5, TICK, 2 * TICK]),
    maxSyncDelay: rng.pick([0, 3, TICK, 3 * TICK]),
    membershipChanges: initialVoters > 1 ? rng.chance(0.5) : rng.chance(0.3),
    crashOnCommitRate: rng.pick([0, 0, 0.005, 0.02, 0.05]),
    crashOnElectRate: rng.pick([0, 0.05, 0.2]),
    faultWeights: drawFaultWeights(rng),
  };
}

function drawFaultWeights(rng: Xoshiro128): number[] {
  if (rng.chance(0.5)) return BASE_WEIGHTS; // half the seeds: the plain mix
  const w = BASE_WEIGHTS.map((b) => b * rng.pick([0, 1, 1, 3]));
  return w.some((x) => x > 0) ? w : BASE_WEIGHTS;
}

export function describeScenario(s: Scenario): string {
  return (
    `voters=${s.initialVoters} election=${s.electionTick} heartbeat=${s.heartbeatTick} ` +
    `preVote=${s.preVote} checkQuorum=${s.checkQuorum} reads=${s.readOnlyOption} lazyCommit=${s.lazyCommitBroadcast} ` +
    `writesAhead=${s.leaderWritesAhead} ` +
    `msg=${s.maxSizePerMsg}B/${s.maxEntriesPerMsg} inflight=${s.maxInflightMsgs} chunk=${s.maxSnapshotChunkBytes}B ` +
    `snapEvery=${s.snapshotInterval} keep=${s.compactKeep} clients=${s.clients} keys=${s.keys} ` +
    `faultRate=${s.faultRate} delay<=${s.maxDelay} sync<=${s.maxSyncDelay} membership=${s.membershipChanges} ` +
    `crashOnCommit=${s.crashOnCommitRate} crashOnElect=${s.crashOnElectRate} ` +
    `faults=${FAULT_KINDS.filter((_, i) => s.faultWeights[i]! > 0)
      .map((k) => `${k}:${s.faultWeights[FAULT_KINDS.indexOf(k)]}`)
      .join(',')}`
  );
}
