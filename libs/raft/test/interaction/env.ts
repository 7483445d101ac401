// The interaction environment the scripts in test/testdata drive: a group of RawNodes over MemoryStorage whose
// messages wait in a queue until a command delivers them, so a script says exactly which message goes when and shows
// what every node did in answer (what it persisted, applied and sent). Nothing is delivered behind the script's back:
// `stabilize` is the only command that runs the group until it is quiet.
import {
  decodeConfChangeEntry,
  MemoryStorage,
  RawNode,
  Xoshiro128,
  type ConfChangeType,
  type Entry,
  type Message,
  type NodeId,
  type RaftConfig,
} from '../../src/index.js';
import { entriesWithTerms } from '../helpers/cluster.js';

export interface Command {
  name: string;
  /** positional arguments. */
  args: string[];
  /** key=value arguments. */
  opts: Map<string, string>;
}

interface EnvNode {
  id: NodeId;
  raw: RawNode;
  storage: MemoryStorage;
  applied: Entry[];
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

export function formatEntry(e: Entry): string {
  const at = `${e.index}/${e.term}`;
  if (e.type === 'confChange') {
    const { change } = decodeConfChangeEntry(e.data);
    return `${at}:conf(${change.type} ${change.nodeId})`;
  }
  return e.data.byteLength > 0 ? `${at}:${text(e.data)}` : at;
}

const entryList = (es: readonly Entry[]): string => `[${es.map(formatEntry).join(' ')}]`;

/** One message as a script shows it: sender, receiver, type, term, then only the fields that matter for its type. */
export function formatMessage(m: Message): string {
  const head = `${m.from}->${m.to} ${m.type} term=${m.term}`;
  switch (m.type) {
    case 'MsgApp':
      return `${head} log=${m.index}/${m.logTerm} commit=${m.commit} entries=${entryList(m.entries)}`;
    case 'MsgAppResp':
      return m.reject
        ? `${head} rejected index=${m.index} hint=${m.rejectHint}/${m.logTerm}`
        : `${head} index=${m.index}`;
    case 'MsgVote':
    case 'MsgPreVote':
      return `${head} log=${m.index}/${m.logTerm}${m.force ? ' force' : ''}`;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return m.reject ? `${head} rejected` : head;
    case 'MsgHeartbeat':
      return `${head} commit=${m.commit}`;
    case 'MsgTransferLeader':
      return `${head} transferee=${m.transferee}`;
    case 'MsgSnap':
      return `${head} snapshot=${m.snapshot.index}/${m.snapshot.term}`;
    case 'MsgReadIndexResp':
      return `${head} index=${m.index}`;
    default:
      return head;
  }
}

export class InteractionEnv {
  private readonly nodes = new Map<NodeId, EnvNode>();
  /** sent and not yet delivered, in sending order. */
  private queue: Message[] = [];
  private readonly cut = new Set<string>();
  private rng = new Xoshiro128(1);
  private options: Partial<RaftConfig> = {};
  private out: string[] = [];

  /** Runs one command and returns what it printed. */
  handle(cmd: Command): string {
    this.out = [];
    const handler = this.commands[cmd.name];
    if (!handler)
      throw new Error(`unknown command "${cmd.name}" (known: ${Object.keys(this.commands).join(', ')})`);
    handler(cmd);
    return this.out.length > 0 ? this.out.join('\n') : 'ok';
  }

  private readonly commands: Record<string, (cmd: Command) => void> = {
    // nodes 1 2 3 [prevote=true] [checkquorum=true]: a new group, every node knowing the same voters
    nodes: (cmd) => {
      const ids = cmd.args.map(Number);
      this.options = {
        preVote: cmd.opts.get('prevote') === 'true',
        checkQuorum: cmd.opts.get('checkquorum') === 'true',
      };
      for (const id of ids) this.addNode(id, new MemoryStorage({ voters: ids, learners: [] }));
    },
    // log 3 terms=1,1,2 [commit=2]: node 3 starts over from a stored log with these entry terms (a divergent history)
    log: (cmd) => {
      const id = Number(cmd.args[0]);
      const terms = (cmd.opts.get('terms') ?? '').split(',').filter(Boolean).map(Number);
      const old = this.node(id);
      const storage = new MemoryStorage(old.raw.status().confState);
      storage.append(entriesWithTerms(terms));
      storage.setHardState({ term: terms.at(-1) ?? 0, vote: 0, commit: Number(cmd.opts.get('commit') ?? 0) });
      this.addNode(id, storage);
      this.out.push(`${id}: log ${entryList(entriesWithTerms(terms))}`);
    },
    // add-node 4: a new, empty node (it learns the membership from the leader)
    'add-node': (cmd) => {
      this.addNode(Number(cmd.args[0]), new MemoryStorage());
    },
    // restart 2: node 2 comes back from its storage, everything in memory lost
    restart: (cmd) => {
      const n = this.node(Number(cmd.args[0]));
      n.raw = new RawNode({ ...this.config(n.id, n.storage), applied: n.storage.snapshot().metadata.index });
      this.queue = this.queue.filter((m) => m.to !== n.id && m.from !== n.id);
      this.process([n]);
    },
    campaign: (cmd) => this.on(cmd, (n) => n.raw.campaign()),
    tick: (cmd) =>
      this.on(cmd, (n) => {
        for (let i = 0; i < Number(cmd.args[1] ?? 1); i++) n.raw.tick();
      }),
    // propose 1 hello: a client write at node 1
    propose: (cmd) =>
      this.on(cmd, (n) => {
        const r = n.raw.propose(new TextEncoder().encode(cmd.args[1] ?? ''));
        this.out.push(`${n.id}: proposed at ${r.index}/${r.term}`);
      }),
    // conf 1 add|learner|remove 4: a membership change proposed at node 1
    conf: (cmd) =>
      this.on(cmd, (n) => {
        const kinds: Record<string, ConfChangeType> = {
          add: 'addNode',
          learner: 'addLearner',
          remove: 'removeNode',
        };
        const type = kinds[cmd.args[1] ?? ''];
        if (!type) throw new Error(`conf: expected add, learner or remove, got ${cmd.args[1]}`);
        try {
          const r = n.raw.proposeConfChange({ type, nodeId: Number(cmd.args[2]) });
          this.out.push(`${n.id}: proposed at ${r.index}/${r.term}`);
        } catch (err) {
          this.out.push(`${n.id}: refused: ${(err as Error).message}`);
        }
      }),
    // transfer 1 3: node 1 is asked to hand leadership to node 3
    transfer: (cmd) => this.on(cmd, (n) => n.raw.transferLeadership(Number(cmd.args[1]))),
    // deliver [to=2]: every queued message (or those for node 2) reaches its node; the nodes' answers are queued
    deliver: (cmd) => {
      const to = cmd.opts.has('to') ? Number(cmd.opts.get('to')) : undefined;
      const now = this.queue.filter((m) => to === undefined || m.to === to);
      this.queue = this.queue.filter((m) => !now.includes(m));
      this.deliver(now);
    },
    // stabilize: deliver and answer until nothing is left to send
    stabilize: () => {
      for (let round = 0; this.queue.length > 0; round++) {
        if (round > 1_000) throw new Error('stabilize: the group did not go quiet');
        const now = this.queue;
        this.queue = [];
        this.deliver(now);
      }
    },
    // cut 1 2: messages from 1 to 2 are lost from now on; isolate 3: all of 3's links; heal: every link back
    cut: (cmd) => void this.cut.add(`${cmd.args[0]}>${cmd.args[1]}`),
    isolate: (cmd) => {
      const id = Number(cmd.args[0]);
      for (const other of this.nodes.keys()) {
        if (other === id) continue;
        this.cut.add(`${id}>${other}`);
        this.cut.add(`${other}>${id}`);
      }
    },
    heal: () => this.cut.clear(),
    // status: one line per node: role, term, leader, commit, applied, last index/term and membership
    status: () => {
      for (const n of this.sorted()) {
        const s = n.raw.status();
        const learners = s.confState.learners.length > 0 ? ` learners=${s.confState.learners.join(',')}` : '';
        this.out.push(
          `${n.id}: ${s.raftState} term=${s.term} lead=${s.lead} commit=${s.commit} last=${s.lastIndex}/${n.raw.raft.log.lastTerm()} voters=${s.confState.voters.join(',')}${learners}`,
        );
      }
    },
    // entries 2: node 2's log as it is stored
    entries: (cmd) => {
      const n = this.node(Number(cmd.args[0]));
      const first = n.storage.firstIndex();
      const last = n.storage.lastIndex();
      this.out.push(`${n.id}: ${entryList(last >= first ? n.storage.entries(first, last + 1) : [])}`);
    },
    // applied 2: what node 2 handed to its state machine (normal entries with data)
    applied: (cmd) => {
      const n = this.node(Number(cmd.args[0]));
      const data = n.applied
        .filter((e) => e.type === 'normal' && e.data.byteLength > 0)
        .map((e) => text(e.data));
      this.out.push(`${n.id}: ${data.join(' ') || '(nothing)'}`);
    },
  };

  private config(id: NodeId, storage: MemoryStorage): RaftConfig {
    return { id, storage, rng: this.rng.fork(), electionTick: 10, heartbeatTick: 1, ...this.options };
  }

  private addNode(id: NodeId, storage: MemoryStorage): void {
    this.nodes.set(id, { id, raw: new RawNode(this.config(id, storage)), storage, applied: [] });
  }

  private node(id: NodeId): EnvNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  private sorted(): EnvNode[] {
    return [...this.nodes.values()].sort((a, b) => a.id - b.id);
  }

  /** Runs `act` on the node named by the first argument, then handles its Ready. */
  private on(cmd: Command, act: (n: EnvNode) => void): void {
    const n = this.node(Number(cmd.args[0]));
    act(n);
    this.process([n]);
  }

  private deliver(msgs: readonly Message[]): void {
    const touched = new Set<EnvNode>();
    for (const m of msgs) {
      const to = this.nodes.get(m.to);
      if (!to || this.cut.has(`${m.from}>${m.to}`)) {
        this.out.push(`dropped ${formatMessage(m)}`);
        continue;
      }
      to.raw.step(m);
      touched.add(to);
    }
    this.process([...touched].sort((a, b) => a.id - b.id));
  }

  /** Handles every pending Ready of `nodes` as a driver would (persist, apply, send), printing what each did. */
  private process(nodes: EnvNode[]): void {
    for (const n of nodes) {
      while (n.raw.hasReady()) {
        const rd = n.raw.ready();
        if (rd.softState)
          this.out.push(`${n.id}: became ${rd.softState.raftState} (lead ${rd.softState.lead})`);
        if (rd.snapshot) n.storage.applySnapshot(rd.snapshot);
        if (rd.entries.length > 0) this.out.push(`${n.id}: append ${entryList(rd.entries)}`);
        n.storage.append(rd.entries);
        if (rd.hardState) {
          const h = rd.hardState;
          this.out.push(`${n.id}: persist term=${h.term} vote=${h.vote} commit=${h.commit}`);
          n.storage.setHardState(h);
        }
        if (rd.committedEntries.length > 0) this.out.push(`${n.id}: apply ${entryList(rd.committedEntries)}`);
        n.applied.push(...rd.committedEntries);
        for (const m of [...rd.messages, ...rd.messagesAfterPersist]) {
          this.out.push(formatMessage(m));
          this.queue.push(m);
        }
        n.raw.advance();
      }
    }
  }
}
