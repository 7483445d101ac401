// Single-server membership changes: learners, promotion, removal, one change at a time, the new-leader rule,
// configs taking effect on append and reverting on truncation, and a leader removing itself.
// (An empty node joining as a learner, promoted, a voter removed and one change at a time: testdata/conf-change.txt.)
import { describe, expect, it } from 'vitest';
import {
  applyConfChange,
  ConfChangeRejectedError,
  decodeConfChangeEntry,
  encodeConfChangeEntry,
  type ConfState,
} from '../src/index.js';
import { TestCluster } from './helpers/cluster.js';

function confChange(
  c: TestCluster,
  leader: number,
  type: 'addNode' | 'removeNode' | 'addLearner',
  nodeId: number,
) {
  const r = c.node(leader).raw.proposeConfChange({ type, nodeId });
  c.stabilize();
  return r;
}

describe('applyConfChange', () => {
  const cs: ConfState = { voters: [1, 2, 3], learners: [4] };
  it('adds, promotes and removes one server at a time', () => {
    expect(applyConfChange(cs, { type: 'addNode', nodeId: 5 })).toEqual({
      voters: [1, 2, 3, 5],
      learners: [4],
    });
    expect(applyConfChange(cs, { type: 'addNode', nodeId: 4 })).toEqual({
      voters: [1, 2, 3, 4],
      learners: [],
    });
    expect(applyConfChange(cs, { type: 'addLearner', nodeId: 6 })).toEqual({
      voters: [1, 2, 3],
      learners: [4, 6],
    });
    expect(applyConfChange(cs, { type: 'removeNode', nodeId: 2 })).toEqual({ voters: [1, 3], learners: [4] });
    expect(applyConfChange(cs, { type: 'removeNode', nodeId: 4 })).toEqual({
      voters: [1, 2, 3],
      learners: [],
    });
  });
  it('refuses no-ops and unsafe changes', () => {
    expect(() => applyConfChange(cs, { type: 'addNode', nodeId: 1 })).toThrow(ConfChangeRejectedError);
    expect(() => applyConfChange(cs, { type: 'addLearner', nodeId: 4 })).toThrow(/already a learner/);
    expect(() => applyConfChange(cs, { type: 'addLearner', nodeId: 1 })).toThrow(/is a voter/);
    expect(() => applyConfChange(cs, { type: 'removeNode', nodeId: 9 })).toThrow(/not a member/);
    expect(() => applyConfChange({ voters: [1], learners: [] }, { type: 'removeNode', nodeId: 1 })).toThrow(
      /last voter/,
    );
    expect(() => applyConfChange(cs, { type: 'addNode', nodeId: 0 })).toThrow(/positive integer/);
  });
  it('round-trips the entry payload', () => {
    const data = {
      change: { type: 'addNode' as const, nodeId: 5 },
      confState: { voters: [1, 5], learners: [] },
    };
    expect(decodeConfChangeEntry(encodeConfChangeEntry(data))).toEqual(data);
  });
});

describe('membership changes', () => {
  it('a learner receives the log but neither votes nor counts towards commit', () => {
    const c = new TestCluster([1, 2]);
    c.campaign(1);
    c.addNode(3);
    confChange(c, 1, 'addLearner', 3);
    c.tickAll(2);
    c.propose(1, 'a');
    expect(c.appliedData(3)).toEqual(['a']);
    expect(c.raft(3).currentConf()).toEqual({ voters: [1, 2], learners: [3] });
    // With node 2 down, the learner cannot help commit.
    c.isolate(2);
    c.propose(1, 'b');
    expect(c.appliedData(1)).toEqual(['a']);
    // And a learner never campaigns.
    c.tick(3, 100);
    expect(c.raft(3).state).toBe('follower');
    expect(c.raft(3).term).toBe(1);
  });

  it('promoting a learner makes it a voter', () => {
    const c = new TestCluster([1, 2]);
    c.campaign(1);
    c.addNode(3);
    confChange(c, 1, 'addLearner', 3);
    confChange(c, 1, 'addNode', 3);
    expect(c.raft(1).currentConf()).toEqual({ voters: [1, 2, 3], learners: [] });
    c.isolate(2);
    c.propose(1, 'x'); // 1 and 3 are a quorum of 3
    expect(c.appliedData(1)).toEqual(['x']);
    c.isolate(1);
    c.campaign(3);
    expect(c.raft(3).state).not.toBe('leader'); // needs 2 of 3 and only has itself
  });

  it('removing a voter shrinks the quorum', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    confChange(c, 1, 'removeNode', 3);
    confChange(c, 1, 'removeNode', 2);
    expect(c.raft(1).trk.progress.has(3)).toBe(false);
    c.isolate(2);
    c.isolate(3);
    c.propose(1, 'alone'); // a quorum of one
    expect(c.appliedData(1)).toEqual(['alone']);
  });

  it('a new leader must commit an entry of its term before changing membership', () => {
    const c = new TestCluster([1, 2, 3]);
    c.filter = (m) => m.type !== 'MsgApp';
    c.campaign(1);
    expect(c.raft(1).state).toBe('leader');
    try {
      c.node(1).raw.proposeConfChange({ type: 'removeNode', nodeId: 3 });
      expect.unreachable();
    } catch (e) {
      expect((e as ConfChangeRejectedError).reason).toBe('no-commit-in-term');
    }
    c.filter = () => true;
    c.tickAll(1);
    expect(() => confChange(c, 1, 'removeNode', 3)).not.toThrow();
  });

  it('a follower uses a config as soon as it appends it, before it commits', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.isolate(3);
    // Node 2 receives the change but nobody commits it, because acks to node 1 are cut.
    c.filter = (m) => !(m.type === 'MsgAppResp' && m.to === 1);
    c.node(1).raw.proposeConfChange({ type: 'removeNode', nodeId: 3 });
    c.stabilize();
    expect(c.raft(2).currentConf().voters).toEqual([1, 2]);
    expect(c.raft(1).log.committed).toBe(1);
    // Under {1,2}, node 2 needs node 1's vote; node 3's vote no longer counts.
    c.filter = () => true;
    c.heal();
    c.isolate(1);
    c.campaign(2);
    expect(c.raft(2).state).toBe('candidate');
  });

  it('reverting: an uncommitted config entry overwritten by a new leader is undone on the follower', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.isolate(2);
    c.isolate(3);
    c.node(1).raw.proposeConfChange({ type: 'removeNode', nodeId: 3 });
    c.stabilize();
    expect(c.raft(1).currentConf().voters).toEqual([1, 2]);
    // 2 and 3 move on without it.
    c.heal();
    c.isolate(1);
    c.campaign(2);
    expect(c.raft(2).state).toBe('leader');
    c.propose(2, 'x');
    c.heal();
    c.tickAll(3);
    // Node 1's conflicting config entry was replaced: back to three voters.
    expect(c.raft(1).currentConf().voters).toEqual([1, 2, 3]);
    expect(c.appliedData(1)).toEqual(['x']);
  });

  it('a leader removing itself keeps leading until the change commits, then steps down', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    confChange(c, 1, 'removeNode', 1);
    expect(c.raft(1).state).toBe('follower');
    expect(c.raft(2).currentConf().voters).toEqual([2, 3]);
    c.tickAll(30);
    const leaders = c.leaders();
    expect(leaders).toHaveLength(1);
    expect(leaders[0]).not.toBe(1);
    // The removed node never campaigns again.
    expect(c.raft(1).promotable()).toBe(false);
  });

  it('a node removed by an uncommitted entry still campaigns (thesis 4.2.2), without counting its own vote', () => {
    // Found by the simulator (seed 767 before the fix): the only node with an electable log had appended its own
    // removal, refused to campaign, and the cluster deadlocked.
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    c.filter = (m) => !(m.type === 'MsgAppResp' && m.to === 1);
    c.node(1).raw.proposeConfChange({ type: 'removeNode', nodeId: 1 });
    c.stabilize();
    expect(c.raft(2).currentConf().voters).toEqual([2, 3]);
    expect(c.raft(1).log.committed).toBe(1); // the removal (index 2) is not committed
    c.filter = () => true;
    c.restart(1);
    expect(c.raft(1).promotable()).toBe(true);
    c.campaign(1);
    expect(c.raft(1).term).toBe(2);
    // It won with the votes of 2 and 3 alone, then committed the removal and stepped down.
    expect(
      c
        .sentOfType(1, 'MsgVote')
        .filter((m) => m.term === 2)
        .map((m) => m.to),
    ).toEqual([2, 3]);
    expect(c.raft(2).log.committed).toBeGreaterThanOrEqual(3);
    expect(c.raft(1).state).toBe('follower');
    expect(c.raft(1).promotable()).toBe(false);
  });

  it('survives a restart: membership is rebuilt from snapshot and log', () => {
    const c = new TestCluster([1, 2]);
    c.campaign(1);
    c.addNode(3);
    confChange(c, 1, 'addLearner', 3);
    confChange(c, 1, 'addNode', 3);
    c.restart(2);
    expect(c.raft(2).currentConf()).toEqual({ voters: [1, 2, 3], learners: [] });
  });
});
