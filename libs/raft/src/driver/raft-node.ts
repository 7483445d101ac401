// Runs one Raft member for real: glues the pure core (RawNode) to RocksDB storage, the gRPC transport, a clock and
// the application's state machine. One Ready is processed at a time, in the order ready.ts prescribes; proposals
// and messages that arrive meanwhile accumulate in the core and go out together in the next Ready, so many
// proposals share one synced write (group commit) and one network batch per peer.
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from '@robustmq/common';
import { decodeConfChangeEntry, type ConfChange } from '../conf-change.js';
import { NotLeaderError, ProposalDroppedError } from '../errors.js';
import { invariant } from '../invariant.js';
import type { Message } from '../message.js';
import { RawNode } from '../raw-node.js';
import type { Ready } from '../ready.js';
import { Xoshiro128 } from '../rng.js';
import type { ConfState, Entry, NodeId, StateType } from '../types.js';
import type { RaftTransport, RaftTransportServer } from './grpc-transport.js';
import type { RocksDbRaftStorage } from './rocksdb-storage.js';

/** The replicated state machine a RaftNode drives. */
export interface RaftApplication {
  /** Applies committed normal entries with data, in log order; returns one result per entry. */
  applyEntries(entries: readonly Entry[]): Promise<unknown[]>;
  /** An image of the applied state, at the applied index. */
  snapshot(): Promise<{ index: number; data: Uint8Array }>;
  /** Replaces the applied state with a snapshot's. */
  restore(snapshot: { index: number; data: Uint8Array }): Promise<void>;
  /** The durable applied index: after a restart, entries after it are applied again. */
  appliedIndex(): number;
}

export interface RaftNodeOptions {
  id: NodeId;
  group: string;
  storage: RocksDbRaftStorage;
  transport: RaftTransport;
  server: RaftTransportServer;
  app: RaftApplication;
  tickMs?: number;
  electionTicks?: number;
  heartbeatTicks?: number;
  /** take a snapshot and compact the log after this many applied entries. */
  snapshotEntries?: number;
  logger?: Logger;
}

export class RaftTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not complete within ${ms} ms (no quorum reachable, or an election is running)`);
    this.name = 'RaftTimeoutError';
  }
}

interface PendingProposal {
  term: number;
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

interface PendingRead {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  index?: number;
}

export interface RaftNodeStatus {
  id: NodeId;
  leaderId: NodeId;
  term: number;
  role: StateType;
  commitIndex: number;
  appliedIndex: number;
  lastIndex: number;
  confState: ConfState;
  progress?: { id: NodeId; match: number; lag: number; isLearner: boolean }[];
}

export class RaftNode extends EventEmitter {
  private readonly raw: RawNode;
  private readonly proposals = new Map<number, PendingProposal>();
  private readonly reads = new Map<string, PendingRead>();
  private readonly waitingReads: PendingRead[] = [];
  private ticker: NodeJS.Timeout | undefined;
  private processing = false;
  private again = false;
  private stopped = false;
  private applied: number;
  private appliedConf: ConfState;
  private lastSnapshotIndex: number;
  private leader = 0;
  private role: StateType = 'follower';
  private readSeq = 0;
  private failure: Error | undefined;

  private constructor(private readonly options: RaftNodeOptions) {
    super();
    const { storage, app } = options;
    this.applied = Math.max(app.appliedIndex(), storage.snapshot().metadata.index);
    this.lastSnapshotIndex = storage.snapshot().metadata.index;
    // membership as of the applied index: the snapshot's, plus changes in the log up to what was applied
    let conf = storage.snapshot().metadata.confState;
    const first = storage.firstIndex();
    if (this.applied >= first) {
      for (const e of storage.entries(first, Math.min(this.applied, storage.lastIndex()) + 1)) {
        if (e.type === 'confChange') conf = decodeConfChangeEntry(e.data).confState;
      }
    }
    this.appliedConf = conf;
    this.raw = new RawNode({
      id: options.id,
      storage,
      rng: new Xoshiro128(randomInt(2 ** 31)),
      electionTick: options.electionTicks ?? 10,
      heartbeatTick: options.heartbeatTicks ?? 1,
      applied: this.applied,
      checkQuorum: true,
      preVote: true,
      maxInflightMsgs: 512,
    });
  }

  static async start(options: RaftNodeOptions): Promise<RaftNode> {
    const node = new RaftNode(options);
    options.server.register(options.group, (messages) => node.receive(messages));
    node.ticker = setInterval(() => {
      node.raw.tick();
      node.schedule();
    }, options.tickMs ?? 100);
    node.ticker.unref();
    node.schedule();
    return node;
  }

  get id(): NodeId {
    return this.options.id;
  }

  get leaderId(): NodeId {
    return this.leader;
  }

  get isLeader(): boolean {
    return this.role === 'leader';
  }

  private receive(messages: Message[]): void {
    if (this.stopped) return;
    for (const m of messages) {
      if (m.to !== this.options.id) continue;
      try {
        this.raw.step(m);
      } catch (err) {
        this.options.logger?.warn({ err, type: m.type, from: m.from }, 'raft message rejected');
      }
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.processing) {
      this.again = true;
      return;
    }
    this.processing = true;
    setImmediate(() => void this.run());
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        while (!this.stopped && this.raw.hasReady()) {
          const ready = this.raw.ready();
          await this.handle(ready);
          this.raw.advance();
        }
      } while (this.again && !this.stopped);
      await this.maybeCompact();
    } catch (err) {
      // storage or state-machine failure: stop rather than run on with state that may not be durable
      this.failure = err as Error;
      this.options.logger?.fatal({ err }, 'raft node failed; stopping');
      void this.stop();
    } finally {
      this.processing = false;
      if (this.again && !this.stopped) this.schedule();
    }
  }

  private async handle(rd: Ready): Promise<void> {
    const { storage, transport, app } = this.options;
    if (rd.softState) {
      const changed = rd.softState.lead !== this.leader;
      this.leader = rd.softState.lead;
      this.role = rd.softState.raftState;
      if (changed) this.emit('leader-change', this.leader);
    }
    transport.send(rd.messages);
    await storage.persist(rd);
    transport.send(rd.messagesAfterPersist);

    if (rd.snapshot && rd.snapshot.metadata.index > this.applied) {
      await app.restore({ index: rd.snapshot.metadata.index, data: rd.snapshot.data });
      this.applied = rd.snapshot.metadata.index;
      this.appliedConf = rd.snapshot.metadata.confState;
      this.lastSnapshotIndex = rd.snapshot.metadata.index;
    }

    // apply in order; normal entries are handed to the application in runs between conf changes
    let run: Entry[] = [];
    const flush = async () => {
      if (run.length === 0) return;
      const batch = run;
      run = [];
      const withData = batch.filter((e) => e.data.byteLength > 0);
      const results = withData.length > 0 ? await app.applyEntries(withData) : [];
      let r = 0;
      for (const e of batch) this.settle(e, e.data.byteLength > 0 ? { ok: true, value: results[r++] } : undefined);
    };
    for (const e of rd.committedEntries) {
      if (e.index <= this.applied) continue;
      if (e.type === 'confChange') {
        await flush();
        const cc = decodeConfChangeEntry(e.data);
        this.appliedConf = cc.confState;
        if (cc.change.type === 'removeNode' && cc.change.nodeId !== this.options.id) transport.removePeer(cc.change.nodeId);
        this.settle(e, { ok: true, value: undefined });
        this.emit('conf-change', cc);
      } else {
        run.push(e);
      }
      this.applied = e.index;
    }
    await flush();

    for (const rs of rd.readStates) {
      const key = Buffer.from(rs.requestCtx).toString('hex');
      const read = this.reads.get(key);
      if (!read) continue;
      this.reads.delete(key);
      read.index = rs.index;
      this.waitingReads.push(read);
    }
    this.releaseReads();
  }

  /** Resolves (or drops) the proposal waiting at an applied entry's index. */
  private settle(e: Entry, result: { ok: true; value: unknown } | undefined): void {
    const p = this.proposals.get(e.index);
    if (!p) return;
    this.proposals.delete(e.index);
    clearTimeout(p.timer);
    if (p.term === e.term && result) p.resolve(result.value);
    else p.reject(new ProposalDroppedError('leadership-transfer', `the proposal at index ${e.index} was overwritten by a new leader; retry`));
  }

  private releaseReads(): void {
    for (let i = this.waitingReads.length - 1; i >= 0; i--) {
      const read = this.waitingReads[i]!;
      if (read.index !== undefined && read.index <= this.applied) {
        this.waitingReads.splice(i, 1);
        clearTimeout(read.timer);
        read.resolve();
      }
    }
  }

  private async maybeCompact(): Promise<void> {
    const every = this.options.snapshotEntries ?? 10_000;
    if (this.applied - this.lastSnapshotIndex < every) return;
    const snap = await this.options.app.snapshot();
    invariant(snap.index <= this.applied, () => `snapshot at ${snap.index} is ahead of applied ${this.applied}`);
    if (snap.index <= this.lastSnapshotIndex) return;
    // keep a tail of the log so briefly lagging followers catch up from entries, not a whole snapshot
    await this.options.storage.compact(snap.index, this.appliedConf, snap.data, Math.min(1000, Math.floor(every / 2)));
    this.lastSnapshotIndex = snap.index;
    this.options.logger?.info({ index: snap.index, bytes: snap.data.byteLength }, 'raft log compacted');
  }

  /** Replicates `data`; resolves with the application's result once applied here. */
  propose(data: Uint8Array, timeoutMs = 10_000): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.failure ?? new Error('raft node stopped'));
    if (data.byteLength === 0) return Promise.reject(new Error('empty proposals are reserved for the leader'));
    const { index, term } = this.raw.propose(data); // throws NotLeaderError on a follower
    this.schedule();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.proposals.delete(index);
        reject(new RaftTimeoutError(`proposal at index ${index}`, timeoutMs));
      }, timeoutMs);
      this.proposals.set(index, { term, resolve, reject, timer });
    });
  }

  /** A linearizable read barrier: resolves when this member has applied everything committed before the call. */
  readIndex(timeoutMs = 5_000): Promise<void> {
    if (this.stopped) return Promise.reject(this.failure ?? new Error('raft node stopped'));
    if (this.leader === 0) return Promise.reject(new NotLeaderError(this.options.id, 0));
    const ctx = Buffer.alloc(12);
    ctx.writeUInt32BE(this.options.id, 0);
    ctx.writeBigUInt64BE(BigInt(++this.readSeq), 4);
    const key = ctx.toString('hex');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.reads.delete(key);
        const i = this.waitingReads.indexOf(read);
        if (i >= 0) this.waitingReads.splice(i, 1);
        reject(new RaftTimeoutError('linearizable read', timeoutMs));
      }, timeoutMs);
      const read: PendingRead = { resolve, reject, timer };
      this.reads.set(key, read);
      this.raw.readIndex(ctx);
      this.schedule();
    });
  }

  async changeMembership(change: ConfChange, address?: string, timeoutMs = 10_000): Promise<void> {
    if (address && change.type !== 'removeNode') this.options.transport.setPeer(change.nodeId, address);
    const { index, term } = this.raw.proposeConfChange(change);
    this.schedule();
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.proposals.delete(index);
        reject(new RaftTimeoutError(`membership change at index ${index}`, timeoutMs));
      }, timeoutMs);
      this.proposals.set(index, { term, resolve, reject, timer });
    });
  }

  transferLeadership(to: NodeId): void {
    this.raw.transferLeadership(to);
    this.schedule();
  }

  status(): RaftNodeStatus {
    const s = this.raw.status();
    return {
      id: s.id,
      leaderId: s.lead,
      term: s.term,
      role: s.raftState,
      commitIndex: s.commit,
      appliedIndex: this.applied,
      lastIndex: s.lastIndex,
      confState: s.confState,
      ...(s.progress
        ? {
            progress: [...s.progress].map(([id, p]) => ({ id, match: p.match, lag: Math.max(0, s.commit - p.match), isLearner: p.isLearner })),
          }
        : {}),
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    this.options.server.unregister(this.options.group);
    this.options.transport.close();
    const err = this.failure ?? new Error('raft node stopped');
    for (const p of this.proposals.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.proposals.clear();
    for (const r of [...this.reads.values(), ...this.waitingReads]) {
      clearTimeout(r.timer);
      r.reject(err);
    }
    this.reads.clear();
    this.waitingReads.length = 0;
    // let an in-flight Ready finish its writes before the engine is closed by the owner
    while (this.processing) await new Promise((r) => setTimeout(r, 5));
  }
}
