// Coordinator placement by rendezvous hashing: every broker computes the same owner, groups spread over the nodes,
// and a node leaving moves only the groups it held.
import { describe, expect, it } from 'vitest';
import { CoordinatorPlacement, type BrokerAddress } from '../../src/group/coordinator-placement.js';

const node = (nodeId: number): BrokerAddress => ({ nodeId, host: '127.0.0.1', port: 9000 + nodeId });

describe('CoordinatorPlacement', () => {
  it('all brokers agree, load spreads, and a leaving node moves only its own groups', () => {
    let nodes = [node(1), node(2), node(3)];
    const views = nodes.map((n) => new CoordinatorPlacement(n.nodeId, () => nodes));
    const groups = Array.from({ length: 300 }, (_, i) => `group-${i}`);
    const before = new Map(groups.map((g) => [g, views[0]!.coordinatorFor(g)!.nodeId]));
    for (const g of groups) {
      expect(views.map((v) => v.coordinatorFor(g)!.nodeId)).toEqual([
        before.get(g),
        before.get(g),
        before.get(g),
      ]);
      expect(views.filter((v) => v.owns(g))).toHaveLength(1);
    }
    const counts = [1, 2, 3].map((id) => groups.filter((g) => before.get(g) === id).length);
    for (const c of counts) expect(c).toBeGreaterThan(60);
    nodes = [node(1), node(3)];
    for (const g of groups) {
      const now = views[0]!.coordinatorFor(g)!.nodeId;
      if (before.get(g) !== 2) expect(now).toBe(before.get(g));
      else expect([1, 3]).toContain(now);
    }
  });

  it('a broker that knows no nodes yet coordinates what it is asked', () => {
    expect(new CoordinatorPlacement(5, () => []).owns('g')).toBe(true);
  });
});
