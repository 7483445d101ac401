// Log replication: commit, follower rejection of proposals, conflict repair with fast backtracking, batching, flow
// control, the current-term commit rule and what may be sent before persistence.
// (Replication in order, commit by a majority and catching up a node that missed appends: testdata/replication.txt;
// a follower's conflicting suffix overwritten: testdata/conflict-repair.txt.)
import { describe, expect, it } from 'vitest';
import { MemoryStorage, NotLeaderError, type Entry, type MsgApp } from '../src/index.js';
import { bytes, storageWithLog, TestCluster } from './helpers/cluster.js';

const logOf = (c: TestCluster, id: number): string[] => {
  const r = c.raft(id);
  return r.log.slice(r.log.firstIndex(), r.log.lastIndex() + 1).map((e: Entry) => `${e.index}/${e.term}`);
};

describe('log replication', () => {
  it('propose returns where the entry went', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    expect(c.propose(1, 'a')).toEqual({ index: 2, term: 1 });
  });

  it('a follower rejects proposals with the known leader id; a node without leader says so', () => {
    const c = new TestCluster([1, 2, 3]);
    expect(() => c.node(2).raw.propose(bytes('x'))).toThrow(NotLeaderError);
    c.campaign(1);
    try {
      c.node(2).raw.propose(bytes('x'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NotLeaderError);
      expect((e as NotLeaderError).leaderId).toBe(1);
      expect((e as NotLeaderError).code).toBe('NOT_LEADER');
    }
  });

  it('does not commit without a majority', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.isolate(2);
    c.isolate(3);
    c.propose(1, 'a');
    expect(c.raft(1).log.committed).toBe(1);
    expect(c.appliedData(1)).toEqual([]);
  });

  // etcd's TestLeaderSyncFollowerLog: every kind of divergent follower log is repaired to the leader's.
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const followerLogs: Record<string, number[]> = {
    'missing entries': [1, 1, 1, 4, 4, 5, 5, 6, 6],
    'far behind': [1, 1, 1, 4],
    'extra uncommitted entries': [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    'extra entries of a later term': [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    'conflicting entries': [1, 1, 1, 4, 4, 4, 4],
    'long conflicting suffix of old terms': [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  };
  for (const [name, flog] of Object.entries(followerLogs)) {
    it(`repairs a follower log with ${name}`, () => {
      const c = new TestCluster([]);
      const conf = [1, 2, 3];
      const ls = storageWithLog(conf, leaderLog, 1);
      ls.setHardState({ term: 8, vote: 0, commit: 1 });
      const fs = storageWithLog(conf, flog, 1);
      fs.setHardState({ term: 8, vote: 0, commit: 1 });
      const third = new MemoryStorage({ voters: conf, learners: [] });
      third.setHardState({ term: 8, vote: 0, commit: 0 });
      c.addNode(1, ls);
      c.addNode(2, fs);
      c.addNode(3, third);
      c.campaign(1);
      expect(c.leaders()).toEqual([1]);
      c.tickAll(3);
      expect(logOf(c, 2)).toEqual(logOf(c, 1));
      expect(logOf(c, 3)).toEqual(logOf(c, 1));
      expect(c.raft(2).log.committed).toBe(11);
      // Fast backtracking: a handful of rejections, not one per divergent entry.
      const rejections = c.node(2).sent.filter((m) => m.type === 'MsgAppResp' && m.reject);
      expect(rejections.length).toBeLessThanOrEqual(3);
    });
  }

  it('backtracks over a long divergent log in a few round trips', () => {
    const c = new TestCluster([]);
    const conf = [1, 2, 3];
    const long = Array.from({ length: 200 }, () => 2);
    const ls = storageWithLog(conf, [1, ...Array.from({ length: 5 }, () => 3)], 1);
    ls.setHardState({ term: 3, vote: 0, commit: 1 });
    const fs = storageWithLog(conf, [1, ...long], 1);
    fs.setHardState({ term: 3, vote: 0, commit: 1 });
    const third = storageWithLog(conf, [1], 1);
    third.setHardState({ term: 3, vote: 0, commit: 1 });
    c.addNode(1, ls);
    c.addNode(2, fs);
    c.addNode(3, third);
    c.campaign(1);
    c.tickAll(2);
    expect(logOf(c, 2)).toEqual(logOf(c, 1));
    expect(c.node(2).sent.filter((m) => m.type === 'MsgAppResp' && m.reject).length).toBeLessThanOrEqual(2);
  });

  it('batches by entry count and by bytes', () => {
    const c = new TestCluster([1, 2, 3], { maxEntriesPerMsg: 3, maxSizePerMsg: 10 });
    c.campaign(1);
    c.isolate(3);
    for (let i = 0; i < 10; i++) c.propose(1, 'xxxx');
    c.heal();
    c.tickAll(5);
    expect(c.appliedData(3)).toHaveLength(10);
    const apps = c.sentOfType(1, 'MsgApp') as MsgApp[];
    expect(Math.max(...apps.map((m) => m.entries.length))).toBeLessThanOrEqual(3);
    // 10-byte budget with 4-byte entries: at most two entries (a single larger entry would still go alone).
    expect(Math.max(...apps.filter((m) => m.to === 3).map((m) => m.entries.length))).toBe(2);
  });

  it('pipelines within the inflight window and stops when it is full', () => {
    const c = new TestCluster([1, 2, 3], { maxInflightMsgs: 2 });
    c.campaign(1);
    expect(c.node(1).raw.status().progress?.get(2)?.state).toBe('replicate');
    c.filter = (m) => !(m.type === 'MsgAppResp' && m.from === 2);
    // Entry-carrying MsgApps to node 2 (empty ones only propagate the commit index and use no window slot).
    const carrying = () =>
      (c.sentOfType(1, 'MsgApp') as MsgApp[]).filter((m) => m.to === 2 && m.entries.length > 0).length;
    const before = carrying();
    for (let i = 0; i < 10; i++) c.propose(1, `v${i}`);
    expect(carrying() - before).toBe(2);
    // Node 3 keeps acknowledging, so everything still commits.
    expect(c.raft(1).log.committed).toBe(11);
    c.filter = () => true;
    c.tickAll(3);
    expect(c.appliedData(2)).toHaveLength(10);
  });

  it('probes a follower one message at a time until it answers', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.isolate(2);
    c.tick(1, 1);
    expect(c.node(1).raw.status().progress?.get(2)?.state).toBe('replicate');
    // Rejections put it back into probe; nothing is lost once the link heals.
    c.heal();
    for (let i = 0; i < 3; i++) c.propose(1, `v${i}`);
    c.tickAll(2);
    expect(c.appliedData(2)).toEqual(['v0', 'v1', 'v2']);
  });

  it('only commits entries of the current term by counting replicas (Raft paper, figure 8)', () => {
    // Everyone holds entries of terms 1 and 2 that were never committed; node 1 becomes leader of term 3.
    const c = new TestCluster([]);
    for (const id of [1, 2, 3]) {
      const s = storageWithLog([1, 2, 3], [1, 2], 0);
      s.setHardState({ term: 2, vote: 0, commit: 0 });
      c.addNode(id, s);
    }
    // Keep the new leader's own entry (index 3) from reaching the followers.
    c.filter = (m) => !(m.type === 'MsgApp' && m.entries.some((e) => e.index === 3));
    c.campaign(1);
    expect(c.raft(1).state).toBe('leader');
    const n1 = c.node(1);
    n1.raw.step({
      type: 'MsgAppResp',
      from: 2,
      to: 1,
      term: 3,
      index: 2,
      reject: false,
      rejectHint: 0,
      logTerm: 0,
    });
    c.drainReadies();
    // A majority holds index 2, but it is from term 2: not committed yet.
    expect(c.raft(1).log.committed).toBe(0);
    n1.raw.step({
      type: 'MsgAppResp',
      from: 2,
      to: 1,
      term: 3,
      index: 3,
      reject: false,
      rejectHint: 0,
      logTerm: 0,
    });
    c.drainReadies();
    expect(c.raft(1).log.committed).toBe(3);
  });

  it('a leader counts itself towards a commit only once its entries are durable', () => {
    const c = new TestCluster([1]);
    c.campaign(1);
    const n = c.node(1);
    n.raw.propose(bytes('a'));
    const rd = n.raw.ready();
    expect(rd.entries.map((e) => e.index)).toEqual([2]);
    expect(rd.committedEntries).toEqual([]);
    expect(c.raft(1).log.committed).toBe(1);
    n.storage.append(rd.entries);
    n.raw.advance();
    expect(c.raft(1).log.committed).toBe(2);
    expect(n.raw.ready().committedEntries.map((e) => e.index)).toEqual([2]);
  });

  it('leaders send MsgApp before persisting; followers acknowledge only after persisting', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.node(1).raw.propose(bytes('a'));
    const rd1 = c.node(1).raw.ready();
    expect(rd1.messages.every((m) => m.type === 'MsgApp')).toBe(true);
    expect(rd1.messages).toHaveLength(2);
    c.node(1).storage.append(rd1.entries);
    c.node(1).raw.advance();
    c.node(2).raw.step(rd1.messages.find((m) => m.to === 2)!);
    const rd2 = c.node(2).raw.ready();
    expect(rd2.entries).toHaveLength(1);
    expect(rd2.messages).toEqual([]);
    expect(rd2.messagesAfterPersist.map((m) => m.type)).toEqual(['MsgAppResp']);
  });

  it('a follower commits only entries known to match the leader, not a stale suffix beyond them', () => {
    // Follower log: 1/1 2/1 3/2 4/2 (3 and 4 from a deposed leader); the new leader of term 3 has 1/1 2/1 3/3 4/3
    // and has committed 4. A MsgApp carrying only entry 2 must advance commit to 2, not 4.
    const s = storageWithLog([1, 2, 3], [1, 1, 2, 2], 1);
    s.setHardState({ term: 3, vote: 0, commit: 1 });
    const c = new TestCluster([]);
    const f = c.addNode(2, s);
    f.raw.step({
      type: 'MsgApp',
      from: 1,
      to: 2,
      term: 3,
      index: 1,
      logTerm: 1,
      entries: [{ index: 2, term: 1, type: 'normal', data: bytes('e2t1') }],
      commit: 4,
    });
    expect(c.raft(2).log.committed).toBe(2);
    // The stale entries are replaced once the leader sends its own.
    f.raw.step({
      type: 'MsgApp',
      from: 1,
      to: 2,
      term: 3,
      index: 2,
      logTerm: 1,
      entries: [3, 4].map((i) => ({ index: i, term: 3, type: 'normal' as const, data: bytes(`n${i}`) })),
      commit: 4,
    });
    expect(c.raft(2).log.committed).toBe(4);
    expect(c.raft(2).log.term(3)).toBe(3);
  });

  it('heartbeats never advance a follower commit beyond what it holds', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.isolate(3);
    c.propose(1, 'a');
    c.heal();
    c.filter = (m) => m.type !== 'MsgApp'; // only heartbeats get through
    c.tick(1, 1);
    expect(c.raft(3).log.committed).toBe(1);
    c.filter = () => true;
    c.tickAll(2);
    expect(c.raft(3).log.committed).toBe(2);
  });
});
