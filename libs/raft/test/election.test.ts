// Leader election: basic elections, log up-to-dateness, one vote per term, randomized timeouts, pre-vote, check-quorum.
// (A three-node election and a candidate with a stale log losing are scripts: testdata/election*.txt.)
import { describe, expect, it } from 'vitest';
import { MemoryStorage, RawNode, Xoshiro128, type Message } from '../src/index.js';
import { storageWithLog, TestCluster } from './helpers/cluster.js';

describe('leader election', () => {
  it('a single node elects itself and commits an entry of its term', () => {
    const c = new TestCluster([1]);
    c.campaign(1);
    expect(c.raft(1).state).toBe('leader');
    expect(c.raft(1).term).toBe(1);
    expect(c.raft(1).log.committed).toBe(1);
  });

  it('an election timeout starts an election without help', () => {
    const c = new TestCluster([1, 2, 3]);
    c.tickAll(25);
    expect(c.leaders()).toHaveLength(1);
  });

  it('randomized election timeouts fall in [electionTick, 2*electionTick)', () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 200; seed++) {
      const raw = new RawNode({
        id: 1,
        storage: new MemoryStorage({ voters: [1, 2, 3], learners: [] }),
        rng: new Xoshiro128(seed),
        electionTick: 10,
        heartbeatTick: 1,
      });
      seen.add(raw.raft.randomizedElectionTimeout);
    }
    expect(Math.min(...seen)).toBe(10);
    expect(Math.max(...seen)).toBe(19);
  });

  it('grants at most one vote per term, and remembers it across restarts', () => {
    const c = new TestCluster([1, 2, 3]);
    const vote = (from: number, term: number): Message => ({
      type: 'MsgVote',
      from,
      to: 2,
      term,
      index: 0,
      logTerm: 0,
      force: false,
    });
    const n2 = c.node(2);
    n2.raw.step(vote(1, 1));
    c.drainReadies();
    n2.raw.step(vote(3, 1));
    const rd = n2.raw.ready();
    const resp = rd.messagesAfterPersist.find((m) => m.type === 'MsgVoteResp');
    expect(resp && 'reject' in resp && resp.reject).toBe(true);
    n2.raw.advance();
    expect(c.raft(2).vote).toBe(1);
    c.restart(2);
    expect(c.raft(2).vote).toBe(1);
    c.node(2).raw.step(vote(3, 1));
    const rd2 = c.node(2).raw.ready();
    const resp2 = rd2.messagesAfterPersist.find((m) => m.type === 'MsgVoteResp');
    expect(resp2 && 'reject' in resp2 && resp2.reject).toBe(true);
  });

  it('vote responses and the self-vote wait for the term and vote to be persisted', () => {
    const c = new TestCluster([1, 2, 3]);
    const n1 = c.node(1);
    n1.raw.campaign();
    const rd = n1.raw.ready();
    expect(rd.hardState).toMatchObject({ term: 1, vote: 1 });
    expect(rd.mustSync).toBe(true);
    expect(rd.messages.map((m) => m.type)).toEqual(['MsgVote', 'MsgVote']);
    expect(rd.messagesAfterPersist).toEqual([]); // the self-vote is internal and only counted on advance()
    // Peers' grants count as they arrive: two of them are a quorum without our own vote.
    for (const from of [2, 3]) n1.raw.step({ type: 'MsgVoteResp', from, to: 1, term: 1, reject: false });
    expect(c.raft(1).state).toBe('leader'); // 2 of 3 peers granted: a quorum without us
    // With only one peer granting, our own (not yet durable) vote is needed.
    const d = new TestCluster([1, 2, 3]);
    d.node(1).raw.campaign();
    d.node(1).raw.ready();
    d.node(1).raw.step({ type: 'MsgVoteResp', from: 2, to: 1, term: 1, reject: false });
    expect(d.raft(1).state).toBe('candidate');
    d.node(1).raw.advance();
    expect(d.raft(1).state).toBe('leader');
  });

  it('a candidate that loses returns to follower', () => {
    const c = new TestCluster([1, 2, 3]);
    c.node(1).raw.campaign();
    c.drainReadies();
    for (const from of [2, 3])
      c.node(1).raw.step({ type: 'MsgVoteResp', from, to: 1, term: 1, reject: true });
    expect(c.raft(1).state).toBe('follower');
  });

  it('a follower learns a higher term from any message and drops its leader', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.node(2).raw.step({ type: 'MsgVote', from: 3, to: 2, term: 5, index: 0, logTerm: 0, force: false });
    expect(c.raft(2).term).toBe(5);
    expect(c.raft(2).lead).toBe(0);
  });
});

describe('pre-vote', () => {
  it('a partitioned node does not inflate its term, and rejoining does not disrupt the leader', () => {
    const c = new TestCluster([1, 2, 3], { preVote: true });
    c.campaign(1);
    c.isolate(3);
    c.tick(3, 100);
    expect(c.raft(3).term).toBe(1);
    expect(c.raft(3).state).toBe('preCandidate');
    c.heal();
    c.tickAll(3);
    expect(c.leaders()).toEqual([1]);
    expect(c.raft(1).term).toBe(1);
    expect(c.raft(3).lead).toBe(1);
  });

  it('without pre-vote the same partition deposes the leader (the problem pre-vote solves)', () => {
    const c = new TestCluster([1, 2, 3], { preVote: false });
    c.campaign(1);
    c.isolate(3);
    c.tick(3, 100);
    expect(c.raft(3).term).toBeGreaterThan(3);
    c.heal();
    c.tick(3, 30);
    expect(c.raft(1).term).toBeGreaterThan(1);
  });

  it('a pre-vote granted by a quorum leads to a real election', () => {
    const c = new TestCluster([1, 2, 3], { preVote: true });
    c.campaign(1);
    expect(c.leaders()).toEqual([1]);
    expect(c.sentOfType(1, 'MsgPreVote')).toHaveLength(2);
    expect(c.sentOfType(1, 'MsgVote')).toHaveLength(2);
  });

  it('nodes with an up-to-date leader (in lease) ignore pre-votes when check-quorum is on', () => {
    const c = new TestCluster([1, 2, 3], { preVote: true, checkQuorum: true });
    c.campaign(1);
    c.tickAll(1);
    c.node(2).raw.step({ type: 'MsgPreVote', from: 3, to: 2, term: 2, index: 99, logTerm: 9, force: false });
    const rd = c.node(2).raw.ready();
    expect([...rd.messages, ...rd.messagesAfterPersist].filter((m) => m.type === 'MsgPreVoteResp')).toEqual(
      [],
    );
  });
});

describe('check-quorum', () => {
  it('an isolated leader steps down after an election timeout', () => {
    const c = new TestCluster([1, 2, 3], { checkQuorum: true });
    c.campaign(1);
    c.isolate(1);
    c.tick(1, 9);
    expect(c.raft(1).state).toBe('leader');
    c.tick(1, 12);
    expect(c.raft(1).state).toBe('follower');
  });

  it('without check-quorum an isolated leader keeps believing it leads', () => {
    const c = new TestCluster([1, 2, 3], { checkQuorum: false });
    c.campaign(1);
    c.isolate(1);
    c.tick(1, 100);
    expect(c.raft(1).state).toBe('leader');
  });

  it('a leader that hears from a quorum stays leader', () => {
    const c = new TestCluster([1, 2, 3], { checkQuorum: true });
    c.campaign(1);
    c.isolate(3);
    c.tick(1, 50);
    expect(c.raft(1).state).toBe('leader');
  });

  it('a stale leader learns the new term from a follower answering its heartbeat', () => {
    const c = new TestCluster([1, 2, 3], { checkQuorum: false, preVote: true });
    c.campaign(1);
    c.isolate(1);
    c.campaign(2);
    expect(c.raft(2).term).toBe(2);
    c.heal();
    c.tick(1); // heartbeat at term 1 is answered at term 2
    expect(c.raft(1).state).toBe('follower');
    expect(c.raft(1).term).toBe(2);
  });

  it('restart keeps term, vote and log from storage', () => {
    const s = storageWithLog([1, 2, 3], [1, 1, 2], 2);
    s.setHardState({ term: 3, vote: 2, commit: 2 });
    const raw = new RawNode({
      id: 1,
      storage: s,
      rng: new Xoshiro128(1),
      electionTick: 10,
      heartbeatTick: 1,
    });
    expect(raw.status()).toMatchObject({ term: 3, vote: 2, commit: 2, lastIndex: 3, raftState: 'follower' });
  });
});
