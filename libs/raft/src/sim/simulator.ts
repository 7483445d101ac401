// Deterministic cluster simulation (in the spirit of TigerBeetle's VOPR): one seed drives nodes, network, disks,
// faults and clients; safety is checked after every event, liveness after healing, linearizability at the end.
import { ConfChangeRejectedError, NotLeaderError, ProposalDroppedError, RaftError } from '../errors.js';
import { invariant, RaftInvariantError } from '../invariant.js';
import { checkOperations } from '../linearizability/checker.js';
import type { CheckOutcome, Operation } from '../linearizability/history.js';
import { kvModel, type KvInput, type KvOutput } from '../linearizability/kv-model.js';
import type { Message } from '../message.js';
import { RawNode } from '../raw-node.js';
import { contextKey } from '../read-only.js';
import type { Ready } from '../ready.js';
import { Xoshiro128 } from '../rng.js';
import { decodeConfChangeEntry } from '../conf-change.js';
import type { ConfChange } from '../conf-change.js';
import type { NodeId } from '../types.js';
import { EventQueue } from './event-queue.js';
import { encodeKvRequest, encodeReadContext } from './kv-command.js';
import { KvStateMachine } from './kv-state-machine.js';
import { SimNetwork } from './network.js';
import { SafetyMonitor, SafetyViolation } from './safety-monitor.js';
import {
  describeScenario,
  drawScenario,
  FAULT_KINDS,
  TICK,
  type FaultKind,
  type Scenario,
} from './scenario.js';
import { SimNode, type Waiter } from './sim-node.js';

export interface SimOptions {
  readonly seed: number;
  /** Ticks of the fault phase (the heal/liveness phase comes after). */
  readonly steps?: number;
  /** Bound, in ticks, for a leader to emerge, a proposal to commit and replicas to converge after healing. */
  readonly livenessTicks?: number;
  /** Step budget for the linearizability checker. */
  readonly checkerMaxSteps?: number;
  /** Receives a line per notable event (for replaying a failing seed). */
  readonly trace?: (line: string) => void;
}

export interface SimStats {
  ticks: number;
  messages: number;
  dropped: number;
  operations: number;
  unknownOutcomes: number;
  leadersElected: number;
  committedEntries: number;
  snapshotsSent: number;
  confChanges: number;
  crashes: number;
  transfers: number;
  linearizability: CheckOutcome | 'skipped';
  checkerSteps: number;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly failure?: string;
  readonly scenario: string;
  readonly stats: SimStats;
  /** The client history (for inspection and re-checking). */
  readonly history: readonly Operation<KvInput, KvOutput>[];
}

type ClientReply =
  { kind: 'ok'; output: KvOutput } | { kind: 'redirect'; leader: NodeId } | { kind: 'failed' };

type SimEvent =
  | { kind: 'tick' }
  | { kind: 'deliver'; msg: Message }
  | { kind: 'sync'; node: NodeId; incarnation: number }
  | { kind: 'write'; node: NodeId; incarnation: number }
  | { kind: 'restart'; node: NodeId }
  | { kind: 'request'; client: number; seq: number; node: NodeId }
  | { kind: 'reply'; client: number; seq: number; reply: ClientReply }
  | { kind: 'timeout'; client: number; seq: number }
  | { kind: 'next'; client: number };

interface ClientOp {
  readonly seq: number;
  readonly opId: number;
  readonly input: KvInput;
  readonly call: number;
  readonly viaLog: boolean;
  /** Whether the op reached a Raft log (so a timeout leaves its outcome unknown). Omniscient bookkeeping. */
  proposed: boolean;
  /** Where it was appended, if proposed. */
  proposal?: { index: number; term: number };
}

interface SimClient {
  readonly id: number;
  target: NodeId;
  current: ClientOp | undefined;
  nextSeq: number;
  /** Last value this client saw per key, to aim CAS at. */
  readonly seen: Map<string, string | null>;
}

const MARKER_OP = -1;

export function runSimulation(options: SimOptions): SimResult {
  const sim = new Simulation(options);
  return sim.run();
}

class Simulation {
  private readonly rng: Xoshiro128;
  private readonly sc: Scenario;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly net: SimNetwork;
  private readonly monitor = new SafetyMonitor();
  private readonly clients: SimClient[] = [];
  private readonly history: Operation<KvInput, KvOutput>[] = [];
  private readonly leaderCommitSeen = new Map<NodeId, { term: number; index: number }>();
  private readonly steps: number;
  private readonly livenessTicks: number;
  private now = 0;
  private tickNo = 0;
  private nextOpId = 1;
  private clientsActive = true;
  private healed = false;
  private marker: { node: NodeId; index: number; term: number } | undefined;
  private markerCommitted: number | undefined;
  private readonly written: string[] = [];
  /** What each client operation returned when a replica applied it (ground truth for timed-out operations). */
  private readonly appliedOutputs = new Map<number, { output: KvOutput; time: number }>();
  /** Timed-out operations, resolved against the applied log at the end of the run. */
  private readonly unresolved: { op: ClientOp; clientId: number }[] = [];
  private readonly stats: SimStats = {
    ticks: 0,
    messages: 0,
    dropped: 0,
    operations: 0,
    unknownOutcomes: 0,
    leadersElected: 0,
    committedEntries: 0,
    snapshotsSent: 0,
    confChanges: 0,
    crashes: 0,
    transfers: 0,
    linearizability: 'skipped',
    checkerSteps: 0,
  };

  constructor(private readonly options: SimOptions) {
    this.rng = new Xoshiro128(options.seed);
    this.sc = drawScenario(this.rng, options.seed);
    this.steps = options.steps ?? 300;
    this.livenessTicks = options.livenessTicks ?? 60 * this.sc.electionTick;
    this.net = new SimNetwork(this.rng.fork(), this.sc.maxDelay, 8 * TICK);
  }

  private trace(f: () => string): void {
    if (this.options.trace) this.options.trace(`t=${this.now} ${f()}`);
  }

  run(): SimResult {
    const scenario = describeScenario(this.sc);
    try {
      this.setup();
      this.loop();
      this.finalChecks();
      return {
        seed: this.options.seed,
        ok: true,
        scenario,
        stats: this.finishStats(),
        history: this.history,
      };
    } catch (e) {
      const kind =
        e instanceof SafetyViolation
          ? 'safety violation'
          : e instanceof RaftInvariantError
            ? 'raft invariant'
            : e instanceof LivenessFailure
              ? 'liveness failure'
              : e instanceof LinearizabilityFailure
                ? 'linearizability violation'
                : 'crash';
      const msg = e instanceof Error ? (kind === 'crash' ? (e.stack ?? e.message) : e.message) : String(e);
      return {
        seed: this.options.seed,
        ok: false,
        failure: `${kind} at t=${this.now} (tick ${this.tickNo}): ${msg}`,
        scenario,
        stats: this.finishStats(),
        history: this.history,
      };
    }
  }

  private finishStats(): SimStats {
    this.stats.ticks = this.tickNo;
    this.stats.messages = this.net.sent;
    this.stats.dropped = this.net.dropped;
    this.stats.leadersElected = this.monitor.leaderCount;
    this.stats.committedEntries = this.monitor.committedCount;
    return this.stats;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Setup and main loop

  private setup(): void {
    const voters: NodeId[] = [];
    for (let i = 1; i <= this.sc.initialVoters; i++) voters.push(i);
    for (let id = 1; id <= this.sc.initialVoters + this.sc.spareIds; id++) {
      const initial = id <= this.sc.initialVoters;
      const node = new SimNode(id, initial ? { voters, learners: [] } : undefined);
      this.nodes.set(id, node);
      if (initial) this.start(node);
    }
    for (let c = 0; c < this.sc.clients; c++) {
      const client: SimClient = {
        id: c,
        target: this.rng.pick(voters),
        current: undefined,
        nextSeq: 0,
        seen: new Map(),
      };
      this.clients.push(client);
      this.queue.push(this.rng.range(1, 3 * TICK), { kind: 'next', client: c });
    }
    this.queue.push(TICK, { kind: 'tick' });
  }

  private loop(): void {
    for (;;) {
      const ev = this.queue.pop();
      if (!ev) throw new Error('event queue ran dry');
      this.now = ev.time;
      this.handle(ev.value);
      this.observe();
      if (this.healed && this.converged()) return;
      if (this.healed && this.tickNo > this.steps + this.livenessTicks) {
        throw new LivenessFailure(this.livenessReport());
      }
    }
  }

  private handle(ev: SimEvent): void {
    switch (ev.kind) {
      case 'tick':
        this.onTick();
        break;
      case 'deliver':
        this.onDeliver(ev.msg);
        break;
      case 'sync':
        this.onSync(ev.node, ev.incarnation);
        break;
      case 'write':
        this.onWrite(ev.node, ev.incarnation);
        break;
      case 'restart': {
        const n = this.nodes.get(ev.node)!;
        if (!n.up && !n.removed) this.start(n);
        break;
      }
      case 'request':
        this.onRequest(ev.client, ev.seq, ev.node);
        break;
      case 'reply':
        this.onReply(ev.client, ev.seq, ev.reply);
        break;
      case 'timeout':
        this.onTimeout(ev.client, ev.seq);
        break;
      case 'next':
        this.issueNext(this.clients[ev.client]!);
        break;
    }
  }

  /** After every event: election safety, leader completeness and newly committed entries, seen from outside. */
  private observe(): void {
    const crashed: SimNode[] = [];
    for (const n of this.nodes.values()) {
      const r = n.raw?.raft;
      if (!r || r.state !== 'leader') continue;
      this.monitor.observeLeader(n.id, r.term, r.log);
      let seen = this.leaderCommitSeen.get(n.id);
      if (!seen || seen.term !== r.term) {
        seen = { term: r.term, index: Math.min(r.log.committed, this.monitor.highestCommitted) };
        this.leaderCommitSeen.set(n.id, seen);
        // A leader dying at the moment it wins (its vote and first entry possibly not yet durable).
        if (!this.healed && this.rng.chance(this.sc.crashOnElectRate)) {
          crashed.push(n);
          continue;
        }
      }
      if (r.log.committed > seen.index) {
        this.monitor.observeLeaderCommit(n.id, r.term, r.log, seen.index + 1);
        seen.index = r.log.committed;
        if (!this.healed && this.rng.chance(this.sc.crashOnCommitRate)) crashed.push(n);
      }
    }
    for (const n of crashed) {
      this.trace(
        () => `leader ${n.id} crashes (just elected, or just committed ${n.raw!.raft.log.committed})`,
      );
      this.crashAndRestartLater(n);
    }
  }

  private onTick(): void {
    this.tickNo++;
    for (const n of this.nodes.values()) {
      if (!n.raw) continue;
      n.raw.tick();
      this.pump(n);
    }
    if (this.tickNo <= this.steps) {
      if (this.rng.chance(this.sc.faultRate)) this.injectFault();
    } else if (!this.healed) {
      this.heal();
    } else {
      this.driveMarker();
    }
    this.queue.push(this.now + TICK, { kind: 'tick' });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Nodes: start, Ready handling, durability

  private start(n: SimNode): void {
    const snap = n.storage.snapshot();
    n.raw = new RawNode({
      id: n.id,
      storage: n.storage,
      rng: this.rng.fork(),
      electionTick: this.sc.electionTick,
      heartbeatTick: this.sc.heartbeatTick,
      applied: snap.metadata.index,
      preVote: this.sc.preVote,
      checkQuorum: this.sc.checkQuorum,
      readOnlyOption: this.sc.readOnlyOption,
      lazyCommitBroadcast: this.sc.lazyCommitBroadcast,
      maxSizePerMsg: this.sc.maxSizePerMsg,
      maxEntriesPerMsg: this.sc.maxEntriesPerMsg,
      maxInflightMsgs: this.sc.maxInflightMsgs,
      maxSnapshotChunkBytes: this.sc.maxSnapshotChunkBytes,
    });
    const kv = new KvStateMachine();
    kv.restore(snap);
    n.kv = kv;
    n.started = true;
    this.trace(() => `node ${n.id} starts (incarnation ${n.incarnation}, snapshot ${snap.metadata.index})`);
    this.pump(n);
  }

  private crash(n: SimNode): void {
    if (!n.up) return;
    this.trace(() => `node ${n.id} crashes${n.syncing ? ' losing an unsynced Ready' : ''}`);
    n.crash();
    this.leaderCommitSeen.delete(n.id);
  }

  private crashAndRestartLater(n: SimNode): void {
    this.crash(n);
    this.stats.crashes++;
    this.queue.push(this.now + this.rng.range(1, 40) * TICK, { kind: 'restart', node: n.id });
  }

  /** Hands the node's next Ready to its (simulated) disk, sending what may go out before the write completes. */
  private pump(n: SimNode): void {
    const raw = n.raw;
    if (!raw || n.syncing || !raw.hasReady()) return;
    const rd = raw.ready();
    n.syncing = rd;
    if (rd.softState)
      this.trace(
        () =>
          `node ${n.id} is ${rd.softState!.raftState} (lead ${rd.softState!.lead}, term ${raw.raft.term})`,
      );
    for (const rs of rd.readStates) {
      const key = contextKey(rs.requestCtx);
      const w = n.reads.get(key);
      if (w) {
        n.reads.delete(key);
        n.readyReads.push({ ...w, index: rs.index });
      }
    }
    this.sendAll(rd.messages);
    // Now and then the disk stalls: a long window in which a crash loses the Ready (and peers may already react
    // to what was sent before it).
    const delay = this.rng.chance(0.003)
      ? this.rng.range(TICK, 6 * TICK)
      : this.sc.maxSyncDelay === 0
        ? 0
        : this.rng.range(0, this.sc.maxSyncDelay);
    if (this.sc.leaderWritesAhead && raw.raft.state === 'leader' && raw.canAdvanceWriting()) {
      n.syncing = undefined;
      this.writeAhead(n, rd, delay);
      return;
    }
    // after the writes still on the disk (the queue keeps the order of events due at the same time)
    const at = Math.max(this.now + delay, n.writesDoneAt);
    this.queue.push(at, { kind: 'sync', node: n.id, incarnation: n.incarnation });
  }

  /**
   * A leader's Ready advanced before its write is durable: what is committed is applied now (a quorum holds it), the
   * write completes later, after the ones before it, and only then does the leader count its own acknowledgement.
   */
  private writeAhead(n: SimNode, rd: Ready, delay: number): void {
    n.writesDoneAt = Math.max(this.now + delay, n.writesDoneAt);
    this.queue.push(n.writesDoneAt, { kind: 'write', node: n.id, incarnation: n.incarnation });
    for (const e of rd.committedEntries) {
      this.applyEntry(n, e);
      if (!n.up) return; // it applied its own removal and was stopped
    }
    const handle = n.raw!.advanceWriting();
    n.writing.push({ rd, handle });
    this.maybeSnapshot(n);
    this.serveReads(n);
    this.pump(n);
  }

  private onWrite(id: NodeId, incarnation: number): void {
    const n = this.nodes.get(id)!;
    if (n.incarnation !== incarnation || !n.raw) return;
    const w = n.writing.shift()!;
    const st = n.storage;
    st.append(w.rd.entries);
    if (w.rd.hardState) st.setHardState(w.rd.hardState);
    this.monitor.observePersist(n.id, w.rd.entries, (i) => {
      try {
        return st.term(i);
      } catch {
        return undefined;
      }
    });
    n.raw.written(w.handle);
    this.pump(n);
  }

  private onSync(id: NodeId, incarnation: number): void {
    const n = this.nodes.get(id)!;
    if (n.incarnation !== incarnation || !n.syncing || !n.raw || !n.kv) return;
    const rd: Ready = n.syncing;
    const st = n.storage;
    invariant(n.writing.length === 0, () => `node ${id} syncs a Ready before its earlier writes`);
    // The durable write: snapshot, entries and hard state land atomically (one RocksDB WriteBatch later).
    if (rd.snapshot) st.applySnapshot(rd.snapshot);
    st.append(rd.entries);
    if (rd.hardState) st.setHardState(rd.hardState);
    this.monitor.observePersist(n.id, rd.entries, (i) => {
      try {
        return st.term(i);
      } catch {
        return undefined;
      }
    });
    this.sendAll(rd.messagesAfterPersist);
    if (rd.snapshot) {
      n.kv.restore(rd.snapshot);
      this.monitor.observeSnapshotInstall(n.id, rd.snapshot.metadata.index, n.kv.digest());
      this.trace(() => `node ${n.id} installed snapshot ${rd.snapshot!.metadata.index}`);
    }
    for (const e of rd.committedEntries) {
      this.applyEntry(n, e);
      if (!n.up) return; // it applied its own removal and was stopped
    }
    n.syncing = undefined;
    n.raw.advance();
    this.maybeSnapshot(n);
    this.serveReads(n);
    this.pump(n);
  }

  private applyEntry(n: SimNode, e: Ready['committedEntries'][number]): void {
    const kv = n.kv!;
    const before = kv.confState;
    const { request, output } = kv.apply(e);
    this.monitor.observeApply(n.id, e, kv.digest());
    if (e.type === 'confChange') {
      const cc = decodeConfChangeEntry(e.data);
      this.trace(
        () => `node ${n.id} applied conf change ${cc.change.type} ${cc.change.nodeId} at ${e.index}`,
      );
      // A committed removal: the operator stops the removed node for good.
      for (const id of [...before.voters, ...before.learners]) {
        if (!cc.confState.voters.includes(id) && !cc.confState.learners.includes(id)) this.retire(id);
      }
    }
    if (this.marker && e.index === this.marker.index) {
      if (e.term === this.marker.term) {
        if (this.markerCommitted === undefined) this.markerCommitted = e.index;
      } else if (this.markerCommitted === undefined) {
        this.marker = undefined;
      }
    }
    if (request && output && !this.appliedOutputs.has(request.opId)) {
      this.appliedOutputs.set(request.opId, { output, time: this.now });
    }
    const w = n.proposals.get(e.index);
    if (!w) return;
    n.proposals.delete(e.index);
    if (w.term !== e.term) {
      // Someone else's entry won this index: ours was never committed and never will be.
      this.replyLater(w, { kind: 'failed' });
      return;
    }
    if (request && output) {
      if (request.input.op !== 'get') this.monitor.observeAck(e.index, e.term, request.opId);
      this.replyLater(w, { kind: 'ok', output });
    }
  }

  private retire(id: NodeId): void {
    const n = this.nodes.get(id);
    if (!n || n.removed) return;
    this.trace(() => `node ${id} removed from the cluster; stopping it`);
    n.removed = true;
    this.crash(n);
  }

  private maybeSnapshot(n: SimNode, force = false): void {
    const kv = n.kv!;
    const st = n.storage;
    const snapIndex = st.snapshot().metadata.index;
    if (kv.applied <= snapIndex) return;
    // a leader writing ahead may have applied what its own log (or its stored commit index) does not hold yet
    if (kv.applied > st.lastIndex() || kv.applied > st.hardStateValue().commit) return;
    if (!force && kv.applied - snapIndex < this.sc.snapshotInterval) return;
    st.createSnapshot(kv.applied, kv.confState, kv.snapshotData());
    const compactTo = kv.applied - this.sc.compactKeep;
    if (compactTo >= st.firstIndex()) st.compact(compactTo);
    this.trace(() => `node ${n.id} snapshot at ${kv.applied}, log compacted to ${st.firstIndex() - 1}`);
  }

  private serveReads(n: SimNode): void {
    if (n.readyReads.length === 0) return;
    const kv = n.kv!;
    const waiting: typeof n.readyReads = [];
    for (const r of n.readyReads) {
      if (kv.applied >= r.index)
        this.replyLater(r, { kind: 'ok', output: { op: 'get', value: kv.get(r.key) } });
      else waiting.push(r);
    }
    n.readyReads = waiting;
  }

  private sendAll(msgs: readonly Message[]): void {
    for (const m of msgs) {
      if (m.type === 'MsgSnap' && m.offset === 0) this.stats.snapshotsSent++;
      for (const d of this.net.route(m)) this.queue.push(this.now + d, { kind: 'deliver', msg: m });
    }
  }

  private onDeliver(m: Message): void {
    const n = this.nodes.get(m.to);
    if (!n?.raw || this.net.isCut(m.from, m.to)) return;
    n.raw.step(m);
    this.pump(n);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Faults

  private liveNodes(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.up);
  }

  private startedIds(): NodeId[] {
    return [...this.nodes.values()].filter((n) => n.started && !n.removed).map((n) => n.id);
  }

  private leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) {
      const r = n.raw?.raft;
      if (r?.state === 'leader' && (!best || r.term > best.raw!.raft.term)) best = n;
    }
    return best;
  }

  private injectFault(): void {
    const ids = this.startedIds();
    const kind = this.pickFault();
    if (kind === 'partition') {
      const a = ids.filter(() => this.rng.chance(0.5));
      if (a.length > 0 && a.length < ids.length) {
        this.net.partition(a, ids);
        this.trace(() => `partition [${a.join(',')}] | rest`);
      }
    } else if (kind === 'isolate') {
      // Isolating the leader is the most interesting single fault: stale leaders must stop serving.
      const l = this.leader();
      const x = l && this.rng.chance(0.6) ? l.id : this.rng.pick(ids);
      this.net.partition([x], ids);
      this.trace(() => `isolate ${x}`);
    } else if (kind === 'cut-link') {
      const from = this.rng.pick(ids);
      const to = this.rng.pick(ids);
      if (from !== to) {
        this.net.cutLink(from, to);
        this.trace(() => `cut link ${from} -> ${to}`);
      }
    } else if (kind === 'heal') {
      this.net.heal();
      this.trace(() => 'heal network');
    } else if (kind === 'crash') {
      const live = this.liveNodes().filter((n) => !n.removed);
      if (live.length > 0) {
        // Favour crashing a node with writes in flight: that is where durability bugs hide.
        const syncing = live.filter((n) => n.syncing || n.writing.length > 0);
        this.crashAndRestartLater(
          syncing.length > 0 && this.rng.chance(0.5) ? this.rng.pick(syncing) : this.rng.pick(live),
        );
      }
    } else if (kind === 'network-quality') {
      this.net.faults = {
        dropRate: this.rng.pick([0, 0.05, 0.2, 0.5]),
        duplicateRate: this.rng.pick([0, 0.05, 0.2]),
        slowRate: this.rng.pick([0, 0.02, 0.1]),
      };
      this.trace(() => `network faults ${JSON.stringify(this.net.faults)}`);
    } else if (kind === 'membership') {
      if (this.sc.membershipChanges) this.changeMembership();
    } else if (kind === 'transfer') {
      const l = this.leader();
      if (l) {
        const voters = l.raw!.raft.currentConf().voters.filter((v) => v !== l.id);
        if (voters.length > 0) {
          const to = this.rng.pick(voters);
          this.trace(() => `transfer leadership ${l.id} -> ${to}`);
          l.raw!.transferLeadership(to);
          this.stats.transfers++;
          this.pump(l);
        }
      }
    } else {
      const live = this.liveNodes().filter((n) => n.kv && !n.syncing);
      if (live.length > 0) this.maybeSnapshot(this.rng.pick(live), true);
    }
  }

  private pickFault(): FaultKind {
    const w = this.sc.faultWeights;
    let roll = this.rng.nextInt(w.reduce((a, b) => a + b, 0));
    for (let i = 0; i < w.length; i++) {
      roll -= w[i]!;
      if (roll < 0) return FAULT_KINDS[i]!;
    }
    return 'heal';
  }

  private changeMembership(): void {
    const l = this.leader();
    if (!l) return;
    const cs = l.raw!.raft.currentConf();
    const spare = [...this.nodes.values()].filter((n) => !n.started && !n.removed).map((n) => n.id);
    const options: ConfChange[] = [];
    if (spare.length > 0) {
      options.push({ type: 'addLearner', nodeId: spare[0]! });
      if (cs.voters.length < 5) options.push({ type: 'addNode', nodeId: spare[0]! });
    }
    for (const id of cs.learners) if (cs.voters.length < 5) options.push({ type: 'addNode', nodeId: id });
    for (const id of [...cs.voters, ...cs.learners])
      if (cs.voters.length > 2 || !cs.voters.includes(id)) options.push({ type: 'removeNode', nodeId: id });
    if (options.length === 0) return;
    const cc = this.rng.pick(options);
    try {
      l.raw!.proposeConfChange(cc);
    } catch (e) {
      if (e instanceof ConfChangeRejectedError || e instanceof ProposalDroppedError) return;
      throw e;
    }
    this.stats.confChanges++;
    this.trace(() => `leader ${l.id} proposes ${cc.type} ${cc.nodeId}`);
    const target = this.nodes.get(cc.nodeId)!;
    if (!target.started) this.start(target); // a new server starts empty and waits for the leader
    this.pump(l);
  }

  private heal(): void {
    this.healed = true;
    this.clientsActive = false;
    this.net.heal();
    this.net.faults = { dropRate: 0, duplicateRate: 0, slowRate: 0 };
    for (const n of this.nodes.values()) if (n.started && !n.removed && !n.up) this.start(n);
    this.trace(() => 'heal everything; clients stop; liveness phase begins');
  }

  /** After healing, keep proposing a marker until one commits: proof that the cluster makes progress again. */
  private driveMarker(): void {
    if (this.markerCommitted !== undefined) return;
    const l = this.leader();
    if (!l) return;
    if (this.marker && this.marker.node === l.id && this.marker.term === l.raw!.raft.term) return;
    try {
      const input: KvInput = { op: 'put', key: '__liveness', value: String(this.tickNo) };
      const r = l.raw!.propose(encodeKvRequest({ opId: MARKER_OP, input }));
      this.marker = { node: l.id, index: r.index, term: r.term };
      this.pump(l);
    } catch (e) {
      if (!(e instanceof RaftError)) throw e;
    }
  }

  private converged(): boolean {
    if (this.markerCommitted === undefined) return false;
    const l = this.leader();
    if (!l) return false;
    const cs = l.raw!.raft.currentConf();
    for (const id of [...cs.voters, ...cs.learners]) {
      const n = this.nodes.get(id)!;
      if (!n.kv || n.kv.applied < this.markerCommitted) return false;
    }
    return this.clients.every((c) => c.current === undefined);
  }

  private livenessReport(): string {
    const l = this.leader();
    const lines = [
      `cluster did not recover within ${this.livenessTicks} ticks after healing ` +
        `(leader: ${l ? l.id : 'none'}, marker ${this.markerCommitted !== undefined ? `committed at ${this.markerCommitted}` : 'not committed'})`,
    ];
    for (const n of this.nodes.values()) {
      if (!n.started) continue;
      const s = n.raw?.status();
      lines.push(
        `  node ${n.id}: ${n.removed ? 'removed' : s ? `${s.raftState} term ${s.term} lead ${s.lead} commit ${s.commit} applied ${s.applied} last ${s.lastIndex} conf ${JSON.stringify(s.confState)}` : 'down'}`,
      );
    }
    return lines.join('\n');
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Clients

  private issueNext(c: SimClient): void {
    if (!this.clientsActive || c.current) return;
    const key = `k${this.rng.nextInt(this.sc.keys)}`;
    const roll = this.rng.nextInt(100);
    const fresh = (): string => {
      const v = `${c.id}.${c.nextSeq}`;
      this.written.push(v);
      return v;
    };
    let input: KvInput;
    let viaLog = true;
    if (roll < 35) {
      input = { op: 'put', key, value: fresh() };
    } else if (roll < 70) {
      input = { op: 'get', key };
      viaLog = this.rng.chance(0.3);
    } else if (roll < 80) {
      input = { op: 'delete', key };
    } else {
      const r = this.rng.nextInt(10);
      const expected =
        r < 5
          ? (c.seen.get(key) ?? null)
          : r < 7 || this.written.length === 0
            ? null
            : this.rng.pick(this.written);
      input = { op: 'cas', key, expected, value: fresh() };
    }
    this.invoke(c, input, viaLog);
  }

  private invoke(c: SimClient, input: KvInput, viaLog: boolean): void {
    const seq = c.nextSeq++;
    c.current = { seq, opId: this.nextOpId++, input, call: this.now, viaLog, proposed: false };
    // Mostly follow the leader hint, but keep visiting other nodes: stale leaders and followers must answer safely too.
    const target = this.rng.chance(0.25) ? this.rng.pick(this.startedIds()) : c.target;
    this.queue.push(this.now + this.rng.range(1, 5), { kind: 'request', client: c.id, seq, node: target });
    this.queue.push(this.now + this.sc.clientTimeoutTicks * TICK, { kind: 'timeout', client: c.id, seq });
  }

  private onRequest(clientId: number, seq: number, nodeId: NodeId): void {
    const c = this.clients[clientId]!;
    const op = c.current;
    if (!op || op.seq !== seq) return;
    const n = this.nodes.get(nodeId)!;
    const raw = n.raw;
    if (!raw) return; // node is down: the client will time out
    const waiter: Waiter = { client: clientId, seq };
    try {
      if (op.input.op === 'get' && !op.viaLog) {
        const ctx = encodeReadContext(op.opId);
        raw.readIndex(ctx);
        n.reads.set(contextKey(ctx), { ...waiter, key: op.input.key });
      } else {
        const r = raw.propose(encodeKvRequest({ opId: op.opId, input: op.input }));
        op.proposed = true;
        op.proposal = r;
        n.proposals.set(r.index, { ...waiter, term: r.term });
      }
    } catch (e) {
      if (e instanceof NotLeaderError) {
        this.replyLater(waiter, { kind: 'redirect', leader: e.leaderId });
        return;
      }
      if (e instanceof ProposalDroppedError) {
        this.replyLater(waiter, { kind: 'failed' });
        return;
      }
      throw e;
    }
    this.pump(n);
  }

  private replyLater(w: Waiter, reply: ClientReply): void {
    this.queue.push(this.now + this.rng.range(1, 5), { kind: 'reply', client: w.client, seq: w.seq, reply });
  }

  private onReply(clientId: number, seq: number, reply: ClientReply): void {
    const c = this.clients[clientId]!;
    const op = c.current;
    if (!op || op.seq !== seq) return; // late answer to an operation the client gave up on
    c.current = undefined;
    switch (reply.kind) {
      case 'ok':
        this.history.push({
          clientId,
          input: op.input,
          call: op.call,
          output: reply.output,
          return: this.now,
        });
        this.stats.operations++;
        if (reply.output.op === 'get') c.seen.set(op.input.key, reply.output.value);
        else if (op.input.op === 'put') c.seen.set(op.input.key, op.input.value);
        else if (op.input.op === 'delete') c.seen.set(op.input.key, null);
        this.queue.push(this.now + this.rng.range(0, TICK), { kind: 'next', client: clientId });
        break;
      case 'redirect':
      case 'failed':
        // Definitely not applied: retry (as a new invocation) after a short back-off.
        if (!this.clientsActive) break;
        if (reply.kind === 'redirect' && reply.leader !== 0) {
          c.target = reply.leader; // go straight to the leader we were told about
          this.queue.push(this.now + this.rng.range(1, 5), { kind: 'next', client: clientId });
        } else {
          c.target = this.rng.pick(this.startedIds());
          this.queue.push(this.now + this.rng.range(TICK, 3 * TICK), { kind: 'next', client: clientId });
        }
        break;
    }
  }

  private onTimeout(clientId: number, seq: number): void {
    const c = this.clients[clientId]!;
    const op = c.current;
    if (!op || op.seq !== seq) return;
    c.current = undefined;
    if (op.proposed && op.input.op !== 'get') this.unresolved.push({ op, clientId });
    c.target = this.rng.pick(this.startedIds());
    this.queue.push(this.now + this.rng.range(0, 2 * TICK), { kind: 'next', client: clientId });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // End of run

  /**
   * A client that timed out cannot know whether its write happened, and the checker must allow both, which makes
   * the search explode when there are many. The simulator can know, from the replicas: if another entry was applied
   * at the op's log index, the op never happened (drop it); if it was applied, it took effect no later than its first
   * apply, with the output the state machine computed, exactly as if the client had waited for that answer (a
   * history the system could equally have produced). Only ops still undecided at the end stay unknown (return at
   * infinity).
   */
  private resolveTimedOutOperations(): void {
    for (const { op, clientId } of this.unresolved) {
      const applied = this.appliedOutputs.get(op.opId);
      if (applied) {
        this.history.push({
          clientId,
          input: op.input,
          call: op.call,
          output: applied.output,
          return: applied.time,
        });
        continue;
      }
      if (op.proposal && this.monitor.appliedTerm(op.proposal.index) !== undefined) continue;
      this.stats.unknownOutcomes++;
      this.history.push({ clientId, input: op.input, call: op.call, output: undefined, return: Infinity });
    }
  }

  private finalChecks(): void {
    const l = this.leader();
    if (!l) throw new LivenessFailure('no leader at the end of the run');
    this.monitor.checkAckedWritesSurvive(l.id, l.raw!.raft.log);
    for (const c of this.clients) {
      const op = c.current;
      if (op && op.proposed && op.input.op !== 'get') this.unresolved.push({ op, clientId: c.id });
    }
    this.resolveTimedOutOperations();
    const r = checkOperations(kvModel, this.history, { maxSteps: this.options.checkerMaxSteps ?? 2_000_000 });
    this.stats.linearizability = r.outcome;
    this.stats.checkerSteps = r.steps;
    if (r.outcome === 'not-linearizable')
      throw new LinearizabilityFailure(`history is not linearizable\n${r.detail ?? ''}`);
  }
}

class LivenessFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LivenessFailure';
  }
}

class LinearizabilityFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinearizabilityFailure';
  }
}
