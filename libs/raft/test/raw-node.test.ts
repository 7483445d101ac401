// The RawNode contract (one Ready at a time, what goes where, mustSync) and invariants that refuse corrupted state.
import { describe, expect, it } from 'vitest';
import {
  MemoryStorage,
  ProposalDroppedError,
  RaftError,
  RaftInvariantError,
  RawNode,
  Xoshiro128,
  type RaftConfig,
} from '../src/index.js';
import { bytes, storageWithLog, TestCluster } from './helpers/cluster.js';

const cfg = (storage: MemoryStorage, extra: Partial<RaftConfig> = {}): RaftConfig => ({
  id: 1,
  storage,
  rng: new Xoshiro128(1),
  electionTick: 10,
  heartbeatTick: 1,
  ...extra,
});

describe('RawNode', () => {
  it('hands out one Ready at a time', () => {
    const n = new RawNode(cfg(new MemoryStorage({ voters: [1], learners: [] })));
    n.campaign();
    expect(n.hasReady()).toBe(true);
    n.ready();
    expect(n.hasReady()).toBe(false);
    expect(() => n.ready()).toThrow(RaftError);
    n.advance();
    expect(() => n.advance()).toThrow(RaftInvariantError);
  });

  it('reports soft and hard state only when they change, and mustSync only for durable changes', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    const n = c.node(1);
    expect(n.raw.hasReady()).toBe(false);
    n.raw.tick(); // heartbeat only: no durable change
    const rd = n.raw.ready();
    expect(rd.softState).toBeUndefined();
    expect(rd.hardState).toBeUndefined();
    expect(rd.mustSync).toBe(false);
    expect(rd.messages.map((m) => m.type)).toEqual(['MsgHeartbeat', 'MsgHeartbeat']);
    n.raw.advance();
  });

  it('rejects invalid configuration with a clear error', () => {
    const s = new MemoryStorage({ voters: [1], learners: [] });
    expect(() => new RawNode(cfg(s, { id: 0 }))).toThrow(/id must be a positive integer/);
    expect(() => new RawNode(cfg(s, { electionTick: 1, heartbeatTick: 1 }))).toThrow(
      /electionTick must be > heartbeatTick/,
    );
  });

  it('limits uncommitted bytes on the leader', () => {
    const c = new TestCluster([1, 2, 3], { maxUncommittedEntriesSize: 10 });
    c.campaign(1);
    c.isolate(2);
    c.isolate(3);
    c.propose(1, '12345678');
    try {
      c.propose(1, '12345678');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProposalDroppedError);
      expect((e as ProposalDroppedError).reason).toBe('uncommitted-size-limit');
    }
    c.heal();
    c.tickAll(2);
    expect(() => c.propose(1, '12345678')).not.toThrow();
  });
});

describe('invariants refuse corrupted or impossible state', () => {
  it('a stored commit index beyond the stored log', () => {
    const s = storageWithLog([1], [1, 1], 0);
    s.setHardState({ term: 1, vote: 0, commit: 5 });
    expect(() => new RawNode(cfg(s))).toThrow(RaftInvariantError);
  });

  it('a log with a term above the stored term', () => {
    const s = storageWithLog([1], [1, 3], 0);
    s.setHardState({ term: 2, vote: 0, commit: 0 });
    expect(() => new RawNode(cfg(s))).toThrow(/last log term 3 > stored term 2/);
  });

  it('a second leader in the same term', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    expect(() =>
      c
        .node(1)
        .raw.step({ type: 'MsgApp', from: 2, to: 1, term: 1, index: 0, logTerm: 0, entries: [], commit: 0 }),
    ).toThrow(/leader 1 got MsgApp from 2 in its own term/);
  });

  it('a leader told to commit beyond what a follower holds (a lying heartbeat)', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    expect(() =>
      c.node(2).raw.step({
        type: 'MsgHeartbeat',
        from: 1,
        to: 2,
        term: 1,
        commit: 50,
        context: new Uint8Array(),
        tick: 0,
      }),
    ).toThrow(/commit 50 beyond last index/);
  });

  it('entries from a term later than the message that carried them', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    expect(() =>
      c.node(2).raw.step({
        type: 'MsgApp',
        from: 1,
        to: 2,
        term: 1,
        index: 1,
        logTerm: 1,
        entries: [{ index: 2, term: 2, type: 'normal', data: bytes('from the future') }],
        commit: 1,
      }),
    ).toThrow(/last log term 2 > current term 1/);
  });

  it('the log refuses to truncate committed entries', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.propose(1, 'a');
    expect(c.raft(2).log.committed).toBe(2);
    expect(() => c.raft(2).log.append([{ index: 2, term: 1, type: 'normal', data: bytes('x') }])).toThrow(
      /would truncate committed/,
    );
  });
});
