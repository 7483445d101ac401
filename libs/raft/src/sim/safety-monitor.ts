// Cluster-wide Raft safety properties, checked by the simulator after every event from an omniscient viewpoint.
import type { RaftLog } from '../raft-log.js';
import type { Entry, NodeId } from '../types.js';

/** Thrown when a safety property is violated; the simulator reports it with the seed that reproduces it. */
export class SafetyViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetyViolation';
  }
}

interface Registered {
  readonly dataKey: string;
  /** Term of the entry just before it, or -1 if the registering node had compacted it. */
  readonly prevTerm: number;
  readonly node: NodeId;
}

interface Committed {
  readonly term: number;
  readonly dataKey: string;
  /** Term of the leader that first committed it (leader completeness speaks of later terms). */
  readonly commitTerm: number;
}

export function entryKey(e: Entry): string {
  // FNV-1a over the payload: cheap identity for comparing entries across nodes.
  let h = 0x811c9dc5;
  for (const b of e.data) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return `${e.type}:${e.data.byteLength}:${h.toString(16)}`;
}

export class SafetyMonitor {
  /** Election safety: at most one leader per term. */
  private readonly leaders = new Map<number, NodeId>();
  /** Log matching: an (index, term) pair identifies one entry and one predecessor term, whoever persisted it. */
  private readonly registry = new Map<string, Registered>();
  /** Entries known committed, by index. */
  private readonly committed = new Map<number, Committed>();
  private maxCommitted = 0;
  /** State machine safety: what was applied at each index (by anyone), and the state digest after it. */
  private readonly applied = new Map<
    number,
    { term: number; dataKey: string; digest: string; node: NodeId }
  >();
  /** Writes acknowledged to clients: they must never be lost. */
  private readonly acked: { index: number; term: number; opId: number }[] = [];

  fail(message: string): never {
    throw new SafetyViolation(message);
  }

  /** Called whenever `id` is observed as leader of `term`; checks election safety and leader completeness. */
  observeLeader(id: NodeId, term: number, log: RaftLog): void {
    const known = this.leaders.get(term);
    if (known === undefined) {
      this.leaders.set(term, id);
      this.checkLeaderCompleteness(id, term, log);
    } else if (known !== id) {
      this.fail(`election safety: nodes ${known} and ${id} are both leader of term ${term}`);
    }
  }

  /** Called with a leader's log after each event, to learn newly committed entries and the term that committed them. */
  observeLeaderCommit(id: NodeId, term: number, log: RaftLog, fromIndex: number): void {
    const first = Math.max(fromIndex, log.firstIndex());
    if (log.committed < first) return;
    for (const e of log.slice(first, log.committed + 1)) {
      const key = entryKey(e);
      const c = this.committed.get(e.index);
      if (c === undefined) {
        this.committed.set(e.index, { term: e.term, dataKey: key, commitTerm: term });
        if (e.index > this.maxCommitted) this.maxCommitted = e.index;
      } else if (c.term !== e.term || c.dataKey !== key) {
        this.fail(
          `committed entry changed: index ${e.index} was committed with term ${c.term}, ` +
            `leader ${id} (term ${term}) now commits term ${e.term}`,
        );
      }
    }
  }

  private checkLeaderCompleteness(id: NodeId, term: number, log: RaftLog): void {
    const floor = log.firstIndex() - 1; // entries at or below are in the leader's snapshot, hence committed there
    for (const [index, c] of this.committed) {
      if (c.commitTerm >= term || index <= floor) continue;
      const t = log.term(index);
      if (t !== c.term) {
        this.fail(
          `leader completeness: node ${id} became leader of term ${term} without entry ${index} ` +
            `(term ${c.term}, committed in term ${c.commitTerm}); its term there is ${t ?? 'missing'}`,
        );
      }
    }
  }

  /** Called when `node` made `entries` durable; `termAt` reads its durable log. */
  observePersist(node: NodeId, entries: readonly Entry[], termAt: (i: number) => number | undefined): void {
    for (const e of entries) {
      const k = `${e.index}:${e.term}`;
      const dataKey = entryKey(e);
      const prevTerm = termAt(e.index - 1) ?? -1;
      const r = this.registry.get(k);
      if (r === undefined) {
        this.registry.set(k, { dataKey, prevTerm, node });
        continue;
      }
      if (r.dataKey !== dataKey) {
        this.fail(
          `log matching: nodes ${r.node} and ${node} hold different entries at index ${e.index} term ${e.term}`,
        );
      }
      if (r.prevTerm !== -1 && prevTerm !== -1 && r.prevTerm !== prevTerm) {
        this.fail(
          `log matching: entry ${e.index}/${e.term} follows term ${r.prevTerm} on node ${r.node} ` +
            `but term ${prevTerm} on node ${node}`,
        );
      }
    }
  }

  /** Called when `node` applied `e` and its state machine digest is now `digest`. */
  observeApply(node: NodeId, e: Entry, digest: string): void {
    const dataKey = entryKey(e);
    const a = this.applied.get(e.index);
    if (a === undefined) {
      this.applied.set(e.index, { term: e.term, dataKey, digest, node });
    } else if (a.term !== e.term || a.dataKey !== dataKey) {
      this.fail(
        `state machine safety: index ${e.index} applied as term ${a.term} on node ${a.node} but term ${e.term} on node ${node}`,
      );
    } else if (a.digest !== digest) {
      this.fail(
        `state machine safety: replicas ${a.node} and ${node} diverge after applying index ${e.index}`,
      );
    }
    const c = this.committed.get(e.index);
    if (c && (c.term !== e.term || c.dataKey !== dataKey)) {
      this.fail(
        `node ${node} applied index ${e.index} (term ${e.term}) which differs from the committed entry (term ${c.term})`,
      );
    }
  }

  /** Called when `node` installs a snapshot at `index`: its state must equal what others had after applying `index`. */
  observeSnapshotInstall(node: NodeId, index: number, digest: string): void {
    const a = this.applied.get(index);
    if (a && a.digest !== digest) {
      this.fail(
        `snapshot at ${index} installed on node ${node} differs from replica ${a.node}'s state at ${index}`,
      );
    }
  }

  observeAck(index: number, term: number, opId: number): void {
    this.acked.push({ index, term, opId });
  }

  /** Every acknowledged write is still the committed entry at its index, and in the given leader's log. */
  checkAckedWritesSurvive(leader: NodeId, log: RaftLog): void {
    const floor = log.firstIndex() - 1;
    for (const a of this.acked) {
      const c = this.committed.get(a.index);
      if (c && c.term !== a.term) {
        this.fail(
          `acknowledged write (op ${a.opId}) at ${a.index}/${a.term} was lost: index ${a.index} committed term ${c.term}`,
        );
      }
      if (a.index > floor && log.term(a.index) !== a.term) {
        this.fail(
          `acknowledged write (op ${a.opId}) at ${a.index}/${a.term} is missing from final leader ${leader}'s log`,
        );
      }
    }
  }

  /** Term of the entry applied at `index` by any replica, if any replica applied it. */
  appliedTerm(index: number): number | undefined {
    return this.applied.get(index)?.term;
  }

  get committedCount(): number {
    return this.committed.size;
  }

  get highestCommitted(): number {
    return this.maxCommitted;
  }

  get leaderCount(): number {
    return this.leaders.size;
  }
}
