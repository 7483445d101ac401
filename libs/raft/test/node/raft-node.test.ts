// RaftNode end to end: three (or four) nodes over real gRPC on loopback with RocksDB logs in temp dirs.
import { afterEach, describe, expect, it } from 'vitest';
import { NotLeaderError } from '../../src/errors.js';
import { TestCluster, waitFor } from './cluster.js';
import { kvCommand } from './kv-app.js';

const set = (key: string, value: string) => kvCommand({ op: 'set', key, value });

describe('RaftNode over gRPC + RocksDB', () => {
  let c: TestCluster;
  afterEach(async () => {
    await c?.close();
  });

  it('elects a leader, replicates proposals, and redirects proposals on a follower', async () => {
    c = new TestCluster();
    await c.bootstrap([1, 2, 3]);
    const leader = await c.leader();
    expect(await leader.node.propose(set('a', '1'))).toBeUndefined();
    expect(await leader.node.propose(set('a', '2'))).toBe('1');
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => leader.node.propose(set(`k${i}`, `v${i}`))));
    expect(results.every((r) => r === undefined)).toBe(true);
    for (const m of c.members.values()) await waitFor(() => m.app.data.size === 201, 5000, `node ${m.id} to apply`);

    const follower = c.followers()[0]!;
    const err = await follower.node.propose(set('x', 'y')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotLeaderError);
    expect((err as NotLeaderError).leaderId).toBe(leader.id);

    const st = leader.node.status();
    expect(st.role).toBe('leader');
    expect(st.members.map((m) => [m.id, m.role])).toEqual([[1, 'voter'], [2, 'voter'], [3, 'voter']]);
    expect(st.members.every((m) => m.address.startsWith('127.0.0.1:'))).toBe(true);
    expect(st.appliedIndex).toBe(st.commitIndex);
  });

  it('serves linearizable reads through readIndex on the leader and on followers', async () => {
    c = new TestCluster();
    await c.bootstrap([1, 2, 3]);
    const leader = await c.leader();
    for (let i = 0; i < 20; i++) {
      await leader.node.propose(set('r', String(i)));
      for (const f of c.followers()) {
        // Right after the leader applied: a follower's barrier must make the write visible there.
        await f.node.readIndex();
        expect(f.app.data.get('r')).toBe(String(i));
      }
      await leader.node.readIndex();
      expect(leader.app.data.get('r')).toBe(String(i));
    }
    // Many concurrent reads share rounds.
    await Promise.all(Array.from({ length: 100 }, (_, i) => c.followers()[i % 2]!.node.readIndex()));
  });

  it('restarts a killed node from its own disk and catches it up', async () => {
    c = new TestCluster();
    await c.bootstrap([1, 2, 3]);
    const leader = await c.leader();
    await leader.node.propose(set('before', '1'));
    const victim = c.followers()[0]!;
    const peers = c.peers();
    await c.kill(victim.id);
    for (let i = 0; i < 50; i++) await leader.node.propose(set(`during${i}`, 'x'));
    const back = await c.start(victim.id, peers);
    await waitFor(() => back.app.data.size === 51, 10_000, 'restarted node to catch up');
    expect(back.app.data.get('before')).toBe('1');
    expect(back.node.status().appliedIndex).toBe(leader.node.status().appliedIndex);
  });

  it('catches up a node that missed compacted entries by snapshot', async () => {
    c = new TestCluster({ snapshotEntries: 1_000_000 });
    await c.bootstrap([1, 2, 3]);
    const leader = await c.leader();
    const victim = c.followers()[0]!;
    const peers = c.peers();
    await leader.node.propose(set('k0', 'v0'));
    await c.kill(victim.id);
    for (let i = 1; i <= 100; i++) await leader.node.propose(set(`k${i}`, `v${i}`));
    await leader.node.compactLog();
    const st = leader.node.status();
    expect(st.snapshotIndex).toBe(st.appliedIndex);
    expect(st.firstIndex).toBe(st.snapshotIndex + 1);
    const back = await c.start(victim.id, peers);
    await waitFor(() => back.app.data.size === 101, 10_000, 'node to catch up by snapshot');
    expect(back.app.restores).toBe(1);
    expect(back.node.status().snapshotIndex).toBeGreaterThanOrEqual(st.snapshotIndex);
    // And it keeps replicating normally afterwards, also across its own restart.
    await leader.node.propose(set('after', 'snap'));
    await waitFor(() => back.app.data.get('after') === 'snap', 5000, 'replication after snapshot');
    await c.kill(victim.id);
    const again = await c.start(victim.id, peers);
    await waitFor(() => again.app.data.size === 102, 10_000, 'restart after snapshot');
  });

  it('adds a fourth member and removes one while proposals continue', async () => {
    c = new TestCluster();
    await c.bootstrap([1, 2, 3]);
    const leader = await c.leader();
    let stop = false;
    let written = 0;
    const writer = (async () => {
      while (!stop) {
        await leader.node.propose(set(`w${written}`, 'x'));
        written++;
      }
    })();
    const peers = c.peers();
    const four = await c.start(4, peers, undefined, true);
    await leader.node.addVoter(4, four.address);
    await waitFor(() => four.app.data.size >= written - 1 && written > 10, 10_000, 'new member to catch up');
    expect(leader.node.status().members.find((m) => m.id === 4)?.role).toBe('voter');

    const gone = c.followers().find((m) => m.id !== 4)!;
    await leader.node.removeMember(gone.id);
    const afterRemove = written;
    await waitFor(() => written > afterRemove + 10, 10_000, 'writes after removal');
    stop = true;
    await writer;
    expect(leader.node.status().members.map((m) => m.id).sort()).toEqual([1, 2, 3, 4].filter((id) => id !== gone.id));
    for (const m of c.members.values()) {
      if (m.id === gone.id) continue;
      await waitFor(() => m.app.data.size === written, 5000, `node ${m.id} to apply everything`);
    }
    // The removed node no longer gets the log.
    expect(gone.app.data.size).toBeLessThan(written);
  });

  it('adds a learner, promotes it, and transfers leadership', async () => {
    c = new TestCluster();
    await c.bootstrap([1, 2, 3]);
    const leader = await c.leader();
    await leader.node.propose(set('a', '1'));
    const four = await c.start(4, c.peers(), undefined, true);
    await leader.node.addLearner(4, four.address);
    await waitFor(() => four.app.data.get('a') === '1', 5000, 'learner to replicate');
    expect(leader.node.status().members.find((m) => m.id === 4)?.role).toBe('learner');
    await leader.node.promoteLearner(4);

    await leader.node.transferLeadership(4);
    const next = await c.leader();
    expect(next.id).toBe(4);
    expect(await next.node.propose(set('a', '2'))).toBe('1');
    await waitFor(() => leader.app.data.get('a') === '2', 5000, 'old leader to apply');
  });
});
