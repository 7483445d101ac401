// The driver around the pure core: ticks it, feeds it network messages, persists and sends its Readys, applies
// committed entries to the application and completes callers' proposals, reads and membership changes.
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from '@robustmq/common';
import { decodeConfChangeEntry, type ConfChange } from '../conf-change.js';
import type { RaftConfig } from '../config.js';
import { ConfChangeRejectedError, RaftStorageError } from '../errors.js';
import { invariant } from '../invariant.js';
import type { Message } from '../message.js';
import { normalizeConfState } from '../memory-storage.js';
import { RawNode, type WriteInProgress } from '../raw-node.js';
import type { Ready } from '../ready.js';
import { NONE, type ConfState, type Entry, type NodeId, type StateType } from '../types.js';
import { ProposalSupersededError, RaftNodeError } from './errors.js';
import {
  decodeEntryPayload,
  decodeSnapshotPayload,
  encodeAppBatchPayload,
  encodeAppPayload,
  encodeMembersPayload,
  encodeSnapshotPayload,
  type AddressBook,
} from './payload.js';
import type { PersistableReady, PersistContext, RaftLogStore } from './log-store.js';
import type { RaftTransport } from './transport.js';

/** The replicated state machine a RaftNode drives. */
export interface RaftApplication {
  /**
   * Applies application commands (never no-ops or membership entries), in log order; one result per command.
   * Commands proposed together travel in one log entry: they arrive as consecutive items with the same index,
   * always within one call. On a leader they may come before this node's own log write of them is durable (its
   * followers' logs hold them): state the application persists must not land before `whenLogDurable(index)`.
   */
  applyEntries(entries: { index: number; term: number; data: Uint8Array }[]): Promise<unknown[]>;
  /**
   * An image of the applied state; `index` is the last index applied to it. A large image may come as a function
   * producing its bytes (in parts, which the node joins): the image must be fixed when this promise resolves (a
   * point-in-time view), and the node calls the function afterwards, while it goes on applying entries, so the loop
   * never waits for the export.
   */
  snapshot(): Promise<{ index: number; data: Uint8Array | (() => Promise<Uint8Array | Uint8Array[]>) }>;
  /** Replaces the state with `snapshot`'s image. */
  restore(snapshot: { index: number; data: Uint8Array }): Promise<void>;
  /** Last applied index that survives a restart (0 for an in-memory state machine); replay resumes after it. */
  appliedIndex(): number;
}

export interface RaftNodeOptions {
  id: NodeId;
  /** Founding voters (including this node) with their addresses; used to bootstrap an empty log and as the
   * initial address book. */
  peers: readonly { id: NodeId; address: string }[];
  storage: RaftLogStore;
  transport: RaftTransport;
  app: RaftApplication;
  logger: Logger;
  /** Join an existing group (empty log, no bootstrap): the leader adds this node with addVoter/addLearner. */
  join?: boolean;
  tickMs?: number;
  electionTicks?: number;
  heartbeatTicks?: number;
  /** Take a snapshot and compact the log after this many applied entries (default 10000). */
  snapshotEntries?: number;
  /** Entries kept below a snapshot so slightly lagging followers catch up from the log (default 0). */
  compactKeepEntries?: number;
  /** Default timeout of propose/readIndex/membership calls (default 10 s). */
  defaultTimeoutMs?: number;
  /** Extra core settings (preVote, checkQuorum, readOnlyOption, size limits). */
  raft?: Partial<Omit<RaftConfig, 'id' | 'storage' | 'rng' | 'applied' | 'electionTick' | 'heartbeatTick'>>;
}

export type MemberRole = 'voter' | 'learner';

export interface MemberStatus {
  id: NodeId;
  address: string;
  role: MemberRole;
  /** Highest index known replicated to it (only known on the leader). */
  match: number | undefined;
  /** Leader's last index minus match (only known on the leader). */
  lag: number | undefined;
  /**
   * Milliseconds since this node last heard from the member: 0 for itself; on the leader for every member (counted
   * from when it became leader if never heard since); on a follower only for the leader it follows, since followers
   * do not talk to each other (undefined for the rest).
   */
  lastContactMs: number | undefined;
  /** Heard from within an election timeout (undefined where `lastContactMs` is). */
  reachable: boolean | undefined;
}

export interface RaftNodeStatus {
  id: NodeId;
  leaderId: NodeId;
  term: number;
  role: StateType;
  commitIndex: number;
  appliedIndex: number;
  firstIndex: number;
  lastIndex: number;
  snapshotIndex: number;
  members: MemberStatus[];
}

export interface RaftNodeEvents {
  'leader-change': [leaderId: NodeId, term: number];
  /** A committed configuration no longer contains this node. */
  removed: [];
  /** The node hit an unrecoverable error (a violated invariant, a failed disk write) and stopped. */
  fatal: [err: Error];
}

interface Waiter {
  resolve(value: unknown): void;
  reject(err: Error): void;
  deadline: number;
}

interface ProposalWaiter extends Waiter {
  term: number;
}

interface ReadWaiter extends Waiter {
  index?: number;
}

interface QueuedProposal extends Waiter {
  data: Uint8Array;
}

/** One Ready's log write, as the loop follows it. */
interface LogWrite {
  /** The write finished (succeeded or failed). */
  settled: boolean;
}

/** A leader's write that waits for the one in flight (see persistOwn). */
interface QueuedWrite {
  rd: PersistableReady;
  resolve(): void;
  reject(err: Error): void;
}

const LEADING: PersistContext = { leading: true };
/** An apply of nothing (the usual case beside a leader's write): one settled promise for all of them. */
const APPLIED: Promise<void> = Promise.resolve();
const FOLLOWING: PersistContext = { leading: false };

/** Proposals queued during one loop turn go into one log entry, up to these limits. */
const MAX_BATCH_ITEMS = 4096;
const MAX_BATCH_BYTES = 256 * 1024;

export class RaftNode extends EventEmitter<RaftNodeEvents> {
  readonly id: NodeId;
  private readonly raw: RawNode;
  private readonly storage: RaftLogStore;
  private readonly transport: RaftTransport;
  private readonly app: RaftApplication;
  private readonly log: Logger;
  private readonly tickMs: number;
  private readonly electionTimeoutMs: number;
  /** When each peer's last message arrived (Date.now()), for the liveness in status(). */
  private readonly lastHeard = new Map<NodeId, number>();
  /** When this node last became leader (Date.now()). */
  private leaderSince = 0;
  private readonly snapshotEntries: number;
  private readonly compactKeep: number;
  private readonly defaultTimeoutMs: number;
  private readonly members: AddressBook;
  private ticker: NodeJS.Timeout | undefined;

  private applied: number;
  /** Entries at or below this were applied by the application before a restart; they are not handed to it again. */
  private appAppliedFloor = 0;
  /** Membership as of `applied` (what a snapshot taken now must record). */
  private appliedConf: ConfState;
  private lead: NodeId = NONE;
  private role: StateType = 'follower';

  private readonly proposals = new Map<number, ProposalWaiter>();
  /** Proposals not yet handed to the core; each loop turn proposes them together as one entry. */
  private proposeQueue: QueuedProposal[] = [];
  /** Reads not yet handed to the core; they share one ReadIndex round per loop turn. */
  private readQueue: ReadWaiter[] = [];
  private readonly readsInFlight = new Map<string, ReadWaiter[]>();
  /** Reads whose index is known, waiting for apply to reach it. */
  private readsReady: ReadWaiter[] = [];
  private readSeq = 0;
  private compactRequests: Waiter[] = [];
  /** The snapshot being read out and written beside the loop, if any (one at a time). */
  private snapshotting: Promise<void> | undefined;
  /** A log store that cannot compact beside persist() leaves its compaction to the loop, between Readys. */
  private compactionForLoop: (() => Promise<void>) | undefined;
  /**
   * A snapshot from the leader being restored into the application beside the loop, then the entries committed
   * meanwhile being applied after it: while set, applies queue up in `applyQueue` instead of running in the loop.
   */
  private restoring: Promise<void> | undefined;
  /** Snapshot chunks from the leader waiting for the store to write the one before (stepSnapshotChunks). */
  private snapshotChunks: Extract<Message, { type: 'MsgSnap' }>[] = [];
  private snapshotChunkWrite: Promise<void> | undefined;
  private applyQueue: (
    { entries: readonly Entry[] } | { snapshot: { index: number; confState: ConfState; data: Uint8Array } }
  )[] = [];

  /** The last index of the last log write that completed (see whenLogDurable). */
  private durableIndex = 0;
  private durableWaiters: { index: number; resolve(): void; reject(err: Error): void }[] = [];
  /** Set while a leader's own flush is under way: resolved by the input that commits `index` or by `write` settling. */
  private commitWatch: { index: number; write: LogWrite; resolve(): void } | undefined;
  /**
   * The store's write in flight of a leader's Ready that the loop advanced past (persistOwn), and the leader writes
   * asked for meanwhile: they go to the store together once it is done, in order.
   */
  private ownWriting: Promise<void> | undefined;
  private ownQueue: QueuedWrite[] = [];
  /** Settles once the last of those writes is durable and the core was told (RawNode.written); never rejects. */
  private ownWritten: Promise<void> | undefined;
  /** Leader Readys advanced before this node's own write of them was durable (see handleReady). */
  advancedBeforeOwnFlush = 0;
  /** Commands the last flushProposals() handed to the core (1: a lone writer's). */
  private lastProposed = 0;
  /** Writes applied and answered before this leader's own flush of them finished (see applyBeforeOwnFlush). */
  earlyApplies = 0;

  private loopActive = false;
  private loopDone: Promise<void> = Promise.resolve();
  private stopped = false;
  private failure: Error | undefined;

  private constructor(
    opts: RaftNodeOptions,
    raw: RawNode,
    applied: number,
    conf: ConfState,
    members: AddressBook,
  ) {
    super();
    this.id = opts.id;
    this.raw = raw;
    this.storage = opts.storage;
    this.transport = opts.transport;
    this.app = opts.app;
    this.log = opts.logger;
    this.tickMs = opts.tickMs ?? 100;
    this.electionTimeoutMs = (opts.electionTicks ?? 10) * this.tickMs;
    this.snapshotEntries = opts.snapshotEntries ?? 10_000;
    this.compactKeep = opts.compactKeepEntries ?? 0;
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 10_000;
    this.applied = applied;
    this.appliedConf = conf;
    this.members = members;
  }

  static async start(opts: RaftNodeOptions): Promise<RaftNode> {
    const { storage, app } = opts;
    const members: AddressBook = new Map(opts.peers.map((p) => [p.id, p.address]));
    if (storage.isEmpty() && !opts.join) {
      await storage.bootstrap({ voters: opts.peers.map((p) => p.id), learners: [] });
    }
    // Bring the application up to the snapshot if it is behind it (e.g. crashed right after installing one).
    const snap = storage.snapshot();
    let conf = normalizeConfState(snap.metadata.confState);
    if (snap.metadata.index > 0) {
      const { members: book, appData } = decodeSnapshotPayload(snap.data);
      for (const [id, a] of book) members.set(id, a);
      if (app.appliedIndex() < snap.metadata.index) {
        await app.restore({ index: snap.metadata.index, data: appData });
      }
    }
    const appApplied = Math.max(app.appliedIndex(), snap.metadata.index);
    // Commit-only hard state writes are not fsynced (as in etcd), so a durable application may be ahead of the
    // commit index on disk after a crash. Start the core at the durable commit and skip what the app already has.
    const durableCommit = Math.max(storage.hardState().commit, snap.metadata.index);
    const applied = Math.min(appApplied, durableCommit);
    invariant(
      appApplied <= storage.lastIndex(),
      () => `application applied index ${appApplied} is beyond the last log index ${storage.lastIndex()}`,
    );
    if (applied < appApplied) {
      opts.logger.warn(
        { appApplied, durableCommit },
        'application is ahead of the durable commit index; will skip',
      );
    }
    // Addresses and membership from the log (uncommitted address updates are only hints, so taking them is safe).
    const logged =
      storage.lastIndex() >= storage.firstIndex()
        ? storage.entries(storage.firstIndex(), storage.lastIndex() + 1)
        : [];
    for (const e of logged) {
      if (e.type === 'confChange') {
        if (e.index <= applied) conf = decodeConfChangeEntry(e.data).confState;
      } else {
        const p = decodeEntryPayload(e.data);
        if (p.kind === 'members') for (const [id, a] of p.members) members.set(id, a);
      }
    }
    const raw = new RawNode({
      ...opts.raft,
      id: opts.id,
      storage,
      rng: { nextInt: (n: number) => randomInt(n) },
      electionTick: opts.electionTicks ?? 10,
      heartbeatTick: opts.heartbeatTicks ?? 1,
      applied,
    });
    const node = new RaftNode(opts, raw, applied, conf, members);
    node.appAppliedFloor = appApplied;
    node.durableIndex = storage.lastIndex();
    for (const [id, address] of members) if (id !== opts.id) opts.transport.addPeer(id, address);
    opts.transport.onMessage((m) => node.onMessage(m));
    node.ticker = setInterval(() => node.onTick(), node.tickMs);
    node.log.info({ applied, snapshot: snap.metadata.index, last: storage.lastIndex() }, 'raft node started');
    node.schedule();
    return node;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Public API

  get leaderId(): NodeId {
    return this.lead;
  }

  get isLeader(): boolean {
    return this.role === 'leader';
  }

  /**
   * Resolves with the application's result for `data` once this node has applied it. Proposals made in the same
   * loop turn share one log entry (one append and one message per follower for all of them).
   */
  propose(data: Uint8Array, opts: { timeoutMs?: number } = {}): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stoppedError());
    return new Promise((resolve, reject) => {
      this.proposeQueue.push({
        data,
        resolve,
        reject,
        deadline: Date.now() + (opts.timeoutMs ?? this.defaultTimeoutMs),
      });
      this.schedule();
    });
  }

  /** Linearizable barrier: resolves once this node has applied everything committed when the call was made. */
  readIndex(opts: { timeoutMs?: number } = {}): Promise<void> {
    if (this.stopped) return Promise.reject(this.stoppedError());
    return new Promise<void>((resolve, reject) => {
      this.readQueue.push({
        resolve: () => resolve(),
        reject,
        deadline: Date.now() + (opts.timeoutMs ?? this.defaultTimeoutMs),
      });
      this.schedule();
    });
  }

  addVoter(id: NodeId, address: string, opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.changeMembership({ type: 'addNode', nodeId: id }, address, opts.timeoutMs);
  }

  addLearner(id: NodeId, address: string, opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.changeMembership({ type: 'addLearner', nodeId: id }, address, opts.timeoutMs);
  }

  promoteLearner(id: NodeId, opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.changeMembership({ type: 'addNode', nodeId: id }, undefined, opts.timeoutMs);
  }

  removeMember(id: NodeId, opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.changeMembership({ type: 'removeNode', nodeId: id }, undefined, opts.timeoutMs);
  }

  /** Asks the leader to hand over to `to`; resolves once this node sees `to` lead. */
  transferLeadership(to: NodeId, opts: { timeoutMs?: number } = {}): Promise<void> {
    if (this.stopped) return Promise.reject(this.stoppedError());
    if (this.lead === to) return Promise.resolve();
    try {
      this.raw.transferLeadership(to);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    this.schedule();
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      const onChange = (leader: NodeId): void => {
        if (leader !== to) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new RaftNodeError('TIMEOUT', `leadership did not move to node ${to} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('leader-change', onChange);
      };
      this.on('leader-change', onChange);
    });
  }

  /** Snapshots the application now and compacts the log (normally automatic every `snapshotEntries`). */
  compactLog(): Promise<void> {
    if (this.stopped) return Promise.reject(this.stoppedError());
    return new Promise<void>((resolve, reject) => {
      this.compactRequests.push({ resolve: () => resolve(), reject, deadline: Infinity });
      this.schedule();
    });
  }

  status(): RaftNodeStatus {
    const s = this.raw.status();
    const now = Date.now();
    const contact = (id: NodeId): number | undefined => {
      if (id === this.id) return 0;
      const heard = this.lastHeard.get(id);
      if (s.raftState === 'leader') return now - Math.max(heard ?? 0, this.leaderSince);
      return id === s.lead && heard !== undefined ? now - heard : undefined;
    };
    const member = (id: NodeId, role: MemberRole): MemberStatus => {
      const match = id === this.id && s.raftState === 'leader' ? s.lastIndex : s.progress?.get(id)?.match;
      const lastContactMs = contact(id);
      return {
        id,
        address: this.members.get(id) ?? '',
        role,
        match,
        lag: match === undefined ? undefined : s.lastIndex - match,
        lastContactMs,
        reachable: lastContactMs === undefined ? undefined : lastContactMs <= this.electionTimeoutMs,
      };
    };
    return {
      id: this.id,
      leaderId: s.lead,
      term: s.term,
      role: s.raftState,
      commitIndex: s.commit,
      appliedIndex: this.applied,
      firstIndex: s.firstIndex,
      lastIndex: s.lastIndex,
      snapshotIndex: this.storage.snapshot().metadata.index,
      members: [
        ...s.confState.voters.map((id) => member(id, 'voter')),
        ...s.confState.learners.map((id) => member(id, 'learner')),
      ],
    };
  }

  /** Stops ticking and receiving, waits for the Ready in progress, closes the transport; pending calls reject. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.ticker);
    await this.loopDone;
    await this.ownWritesDone();
    // the snapshot in progress reads the application's engine, a restore writes it: let them finish (or fail) before
    // the owner closes that
    this.dropLoopCompaction();
    await this.snapshotting;
    await this.restoring;
    await this.transport.close();
    this.rejectAll(this.stoppedError());
    this.log.info('raft node stopped');
  }

  // ------------------------------------------------------------------------------------------------------------
  // Inputs

  private onMessage(m: Message): void {
    if (this.stopped) return;
    this.lastHeard.set(m.from, Date.now());
    if (m.type === 'MsgSnap' && this.storage.stageSnapshotChunk) {
      this.snapshotChunks.push(m);
      this.stepSnapshotChunks();
      return;
    }
    this.guard(() => this.raw.step(m));
    const watch = this.commitWatch;
    if (watch && this.raw.raft.log.committed >= watch.index) this.endCommitWatch(watch.write);
    this.schedule();
  }

  /**
   * Chunks of a snapshot from the leader: each is stepped, and handed to the log store when the core took it in order,
   * so the store writes the image as it arrives (beside the loop) instead of all at once when the Ready installs it.
   * The next chunk is stepped only once the store wrote the previous one: its acknowledgement (MsgSnapStatus) waits
   * too, so the leader sends no faster than this disk writes, and the install's Ready — the loop waits for it before
   * it answers anyone again — has only the last chunk left to write. Other messages are stepped meanwhile.
   */
  private stepSnapshotChunks(): void {
    while (!this.stopped && !this.snapshotChunkWrite && this.snapshotChunks.length > 0) {
      const m = this.snapshotChunks.shift()!;
      const before = this.raw.raft.receivingSnapshot();
      const sizeBefore = before?.size ?? 0;
      this.guard(() => this.raw.step(m));
      const after = this.raw.raft.receivingSnapshot();
      // (the last chunk ends the transfer and leaves nothing here: persist() writes it with the Ready)
      if (
        after !== undefined &&
        m.data.byteLength > 0 &&
        (after === before ? sizeBefore : 0) === m.offset &&
        after.size === m.offset + m.data.byteLength
      ) {
        const { index, term } = after.metadata;
        const written = this.storage.stageSnapshotChunk!(
          { leaderTerm: after.leaderTerm, index, term },
          m.offset,
          m.data,
        );
        if (written) {
          this.snapshotChunkWrite = written.then(() => {
            this.snapshotChunkWrite = undefined;
            this.stepSnapshotChunks();
          });
        }
      }
    }
    this.schedule();
  }

  private onTick(): void {
    if (this.stopped) return;
    this.guard(() => this.raw.tick());
    this.expireWaiters();
    this.schedule();
  }

  /** Errors from the core are invariant violations or bugs: stop rather than carry on with a corrupt state. */
  private guard(f: () => void): void {
    try {
      f();
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.log.error({ err }, 'raft node failed; stopping');
    this.stopped = true;
    clearInterval(this.ticker);
    this.rejectAll(err);
    for (const w of this.durableWaiters) w.reject(err);
    this.durableWaiters = [];
    const queued = this.ownQueue;
    this.ownQueue = [];
    for (const w of queued) w.reject(err);
    this.dropLoopCompaction();
    void this.transport.close();
    this.emit('fatal', err);
  }

  private async changeMembership(
    cc: ConfChange,
    address: string | undefined,
    timeoutMs?: number,
  ): Promise<void> {
    if (this.stopped) throw this.stoppedError();
    const deadline = Date.now() + (timeoutMs ?? this.defaultTimeoutMs);
    let announced = false;
    while (true) {
      // Not being the leader surfaces as the core's NotLeaderError from propose/proposeConfChange.
      if (address !== undefined && !announced) {
        // The address travels through the log ahead of the change, so every member (and a snapshot) knows it.
        const book = new Map(this.members);
        book.set(cc.nodeId, address);
        this.raw.propose(encodeMembersPayload(book));
        this.members.set(cc.nodeId, address);
        this.transport.addPeer(cc.nodeId, address);
        announced = true;
      }
      try {
        const r = this.raw.proposeConfChange(cc);
        await this.waitApplied(r.index, r.term, deadline - Date.now());
        return;
      } catch (err) {
        const retriable = err instanceof ConfChangeRejectedError && err.reason !== 'invalid';
        if (!retriable || Date.now() + this.tickMs > deadline) throw err;
        this.schedule();
        await new Promise((r) => setTimeout(r, this.tickMs));
      }
    }
  }

  private waitApplied(index: number, term: number, timeoutMs?: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.addProposal(index, {
        term,
        resolve,
        reject,
        deadline: Date.now() + (timeoutMs ?? this.defaultTimeoutMs),
      });
      this.schedule();
    });
  }

  private addProposal(index: number, waiter: ProposalWaiter): void {
    // An older proposal at this index can only be one whose entry was replaced and is not applied yet.
    this.proposals
      .get(index)
      ?.reject(
        new RaftNodeError(
          'OUTCOME_UNKNOWN',
          `log index ${index} was reused before the proposal there was applied`,
        ),
      );
    this.proposals.set(index, waiter);
  }

  /** Hands the queued proposals to the core, as few entries as the batch limits allow. */
  private flushProposals(): void {
    const queue = this.proposeQueue;
    this.lastProposed = queue.length;
    if (queue.length === 0) return;
    this.proposeQueue = [];
    let start = 0;
    while (start < queue.length) {
      let end = start + 1;
      let bytes = queue[start]!.data.byteLength;
      while (
        end < queue.length &&
        end - start < MAX_BATCH_ITEMS &&
        bytes + queue[end]!.data.byteLength <= MAX_BATCH_BYTES
      ) {
        bytes += queue[end]!.data.byteLength;
        end++;
      }
      const group = queue.slice(start, end);
      start = end;
      let r;
      try {
        r = this.raw.propose(
          group.length === 1
            ? encodeAppPayload(group[0]!.data)
            : encodeAppBatchPayload(group.map((p) => p.data)),
        );
      } catch (err) {
        for (const p of group) p.reject(err as Error);
        continue;
      }
      if (group.length === 1) {
        this.addProposal(r.index, { ...group[0]!, term: r.term });
        continue;
      }
      // one waiter for the entry; the application returns one result per command, handed out in order
      this.addProposal(r.index, {
        term: r.term,
        deadline: Math.min(...group.map((p) => p.deadline)),
        resolve: (results) => group.forEach((p, k) => p.resolve((results as unknown[])[k])),
        reject: (err) => group.forEach((p) => p.reject(err)),
      });
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // The Ready loop

  /**
   * Runs the loop once the current callback returns (a microtask) if it is idle; work arriving while it runs is picked
   * up by its next iteration. Not a setImmediate: the loop's sends (HTTP/2 writes are native immediates) then leave in
   * this event-loop turn's check phase instead of the next turn's, after whatever the next poll brings in (the second
   * follower's acknowledgement, a heartbeat); a lone client's write paid that turn twice on the leader, once for its
   * appends and once for its reply. Inputs of one callback (the messages of one socket read) still share a Ready.
   */
  private schedule(): void {
    if (this.loopActive || this.stopped) return;
    this.loopActive = true;
    this.loopDone = Promise.resolve().then(() => this.runLoop());
  }

  private async runLoop(): Promise<void> {
    try {
      while (!this.stopped) {
        this.flushProposals();
        this.issueReads();
        if ((this.compactionForLoop || this.compactRequests.length > 0) && this.ownWritten) {
          // a snapshot is taken of what this log holds durably, a compaction cuts it: let it catch up first
          await this.ownWritesDone();
          continue;
        }
        if (this.compactionForLoop) {
          const compaction = this.compactionForLoop;
          this.compactionForLoop = undefined;
          await compaction();
          continue;
        }
        if (!this.snapshotting && !this.restoring && this.compactRequests.length > 0) {
          const requests = this.compactRequests;
          this.compactRequests = [];
          await this.startSnapshot(requests);
          continue;
        }
        if (!this.raw.hasReady()) break;
        await this.handleReady(this.raw.ready());
        if (
          !this.snapshotting &&
          !this.restoring &&
          this.applied - this.storage.snapshot().metadata.index >= this.snapshotEntries
        ) {
          await this.ownWritesDone();
          await this.startSnapshot([]);
        }
      }
    } catch (err) {
      this.fail(err as Error);
    } finally {
      this.loopActive = false;
    }
  }

  private async handleReady(rd: Ready): Promise<void> {
    if (rd.softState) this.onSoftState(rd.softState.lead, rd.softState.raftState);
    for (const rs of rd.readStates) {
      const key = Buffer.from(rs.requestCtx).toString('hex');
      const ws = this.readsInFlight.get(key);
      if (!ws) continue;
      this.readsInFlight.delete(key);
      for (const w of ws) {
        w.index = rs.index;
        this.readsReady.push(w);
      }
    }
    // A leader's Ready of its own entries (no snapshot, no new term or vote, nothing to send after it) may be
    // advanced before this node's own write of it is durable; anything else is written after such writes are.
    const own = this.raw.raft.state === 'leader' && this.raw.canAdvanceWriting();
    if (!own) await this.ownWritesDone();
    // 1. Messages that do not depend on this Ready's writes go out at once, overlapping the disk write.
    this.transport.send(rd.messages);
    // 2. One atomic (group-committed) write. Committed entries that were already durable before it (always the
    // case on a follower) are applied meanwhile: the commit latency then pays for one fsync per Ready instead of two.
    // A leader applies whatever is committed (a quorum of logs holds it; see applyBeforeOwnFlush).
    const durable = own ? Infinity : rd.snapshot ? 0 : this.storage.lastIndex();
    let split = 0;
    while (split < rd.committedEntries.length && rd.committedEntries[split]!.index <= durable) split++;
    const early =
      split === rd.committedEntries.length ? rd.committedEntries : rd.committedEntries.slice(0, split);
    if (rd.messages.length > 0 && (rd.entries.length > 0 || rd.snapshot)) {
      // The messages above leave in the coming check phase (HTTP/2 writes are native immediates, which run before the
      // JavaScript ones): let them out before this thread writes its own record, hands its fdatasync to the pool or
      // blocks in it, so that the followers' appends start first and overlap ours (etcd's leader, too, sends while its
      // WAL write is under way: etcd-io/raft doc.go, "Usage", step 2, and the Raft thesis §10.2.1).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const lastEntry = rd.entries.length > 0 ? rd.entries[rd.entries.length - 1]!.index : undefined;
    const persisted = own
      ? this.persistOwn(rd)
      : this.storage.persist(rd, this.role === 'leader' ? LEADING : FOLLOWING);
    const written = lastEntry ?? rd.snapshot?.metadata.index;
    // settled from the write itself, not from this loop: an apply in this loop may wait for it (whenLogDurable)
    const write: LogWrite = { settled: false };
    persisted.then(
      () => {
        write.settled = true;
        if (written !== undefined) this.markDurable(written);
        this.endCommitWatch(write);
      },
      () => {
        write.settled = true;
        this.endCommitWatch(write);
      },
    );
    // (a leader's Ready of a new entry usually has nothing committed to apply: no promise to make then)
    const appliedEarly = early.length > 0 ? this.apply(early) : APPLIED;
    if (this.role === 'leader' && lastEntry !== undefined)
      await this.applyBeforeOwnFlush(rd.entries, appliedEarly, write);
    if (
      own &&
      !write.settled &&
      (lastEntry === undefined || (this.applied >= lastEntry && this.lastProposed <= 1))
    ) {
      // Everything this Ready appended is committed by the followers' acks and applied (or it appended nothing), and
      // it held one caller's command: the next Ready — a lone client's next write, which comes only after this answer
      // — need not wait for this node's own flush. Its entries are written after these (persistOwn), and the core
      // counts this node's acknowledgement only once they are durable (etcd-io/raft's asynchronous storage writes,
      // for the leader). With many writers (commands proposed together) the loop still waits for the flush: what
      // arrives meanwhile then goes as one entry, one append per follower and one flush, which carries their throughput.
      await appliedEarly;
      const handle = this.raw.advanceWriting();
      if (lastEntry !== undefined) this.advancedBeforeOwnFlush++;
      this.ownWritten = persisted.then(
        () => this.ownWriteDurable(rd, handle),
        (err: Error) => this.fail(err),
      );
      this.serveReads();
      return;
    }
    if (appliedEarly === APPLIED) await persisted;
    else await settleFirst(persisted, appliedEarly);
    this.learnAddresses(rd.entries);
    // 3. Acknowledgements of what we just persisted: they wait for the disk only, not for the apply beside it (a
    // follower's ack is what a write waits for; etcd sends it while its apply goroutine is still busy, too).
    this.transport.send(rd.messagesAfterPersist);
    await appliedEarly;
    // 4. Apply the rest. A snapshot from the leader is restored beside the loop (a large image takes seconds): the
    // loop goes on answering heartbeats and appending (and acknowledging) entries, which need the log only; what
    // commits meanwhile is applied after the restore, in order. Reads wait for the applied index as always.
    if (rd.snapshot) {
      const { index, confState } = rd.snapshot.metadata;
      this.applyQueue.push({ snapshot: { index, confState, data: rd.snapshot.data } });
      this.restoring ??= this.runApplyQueue();
    }
    if (split < rd.committedEntries.length) await this.apply(rd.committedEntries.slice(split));
    this.serveReads();
    // 5.
    this.raw.advance();
  }

  /** A leader's write that the loop advanced past is durable: the core may count this node's acknowledgement. */
  private ownWriteDurable(rd: Ready, handle: WriteInProgress): void {
    if (this.stopped) return;
    this.learnAddresses(rd.entries);
    this.guard(() => this.raw.written(handle));
    this.schedule();
  }

  /**
   * A leader Ready's write, after the leader writes still in flight: the ones asked for while one is out go to the
   * store as one write when it is done (a slow flush delays the leader's own log, never the next write's appends).
   */
  private persistOwn(rd: PersistableReady): Promise<void> {
    if (this.ownWriting)
      return new Promise<void>((resolve, reject) => this.ownQueue.push({ rd, resolve, reject }));
    return this.startOwnWrite(rd);
  }

  private startOwnWrite(rd: PersistableReady): Promise<void> {
    let p: Promise<void>;
    try {
      p = this.failure ? Promise.reject(this.failure) : this.storage.persist(rd, LEADING);
    } catch (err) {
      p = Promise.reject(err as Error);
    }
    const writing = p;
    this.ownWriting = writing;
    const next = (failed?: Error): void => {
      if (this.ownWriting !== writing) return;
      this.ownWriting = undefined;
      const queue = this.ownQueue;
      if (queue.length === 0) return;
      this.ownQueue = [];
      // After a failed write the log's durable content is unknown: what was queued behind it is never written (its
      // entries would follow a hole, and whenLogDurable would count them durable); the node fails with that error.
      if (failed) {
        for (const w of queue) w.reject(failed);
        return;
      }
      this.startOwnWrite(mergeWrites(queue.map((w) => w.rd))).then(
        () => {
          for (const w of queue) w.resolve();
        },
        (err: Error) => {
          for (const w of queue) w.reject(err);
        },
      );
    };
    writing.then(
      () => next(),
      (err: Error) => next(err),
    );
    return writing;
  }

  /** Resolves once every leader write the loop advanced past is durable and the core knows it. */
  private async ownWritesDone(): Promise<void> {
    while (this.ownWritten) {
      const last = this.ownWritten;
      await last;
      if (this.ownWritten === last) this.ownWritten = undefined;
    }
  }

  /**
   * A leader's own log write is one vote of the quorum, not a precondition of commit: when the followers' acks commit
   * `entries` while this node's flush of them is still under way (its fdatasync queued behind other I/O), they are
   * applied and their callers answered now instead of after the flush. Safe because they are committed on a quorum
   * of other logs and a leader's log does not change within its term; only the application's own persistence must
   * not get ahead of this log, which `whenLogDurable` is for. etcd-io/raft's leader, too, may commit on followers'
   * acks before its own append is durable (the self-ack is just one MsgAppResp, raft.go appendEntry; doc.go
   * "Usage", step 2), though it applies only after its own write.
   */
  private async applyBeforeOwnFlush(
    entries: readonly Entry[],
    appliedEarly: Promise<void>,
    write: LogWrite,
  ): Promise<void> {
    const first = entries[0]!.index;
    const last = entries[entries.length - 1]!.index;
    const term = this.raw.raft.term;
    // one promise per leader Ready, settled by whichever comes first: an input committing `first` (onMessage) or the
    // write settling (handleReady's persisted.then)
    if (this.raw.raft.log.committed < first && !write.settled) {
      await new Promise<void>((resolve) => {
        this.commitWatch = { index: first, write, resolve };
      });
    }
    const raft = this.raw.raft;
    if (write.settled || raft.state !== 'leader' || raft.term !== term) return;
    // what committed before (applied beside the write) goes first, in log order
    if (appliedEarly !== APPLIED && !(await appliedEarly.then(yes, no))) return;
    // (a restore beside the loop applies in its own order: entries wait for it)
    if (write.settled || this.stopped || this.restoring || raft.term !== term || this.applied + 1 < first)
      return;
    const upTo = Math.min(raft.log.committed, last);
    if (upTo < first) return;
    this.earlyApplies++;
    await this.applyCommitted(upTo === last ? entries : entries.slice(0, upTo - first + 1));
    this.serveReads();
  }

  /** Wakes applyBeforeOwnFlush: `write` settled (or an input committed what it waits for). */
  private endCommitWatch(write: LogWrite): void {
    const watch = this.commitWatch;
    if (watch === undefined || watch.write !== write) return;
    this.commitWatch = undefined;
    watch.resolve();
  }

  /** Resolves once this node's log holds `index` durably (at once when it already does). */
  whenLogDurable(index: number): Promise<void> | undefined {
    if (index <= this.durableIndex) return undefined;
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => this.durableWaiters.push({ index, resolve, reject }));
  }

  private markDurable(index: number): void {
    // the last index of what was just written: a write after a truncation may lower it
    this.durableIndex = index;
    if (this.durableWaiters.length === 0) return;
    const still: typeof this.durableWaiters = [];
    for (const w of this.durableWaiters) {
      if (w.index <= index) w.resolve();
      else still.push(w);
    }
    this.durableWaiters = still;
  }

  private onSoftState(lead: NodeId, role: StateType): void {
    const leaderChanged = lead !== this.lead;
    if (role === 'leader' && this.role !== 'leader') this.leaderSince = Date.now();
    this.role = role;
    this.lead = lead;
    if (!leaderChanged) return;
    this.log.info({ leader: lead, term: this.raw.raft.term, role }, 'raft leader changed');
    // Reads sent to the old leader may never be answered: ask again under the new one.
    for (const ws of this.readsInFlight.values()) this.readQueue.push(...ws);
    this.readsInFlight.clear();
    this.emit('leader-change', lead, this.raw.raft.term);
  }

  private learnAddresses(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.type !== 'normal' || e.data.byteLength === 0) continue;
      const p = decodeEntryPayload(e.data);
      if (p.kind !== 'members') continue;
      for (const [id, address] of p.members) {
        this.members.set(id, address);
        if (id !== this.id) this.transport.addPeer(id, address);
      }
    }
  }

  private async installSnapshot(index: number, confState: ConfState, data: Uint8Array): Promise<void> {
    const { members, appData } = decodeSnapshotPayload(data);
    await this.app.restore({ index, data: appData });
    invariant(index > this.applied, () => `snapshot ${index} is not ahead of applied ${this.applied}`);
    this.applied = index;
    this.appliedConf = normalizeConfState(confState);
    for (const [id, address] of members) {
      this.members.set(id, address);
      if (id !== this.id) this.transport.addPeer(id, address);
    }
    // We skipped the log up to `index`: whether our proposals below it took effect is unknown here.
    for (const [i, w] of this.proposals) {
      if (i > index) continue;
      this.proposals.delete(i);
      w.reject(
        new RaftNodeError(
          'OUTCOME_UNKNOWN',
          `a snapshot at ${index} replaced the log; the outcome of the proposal at ${i} is unknown`,
        ),
      );
    }
    this.log.info({ index }, 'installed raft snapshot');
  }

  /** Applies committed entries now, or after the restore in progress (queued in order). */
  private apply(entries: readonly Entry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    if (!this.restoring) return this.applyCommitted(entries);
    this.applyQueue.push({ entries });
    return Promise.resolve();
  }

  /** Restores the queued snapshot(s) and applies what queued behind them, beside the loop, until the queue is empty. */
  private async runApplyQueue(): Promise<void> {
    try {
      for (let task = this.applyQueue.shift(); task && !this.stopped; task = this.applyQueue.shift()) {
        if ('snapshot' in task) {
          const started = Date.now();
          await this.installSnapshot(task.snapshot.index, task.snapshot.confState, task.snapshot.data);
          this.log.info({ index: task.snapshot.index, ms: Date.now() - started }, 'raft snapshot restored');
        } else await this.applyCommitted(task.entries);
        this.serveReads();
      }
    } catch (err) {
      this.fail(err as Error);
    } finally {
      this.applyQueue = [];
      this.restoring = undefined;
      this.schedule();
    }
  }

  private async applyCommitted(entries: readonly Entry[]): Promise<void> {
    let i = 0;
    while (i < entries.length) {
      const e = entries[i]!;
      if (e.index <= this.applied) {
        i++;
        continue;
      }
      invariant(e.index === this.applied + 1, () => `applying ${e.index} after ${this.applied}`);
      if (e.type === 'confChange') {
        this.applyConfChange(e);
        this.complete(e, undefined);
        this.applied = e.index;
        i++;
        continue;
      }
      const p = decodeEntryPayload(e.data);
      if (p.kind !== 'app' && p.kind !== 'batch') {
        if (p.kind === 'members') this.learnAddresses([e]);
        this.complete(e, undefined);
        this.applied = e.index;
        i++;
        continue;
      }
      // A run of application entries goes to the application in one call; a batched entry adds all its commands.
      const run: { index: number; term: number; data: Uint8Array }[] = [];
      /** Per entry of the run: how many commands it holds (0 = a single command, not a batch). */
      const shape: number[] = [];
      let j = i;
      while (j < entries.length && entries[j]!.type === 'normal') {
        const ej = entries[j]!;
        const pj = j === i ? p : decodeEntryPayload(ej.data);
        if (pj.kind !== 'app' && pj.kind !== 'batch') break;
        // Keep already-applied (pre-restart) entries and new ones in separate runs.
        if (run.length > 0 && ej.index <= this.appAppliedFloor !== run[0]!.index <= this.appAppliedFloor)
          break;
        if (pj.kind === 'app') {
          run.push({ index: ej.index, term: ej.term, data: pj.data });
          shape.push(0);
        } else {
          for (const data of pj.items) run.push({ index: ej.index, term: ej.term, data });
          shape.push(pj.items.length);
        }
        j++;
      }
      const skip = run.length > 0 && run[0]!.index <= this.appAppliedFloor;
      const results = skip ? run.map(() => undefined) : await this.app.applyEntries(run);
      invariant(
        results.length === run.length,
        () => `application returned ${results.length} results for ${run.length} commands`,
      );
      let at = 0;
      for (let k = 0; k < shape.length; k++) {
        const n = shape[k]!;
        this.complete(entries[i + k]!, n === 0 ? results[at] : results.slice(at, at + n));
        at += Math.max(n, 1);
      }
      this.applied = entries[j - 1]!.index;
      i = j;
    }
  }

  private applyConfChange(e: Entry): void {
    const cc = decodeConfChangeEntry(e.data);
    const before = this.appliedConf;
    this.appliedConf = normalizeConfState(cc.confState);
    const now = new Set([...this.appliedConf.voters, ...this.appliedConf.learners]);
    for (const id of [...before.voters, ...before.learners]) {
      if (now.has(id)) continue;
      if (id === this.id) {
        this.log.warn({ index: e.index }, 'this node was removed from the raft group');
        this.emit('removed');
      } else {
        this.transport.removePeer(id);
        this.members.delete(id);
      }
    }
    this.log.info(
      { index: e.index, change: cc.change, conf: this.appliedConf },
      'applied raft membership change',
    );
  }

  /** Settles the proposal waiting on `e.index`, if any: it took effect iff `e` has the term it was proposed in. */
  private complete(e: Entry, result: unknown): void {
    const w = this.proposals.get(e.index);
    if (!w) return;
    this.proposals.delete(e.index);
    if (w.term === e.term) w.resolve(result);
    else w.reject(new ProposalSupersededError(e.index, w.term, e.term));
  }

  private issueReads(): void {
    if (this.readQueue.length === 0) return;
    const waiters = this.readQueue;
    this.readQueue = [];
    const ctx = Buffer.allocUnsafe(12);
    ctx.writeUInt32BE(this.id >>> 0, 0);
    ctx.writeDoubleBE(++this.readSeq, 4);
    try {
      this.raw.readIndex(ctx);
    } catch (err) {
      for (const w of waiters) w.reject(err as Error);
      return;
    }
    this.readsInFlight.set(ctx.toString('hex'), waiters);
  }

  private serveReads(): void {
    if (this.readsReady.length === 0) return;
    const still: ReadWaiter[] = [];
    for (const w of this.readsReady) {
      if (w.index! <= this.applied) w.resolve(undefined);
      else still.push(w);
    }
    this.readsReady = still;
  }

  /**
   * Takes the application's image at the applied index (in the loop: nothing applies meanwhile) and leaves reading
   * it out, encoding it and compacting the log to a task beside the loop: with a large state that takes seconds,
   * and a loop waiting for it sends no appends, acks or heartbeats, so followers would start elections.
   */
  private async startSnapshot(requests: Waiter[]): Promise<void> {
    const settle = (err?: Error): void => {
      for (const r of requests) {
        if (err) r.reject(err);
        else r.resolve(undefined);
      }
    };
    if (this.applied <= this.storage.snapshot().metadata.index) {
      settle();
      return;
    }
    const started = Date.now();
    let image;
    try {
      image = await this.app.snapshot();
    } catch (err) {
      settle(err as Error);
      throw err;
    }
    // The application sees only its own entries, so it may report a lower index; its state is the same.
    invariant(
      image.index <= this.applied,
      () => `application snapshot ${image.index} is ahead of applied ${this.applied}`,
    );
    const index = this.applied;
    const confState = this.appliedConf;
    const members: AddressBook = new Map(this.members);
    const data = image.data;
    this.snapshotting = (async () => {
      try {
        const appData = typeof data === 'function' ? await data() : data;
        const payload = await encodeSnapshotPayload(members, appData);
        const compactTo = Math.max(index - this.compactKeep, 0);
        const compacted = await this.compactLogTo(index, payload, confState, compactTo);
        if (!compacted && this.stopped) throw this.stoppedError();
        if (compacted)
          this.log.info(
            {
              index,
              compactedTo: this.storage.firstIndex() - 1,
              bytes: payload.byteLength,
              ms: Date.now() - started,
            },
            'raft log compacted',
          );
        settle();
      } catch (err) {
        settle(err as Error);
        if (!this.stopped) this.fail(err as Error);
        else if (!this.failure) this.log.debug({ err }, 'raft snapshot abandoned at stop');
      } finally {
        this.snapshotting = undefined;
        this.schedule();
      }
    })();
  }

  /** A stopped loop will not run the compaction it was left: settle it as not done. */
  private dropLoopCompaction(): void {
    const compaction = this.compactionForLoop;
    this.compactionForLoop = undefined;
    void compaction?.();
  }

  /**
   * Records the snapshot and compacts the log, beside the loop when the store allows it, else in the loop. False
   * when a newer snapshot (one installed from the leader meanwhile) made this one pointless.
   */
  private async compactLogTo(
    index: number,
    data: Uint8Array,
    confState: ConfState,
    compactTo: number,
  ): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      if (this.stopped || this.storage.snapshot().metadata.index >= index) return false;
      try {
        await this.storage.compact(index, data, confState, compactTo);
        return true;
      } catch (err) {
        if (err instanceof RaftStorageError && err.code === 'SNAPSHOT_OUT_OF_DATE') return false;
        throw err;
      }
    };
    if (this.storage.compactsBesidePersist) return run();
    return new Promise<boolean>((resolve, reject) => {
      this.compactionForLoop = () => run().then(resolve, reject);
      this.schedule();
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Waiter bookkeeping

  private expireWaiters(): void {
    const now = Date.now();
    for (const [i, w] of this.proposals) {
      if (w.deadline > now) continue;
      this.proposals.delete(i);
      w.reject(
        new RaftNodeError('TIMEOUT', `proposal at index ${i} not applied in time; its outcome is unknown`),
      );
    }
    const expire = (ws: ReadWaiter[]): ReadWaiter[] =>
      ws.filter((w) => {
        if (w.deadline > now) return true;
        w.reject(new RaftNodeError('TIMEOUT', 'read index not confirmed in time'));
        return false;
      });
    this.readQueue = expire(this.readQueue);
    this.readsReady = expire(this.readsReady);
    for (const [k, ws] of this.readsInFlight) {
      const left = expire(ws);
      if (left.length === 0) this.readsInFlight.delete(k);
      else this.readsInFlight.set(k, left);
    }
  }

  private rejectAll(err: Error): void {
    for (const w of this.proposals.values()) w.reject(err);
    this.proposals.clear();
    for (const p of this.proposeQueue) p.reject(err);
    this.proposeQueue = [];
    for (const w of [...this.readQueue, ...this.readsReady, ...this.compactRequests]) w.reject(err);
    for (const ws of this.readsInFlight.values()) for (const w of ws) w.reject(err);
    this.readQueue = [];
    this.readsReady = [];
    this.compactRequests = [];
    this.readsInFlight.clear();
  }

  private stoppedError(): Error {
    return this.failure ?? new RaftNodeError('STOPPED', `raft node ${this.id} is stopped`);
  }
}

/**
 * Waits for `first`; if it fails, waits for `other` to settle too before throwing (never leaves it running behind a
 * rejection). A failure of `other` is left to whoever awaits it next.
 */
const yes = (): boolean => true;
const no = (): boolean => false;

/** Leader writes queued behind one in flight, as one write (consecutive appends of one term; the last hard state). */
function mergeWrites(rds: readonly PersistableReady[]): PersistableReady {
  if (rds.length === 1) return rds[0]!;
  let hardState: PersistableReady['hardState'];
  const entries: Entry[] = [];
  let mustSync = false;
  for (const rd of rds) {
    for (const e of rd.entries) entries.push(e);
    if (rd.hardState) hardState = rd.hardState;
    mustSync ||= rd.mustSync;
  }
  return { entries, mustSync, ...(hardState ? { hardState } : {}) };
}

async function settleFirst(first: Promise<void>, other: Promise<void>): Promise<void> {
  // reported by the caller's own await of `other`; not an unhandled rejection meanwhile
  other.catch(() => undefined);
  try {
    await first;
  } catch (err) {
    await other.catch(() => undefined);
    throw err;
  }
}
