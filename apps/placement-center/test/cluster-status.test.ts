// GET /api/v1/cluster on a 3-member Raft group: every member's applied index follows the commit index (leader no-ops
// and membership entries included), and each member's liveness is reported as the answering member knows it — the
// leader for everyone, a follower for the leader only — so a stopped member shows as unreachable on the leader.
import { beforeAll, describe, expect, it } from 'vitest';
import { testScope, waitFor } from '@robustmq/testing';
import { startPlacementCluster, type TestPlacementCluster } from '@robustmq/testing/placement';

interface MemberView {
  nodeId: number;
  role: string;
  lastContactMs: number | null;
  reachable: boolean | null;
}
interface StatusView {
  leader: number;
  commitIndex: number;
  appliedIndex: number;
  members: MemberView[];
}

const scope = testScope();
let cluster: TestPlacementCluster;

async function status(id: number): Promise<StatusView> {
  const res = await fetch(`http://127.0.0.1:${cluster.member(id).handle!.ports.http}/api/v1/cluster`);
  expect(res.status).toBe(200);
  return (await res.json()) as StatusView;
}

beforeAll(async () => {
  // election timeout = 5 ticks × 20 ms
  cluster = scope.add(await startPlacementCluster(3, { tickMs: 20, electionTicks: 5 }));
}, 30_000);

describe('cluster status on a Raft group', () => {
  it('reports a follower applied up to its commit index before any client write', async () => {
    const leader = await cluster.leader();
    const follower = cluster.members.find((m) => m.id !== leader)!.id;
    const view = await waitFor(
      'the follower to apply what it knows committed',
      async () => {
        const s = await status(follower);
        return s.commitIndex > 0 && s.appliedIndex === s.commitIndex ? s : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 20 },
    );
    // only leader no-ops and membership entries so far: the state machine's own index is still 0
    expect(view.appliedIndex).toBeGreaterThan(0);
  });

  it('shows every member reachable on the leader, the leader on a follower, and a stopped member as down', async () => {
    const leader = await cluster.leader();
    const [a, b] = cluster.members.filter((m) => m.id !== leader).map((m) => m.id) as [number, number];
    // (polled: on a loaded machine one heartbeat answer may come late)
    await waitFor(
      'the leader to see every member',
      async () => (await status(leader)).members.every((m) => m.reachable === true),
      { timeoutMs: 5_000, intervalMs: 20 },
    );
    const onFollower = await waitFor(
      'a follower to see the leader',
      async () => {
        const s = await status(a);
        return s.members.find((m) => m.nodeId === leader)?.reachable === true ? s : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 20 },
    );
    const byId = new Map(onFollower.members.map((m) => [m.nodeId, m]));
    expect(byId.get(leader)!.lastContactMs).toBeGreaterThanOrEqual(0);
    expect(byId.get(a)).toMatchObject({ reachable: true, lastContactMs: 0 });
    // followers do not hear from each other: unknown, not "down"
    expect(byId.get(b)).toMatchObject({ reachable: null, lastContactMs: null });

    await cluster.stopMember(b);
    const stopped = await waitFor(
      'the leader to mark the stopped member down',
      async () => {
        const m = (await status(leader)).members.find((x) => x.nodeId === b)!;
        return m.reachable === false ? m : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 20 },
    );
    expect(stopped.lastContactMs).toBeGreaterThan(100);
    expect((await status(leader)).members.find((x) => x.nodeId === a)).toMatchObject({ reachable: true });
    await cluster.startMember(b);
    await waitFor(
      'the restarted member to be reachable again',
      async () => (await status(leader)).members.find((x) => x.nodeId === b)!.reachable === true,
      { timeoutMs: 10_000, intervalMs: 20 },
    );
  });
});
