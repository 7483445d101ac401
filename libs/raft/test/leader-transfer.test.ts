// Leadership transfer: MsgTimeoutNow to an up-to-date transferee, catch-up first, proposals refused meanwhile, timeout.
// (A transfer to a lagging follower, caught up first: testdata/leader-change.txt.)
import { describe, expect, it } from 'vitest';
import { NotLeaderError, ProposalDroppedError } from '../src/index.js';
import { bytes, TestCluster } from './helpers/cluster.js';

describe('leadership transfer', () => {
  it('hands leadership to an up-to-date follower at once', () => {
    const c = new TestCluster([1, 2, 3], { preVote: true, checkQuorum: true });
    c.campaign(1);
    c.node(1).raw.transferLeadership(2);
    c.stabilize();
    expect(c.leaders()).toEqual([2]);
    expect(c.raft(2).term).toBe(2);
    expect(c.sentOfType(1, 'MsgTimeoutNow')).toHaveLength(1);
    // Check-quorum leases did not block the forced election.
    expect(c.raft(1).lead).toBe(2);
  });

  it('refuses proposals while a transfer is in progress, then aborts after an election timeout', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.isolate(3);
    c.node(1).raw.transferLeadership(3);
    c.stabilize();
    expect(c.raft(1).leadTransferee).toBe(3);
    expect(() => c.node(1).raw.propose(bytes('x'))).toThrow(ProposalDroppedError);
    c.tick(1, 10);
    expect(c.raft(1).leadTransferee).toBe(0);
    expect(c.raft(1).state).toBe('leader');
    expect(() => c.propose(1, 'x')).not.toThrow();
  });

  it('a follower forwards a transfer request to the leader', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.node(2).raw.transferLeadership(3);
    c.stabilize();
    expect(c.leaders()).toEqual([3]);
  });

  it('ignores transfers to learners and to itself; a node without leader refuses', () => {
    const c = new TestCluster([1, 2]);
    expect(() => c.node(1).raw.transferLeadership(2)).toThrow(NotLeaderError);
    c.campaign(1);
    c.addNode(3);
    c.node(1).raw.proposeConfChange({ type: 'addLearner', nodeId: 3 });
    c.stabilize();
    c.node(1).raw.transferLeadership(3);
    c.node(1).raw.transferLeadership(1);
    c.stabilize();
    expect(c.leaders()).toEqual([1]);
    expect(c.raft(1).leadTransferee).toBe(0);
  });
});
