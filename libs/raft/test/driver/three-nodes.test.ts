// A 3-member group over real gRPC with RocksDB storage: election, replication, follower rejection, linearizable
// reads, crash and restart, and catch-up by snapshot after log compaction.
import { afterEach, expect, it } from 'vitest';
import { NotLeaderError } from '../../src/errors.js';
import { Cluster } from './cluster-harness.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const enc = (s: string) => Buffer.from(s);

it('elects one leader and replicates proposals to every member', async () => {
  cluster = new Cluster([1, 2, 3]);
  await cluster.start();
  const leader = await cluster.waitForLeader();
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => leader.node.propose(enc(`k${i}=v${i}`))));
  expect(new Set(results).size).toBe(200);
  for (const m of cluster.members.values()) {
    await expect.poll(() => m.app.count(), { timeout: 5000 }).toBe(200);
  }
});

it('refuses proposals on a follower naming the leader, and serves linearizable reads on followers', async () => {
  cluster = new Cluster([1, 2, 3]);
  await cluster.start();
  const leader = await cluster.waitForLeader();
  const follower = [...cluster.members.values()].find((m) => m !== leader)!;
  await expect.poll(() => follower.node.leaderId, { timeout: 5000 }).toBe(leader.id);
  expect(() => follower.node.propose(enc('x=1'))).toThrow(NotLeaderError);
  try {
    follower.node.propose(enc('x=1'));
  } catch (err) {
    expect((err as NotLeaderError).leaderId).toBe(leader.id);
  }
  await leader.node.propose(enc('fresh=yes'));
  await follower.node.readIndex();
  expect(await follower.app.get('fresh')).toBe('yes');
});

it('catches up a crashed follower after restart from its log, and a long-gone one by snapshot', async () => {
  cluster = new Cluster([1, 2, 3], { snapshotEntries: 100 });
  await cluster.start();
  let leader = await cluster.waitForLeader();
  const [a, b] = [...cluster.members.values()].filter((m) => m !== leader).map((m) => m.id) as [number, number];

  await cluster.kill(a);
  for (let i = 0; i < 50; i++) await leader.node.propose(enc(`log${i}=x`));
  await cluster.restart(a);
  await expect.poll(() => cluster!.members.get(a)!.app.count(), { timeout: 10_000 }).toBe(50);

  await cluster.kill(b);
  await Promise.all(Array.from({ length: 400 }, (_, i) => leader.node.propose(enc(`snap${i}=y`))));
  // the leader compacted its log past what b has, so b must be sent a snapshot
  await expect.poll(() => leader.node.status().lastIndex > 400 && cluster!.members.get(leader.id) !== undefined).toBe(true);
  await cluster.restart(b);
  await expect.poll(() => cluster!.members.get(b)!.app.count(), { timeout: 15_000 }).toBe(450);
  expect(await cluster.members.get(b)!.app.get('snap399')).toBe('y');

  // the restarted members can take over
  await cluster.kill(leader.id);
  leader = await cluster.waitForLeader();
  await leader.node.propose(enc('after=failover'));
  for (const m of cluster.members.values()) await expect.poll(() => m.app.get('after'), { timeout: 5000 }).toBe('failover');
});
