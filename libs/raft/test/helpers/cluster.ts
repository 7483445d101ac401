// Synchronous in-memory cluster for unit tests: every Ready is persisted and delivered at once, like etcd's network.
import {
  MemoryStorage,
  RawNode,
  Xoshiro128,
  type ConfState,
  type Entry,
  type Message,
  type MessageType,
  type NodeId,
  type RaftConfig,
  type ReadState,
} from '../../src/index.js';

export interface TestNode {
  readonly id: NodeId;
  raw: RawNode;
  readonly storage: MemoryStorage;
  readonly applied: Entry[];
  readonly readStates: ReadState[];
  /** Every message this node sent, in order (for assertions about what went over the wire). */
  readonly sent: Message[];
}

export type ClusterOptions = Partial<Omit<RaftConfig, 'id' | 'storage' | 'rng'>>;

const enc = new TextEncoder();
export const bytes = (s: string): Uint8Array => enc.encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

export class TestCluster {
  readonly nodes = new Map<NodeId, TestNode>();
  private readonly cut = new Set<string>();
  /** Return false to drop a message. */
  filter: (m: Message) => boolean = () => true;
  /** Messages dropped because of cuts or the filter. */
  readonly droppedMessages: Message[] = [];
  private readonly rng: Xoshiro128;

  constructor(
    ids: NodeId[],
    readonly options: ClusterOptions = {},
    seed = 1,
  ) {
    this.rng = new Xoshiro128(seed);
    const conf: ConfState = { voters: ids, learners: [] };
    for (const id of ids) this.addNode(id, new MemoryStorage(conf));
  }

  config(id: NodeId, storage: MemoryStorage): RaftConfig {
    return {
      id,
      storage,
      rng: this.rng.fork(),
      electionTick: 10,
      heartbeatTick: 1,
      preVote: false,
      checkQuorum: false,
      ...this.options,
    };
  }

  /** Adds a node over `storage` (a joiner gets an empty MemoryStorage). */
  addNode(id: NodeId, storage: MemoryStorage = new MemoryStorage(), extra: ClusterOptions = {}): TestNode {
    const node: TestNode = {
      id,
      raw: new RawNode({ ...this.config(id, storage), ...extra }),
      storage,
      applied: [],
      readStates: [],
      sent: [],
    };
    this.nodes.set(id, node);
    return node;
  }

  /** Restarts `id` from its storage, as after a crash (volatile state lost). */
  restart(id: NodeId, extra: ClusterOptions = {}): TestNode {
    const old = this.node(id);
    const node: TestNode = {
      ...old,
      raw: new RawNode({
        ...this.config(id, old.storage),
        applied: old.storage.snapshot().metadata.index,
        ...extra,
      }),
    };
    this.nodes.set(id, node);
    return node;
  }

  node(id: NodeId): TestNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  raft(id: NodeId) {
    return this.node(id).raw.raft;
  }

  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}>${other}`);
      this.cut.add(`${other}>${id}`);
    }
  }

  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}>${to}`);
  }

  heal(): void {
    this.cut.clear();
  }

  /** Handles every pending Ready and delivers every message until the cluster is quiet. */
  stabilize(maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      const msgs = this.drainReadies();
      if (msgs.length === 0) return;
      this.deliver(msgs);
    }
    throw new Error('cluster did not stabilize');
  }

  /** Collects messages from every node's Ready (persisting and applying as a driver would). */
  drainReadies(): Message[] {
    const out: Message[] = [];
    for (const n of this.nodes.values()) {
      while (n.raw.hasReady()) {
        const rd = n.raw.ready();
        out.push(...rd.messages);
        if (rd.snapshot) n.storage.applySnapshot(rd.snapshot);
        n.storage.append(rd.entries);
        if (rd.hardState) n.storage.setHardState(rd.hardState);
        out.push(...rd.messagesAfterPersist);
        n.readStates.push(...rd.readStates);
        n.applied.push(...rd.committedEntries);
        n.sent.push(...rd.messages, ...rd.messagesAfterPersist);
        n.raw.advance();
      }
    }
    return out;
  }

  deliver(msgs: readonly Message[]): void {
    for (const m of msgs) {
      const to = this.nodes.get(m.to);
      if (!to || this.cut.has(`${m.from}>${m.to}`) || !this.filter(m)) {
        this.droppedMessages.push(m);
        continue;
      }
      to.raw.step(m);
    }
  }

  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) {
      this.node(id).raw.tick();
      this.stabilize();
    }
  }

  tickAll(n = 1): void {
    for (let i = 0; i < n; i++) {
      for (const node of this.nodes.values()) node.raw.tick();
      this.stabilize();
    }
  }

  campaign(id: NodeId): void {
    this.node(id).raw.campaign();
    this.stabilize();
  }

  propose(id: NodeId, data: string) {
    const r = this.node(id).raw.propose(bytes(data));
    this.stabilize();
    return r;
  }

  leaders(): NodeId[] {
    return [...this.nodes.values()].filter((n) => n.raw.raft.state === 'leader').map((n) => n.id);
  }

  /** Payloads of the normal, non-empty entries `id` applied. */
  appliedData(id: NodeId): string[] {
    return this.node(id)
      .applied.filter((e) => e.type === 'normal' && e.data.byteLength > 0)
      .map((e) => text(e.data));
  }

  sentOfType(id: NodeId, type: MessageType): Message[] {
    return this.node(id).sent.filter((m) => m.type === type);
  }
}

/** Entries with the given terms at indexes 1..n (for building divergent logs). */
export function entriesWithTerms(terms: number[], startIndex = 1): Entry[] {
  return terms.map((term, i) => ({
    index: startIndex + i,
    term,
    type: 'normal' as const,
    data: bytes(`e${startIndex + i}t${term}`),
  }));
}

/** A storage pre-loaded with a log and a hard state. */
export function storageWithLog(voters: NodeId[], terms: number[], commit = 0): MemoryStorage {
  const s = new MemoryStorage({ voters, learners: [] });
  s.append(entriesWithTerms(terms));
  const term = terms.length > 0 ? terms[terms.length - 1]! : 0;
  s.setHardState({ term, vote: 0, commit });
  return s;
}
