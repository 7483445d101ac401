// Linearizable reads: ReadIndex with a heartbeat round, forwarding from followers, the new-leader rule, and leases.
import { describe, expect, it } from 'vitest';
import { NotLeaderError } from '../src/index.js';
import { bytes, TestCluster, text } from './helpers/cluster.js';

describe('ReadIndex', () => {
  it('the leader confirms leadership with a heartbeat round before answering', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.propose(1, 'a');
    const n1 = c.node(1);
    n1.raw.readIndex(bytes('r1'));
    // Nothing yet: the heartbeats carrying the context must come back from a quorum.
    const rd = n1.raw.ready();
    expect(rd.readStates).toEqual([]);
    expect(rd.messages.filter((m) => m.type === 'MsgHeartbeat')).toHaveLength(2);
    n1.raw.advance();
    c.deliver(rd.messages);
    c.stabilize();
    expect(n1.readStates.map((r) => [r.index, text(r.requestCtx)])).toEqual([[2, 'r1']]);
  });

  it('answers on a follower with the leader commit index', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.propose(1, 'a');
    c.node(3).raw.readIndex(bytes('f'));
    c.stabilize();
    expect(c.node(3).readStates.map((r) => [r.index, text(r.requestCtx)])).toEqual([[2, 'f']]);
  });

  it('an isolated leader cannot complete a read', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.isolate(1);
    c.node(1).raw.readIndex(bytes('stale?'));
    c.tick(1, 5);
    expect(c.node(1).readStates).toEqual([]);
  });

  it('a new leader defers reads until it has committed an entry of its term', () => {
    const c = new TestCluster([1, 2, 3]);
    c.filter = (m) => m.type !== 'MsgApp';
    c.campaign(1);
    c.node(1).raw.readIndex(bytes('early'));
    c.tick(1, 2);
    expect(c.node(1).readStates).toEqual([]);
    c.filter = () => true;
    c.tick(1, 2);
    expect(c.node(1).readStates.map((r) => text(r.requestCtx))).toEqual(['early']);
    expect(c.node(1).readStates[0]!.index).toBe(1);
  });

  it('a single-voter cluster answers at once (after its first commit)', () => {
    const c = new TestCluster([1]);
    c.campaign(1);
    c.node(1).raw.readIndex(bytes('solo'));
    c.stabilize();
    expect(c.node(1).readStates.map((r) => r.index)).toEqual([1]);
  });

  it('a node without a known leader refuses reads', () => {
    const c = new TestCluster([1, 2, 3]);
    expect(() => c.node(2).raw.readIndex(bytes('x'))).toThrow(NotLeaderError);
  });

  it('batches: one quorum round confirms every read queued before it', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.filter = (m) => m.type !== 'MsgHeartbeatResp';
    c.node(1).raw.readIndex(bytes('a'));
    c.node(1).raw.readIndex(bytes('b'));
    c.stabilize();
    expect(c.node(1).readStates).toEqual([]);
    c.filter = () => true;
    c.tick(1, 1);
    expect(c.node(1).readStates.map((r) => text(r.requestCtx))).toEqual(['a', 'b']);
  });
});

describe('lease reads', () => {
  const lease = { checkQuorum: true, preVote: true, readOnlyOption: 'lease' as const };

  it('are refused without check-quorum', () => {
    expect(() => new TestCluster([1, 2, 3], { readOnlyOption: 'lease', checkQuorum: false })).toThrow(
      /requires checkQuorum/,
    );
  });

  it('the leader answers locally while its lease is valid', () => {
    const c = new TestCluster([1, 2, 3], lease);
    c.tickAll(11); // wait out the boot guard; node timers expire
    c.campaign(c.leaders()[0] ?? 1);
    const l = c.leaders()[0]!;
    c.tick(l, 1); // a heartbeat round acknowledged by a quorum
    c.isolate(l);
    c.node(l).raw.readIndex(bytes('lease'));
    c.stabilize();
    expect(c.node(l).readStates.map((r) => text(r.requestCtx))).toEqual(['lease']);
  });

  it('the lease expires before any other node could have been elected', () => {
    const c = new TestCluster([1, 2, 3], lease);
    c.tickAll(11);
    const l = c.leaders()[0] ?? (c.campaign(1), 1);
    c.tick(l, 1);
    c.isolate(l);
    c.tick(l, 9); // electionTick 10 minus the safety margin of 1
    c.node(l).raw.readIndex(bytes('late'));
    c.stabilize();
    expect(c.node(l).readStates).toEqual([]);
  });

  it('is revoked once leadership is being transferred, even after the transfer is abandoned', () => {
    const c = new TestCluster([1, 2, 3], lease);
    c.tickAll(11);
    const l = c.leaders()[0] ?? (c.campaign(1), 1);
    c.tick(l, 1);
    const other = [1, 2, 3].find((x) => x !== l)!;
    // The MsgTimeoutNow is "in flight" (here: lost), so the transferee may yet campaign, bypassing leases.
    c.filter = (m) => m.type !== 'MsgTimeoutNow';
    c.node(l).raw.transferLeadership(other);
    c.stabilize();
    c.node(l).raw.readIndex(bytes('during-transfer'));
    c.tick(l, 10); // the transfer times out; heartbeats keep being acknowledged
    expect(c.raft(l).leadTransferee).toBe(0);
    expect(c.raft(l).state).toBe('leader');
    c.isolate(l);
    c.node(l).raw.readIndex(bytes('after-abort'));
    c.stabilize();
    // The first read completed through a quorum round before the isolation; the second must not use the lease.
    expect(c.node(l).readStates.map((r) => text(r.requestCtx))).toEqual(['during-transfer']);
  });

  it('a restarted node refuses votes for an election timeout (a leader may rely on its earlier ack)', () => {
    const c = new TestCluster([1, 2, 3], lease);
    c.tickAll(11);
    c.restart(2);
    const vote = { type: 'MsgVote' as const, from: 3, to: 2, term: 99, index: 99, logTerm: 99, force: false };
    c.node(2).raw.step(vote);
    expect(c.raft(2).term).toBeLessThan(99);
    for (let i = 0; i < 10; i++) c.node(2).raw.tick();
    c.node(2).raw.step(vote);
    expect(c.raft(2).term).toBe(99);
  });
});
