// RaftNode end to end: three (or four) nodes over real gRPC on loopback with RocksDB logs in temp dirs.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NotLeaderError, ProposalDroppedError } from '../../src/errors.js';
import { ProposalSupersededError, type PersistContext, type RaftLogStore } from '../../src/node/index.js';
import { TestCluster, waitFor } from './cluster.js';
import { kvCommand } from './kv-app.js';

const set = (key: string, value: string) => kvCommand({ op: 'set', key, value });

/**
 * Starts the group of three, stops a follower and writes 101 entries the leader then compacts away, so that the
 * follower can only catch up by snapshot: ten big values make a ~6 MB snapshot, several gRPC chunks and several
 * storage chunks.
 */
async function leaveFollowerBehindSnapshot(c: TestCluster) {
  await c.bootstrap([1, 2, 3]);
  const leader = await c.leader();
  const victim = c.followers()[0]!;
  const peers = c.peers();
  await leader.node.propose(set('k0', 'v0'));
  await c.kill(victim.id);
  for (let i = 1; i <= 100; i++)
    await leader.node.propose(set(`k${i}`, i % 10 === 0 ? 'x'.repeat(600_000) : `v${i}`));
  await leader.node.compactLog();
  return { leader, victim, peers };
}

/**
 * Node `id`'s log store with its writes of entries held while `hold` has the id (as a slow local fdatasync would):
 * each held write waits in `held` until called; `onWrite` sees the indexes of every write of entries, held or not.
 */
function holdingWrites(
  id: number,
  store: RaftLogStore,
  hold: Set<number>,
  held: (() => void)[],
  onWrite?: (indexes: number[]) => void,
): RaftLogStore {
  const persist = store.persist.bind(store);
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'persist')
        return (rd: Parameters<RaftLogStore['persist']>[0], ctx?: PersistContext) => {
          if (rd.entries.length > 0) onWrite?.(rd.entries.map((e) => e.index));
          return hold.has(id) && rd.entries.length > 0
            ? new Promise<void>((resolve, reject) => held.push(() => persist(rd, ctx).then(resolve, reject)))
            : persist(rd, ctx);
        };
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

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
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => leader.node.propose(set(`k${i}`, `v${i}`))),
    );
    expect(results.every((r) => r === undefined)).toBe(true);
    for (const m of c.members.values())
      await waitFor(() => m.app.data.size === 201, 5000, `node ${m.id} to apply`);

    const follower = c.followers()[0]!;
    const err = await follower.node.propose(set('x', 'y')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotLeaderError);
    expect((err as NotLeaderError).leaderId).toBe(leader.id);
    await expect(follower.node.removeMember(leader.id)).rejects.toMatchObject({
      code: 'NOT_LEADER',
      leaderId: leader.id,
    });

    const st = leader.node.status();
    expect(st.role).toBe('leader');
    expect(st.members.map((m) => [m.id, m.role])).toEqual([
      [1, 'voter'],
      [2, 'voter'],
      [3, 'voter'],
    ]);
    expect(st.members.every((m) => m.address.startsWith('127.0.0.1:'))).toBe(true);
    expect(st.appliedIndex).toBe(st.commitIndex);
  });

  it('proposes concurrent calls together as one log entry and answers each with its own result', async () => {
    c = new TestCluster();
    await c.bootstrap([1, 2, 3]);
    const leader = await c.leader();
    await leader.node.propose(set('n', '0'));
    const before = leader.node.status().lastIndex;
    // each write returns the value before it, so the results show every caller got its own command's answer
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => leader.node.propose(set('n', String(i + 1)))),
    );
    expect(results).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));
    const entries = leader.node.status().lastIndex - before;
    expect(entries).toBeGreaterThan(0);
    expect(entries).toBeLessThan(10);
    for (const m of c.members.values())
      await waitFor(() => m.app.data.get('n') === '300', 5000, `node ${m.id} to apply`);
    // a restarted follower replays the batched entries from its own log
    const follower = c.followers()[0]!;
    const peers = c.peers();
    await c.kill(follower.id);
    const back = await c.start(follower.id, peers);
    await waitFor(() => back.app.data.get('n') === '300', 10_000, 'the restarted follower to replay');
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

  it('fails over when the leader dies and brings the old leader back as a follower', async () => {
    c = new TestCluster();
    await c.bootstrap([1, 2, 3]);
    const old = await c.leader();
    await old.node.propose(set('k', 'before'));
    const peers = c.peers();
    await c.kill(old.id);
    // A call on a stopped node fails fast instead of hanging.
    await expect(old.node.propose(set('k', 'late'))).rejects.toMatchObject({ code: 'STOPPED' });
    const next = await c.leader();
    expect(next.id).not.toBe(old.id);
    expect(await next.node.propose(set('k', 'after'))).toBe('before');
    const back = await c.start(old.id, peers);
    await waitFor(() => back.app.data.get('k') === 'after', 10_000, 'old leader to catch up');
    expect(back.node.isLeader).toBe(false);
    const err = await back.node.propose(set('k', 'x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotLeaderError);
  });

  it('rejects a proposal whose log index was taken by another leader with ProposalDroppedError', async () => {
    c = new TestCluster();
    await c.bootstrap([1, 2, 3]);
    const old = await c.leader();
    await old.node.propose(set('k', '0'));
    c.isolate(old.id);
    // Appended only on the isolated leader: the majority elects a new leader and fills that index with its own entries.
    const doomed = old.node.propose(set('k', 'lost'), { timeoutMs: 20_000 }).catch((e: unknown) => e);
    const others = [...c.members.values()].filter((m) => m.id !== old.id);
    await waitFor(() => others.some((m) => m.node.isLeader), 10_000, 'a new leader in the majority');
    const next = others.find((m) => m.node.isLeader)!;
    for (let i = 0; i < 5; i++) await next.node.propose(set('k', `new${i}`));
    c.heal();
    const err = await doomed;
    expect(err).toBeInstanceOf(ProposalDroppedError);
    expect(err).toBeInstanceOf(ProposalSupersededError);
    await waitFor(() => old.app.data.get('k') === 'new4', 10_000, 'old leader to converge');
    expect([...c.members.values()].every((m) => m.app.data.get('k') === 'new4')).toBe(true);
  });

  it('catches up a node that missed compacted entries by snapshot', async () => {
    c = new TestCluster({ snapshotEntries: 1_000_000 });
    const { leader, victim, peers } = await leaveFollowerBehindSnapshot(c);
    const st = leader.node.status();
    expect(st.snapshotIndex).toBe(st.appliedIndex);
    expect(st.firstIndex).toBe(st.snapshotIndex + 1);
    const back = await c.start(victim.id, peers);
    await waitFor(() => back.app.data.size === 101, 10_000, 'node to catch up by snapshot');
    expect(back.app.restores).toBe(1);
    expect(back.app.data.get('k50')).toHaveLength(600_000);
    expect(st.snapshotIndex).toBeGreaterThan(100);
    expect(back.node.status().snapshotIndex).toBeGreaterThanOrEqual(st.snapshotIndex);
    // And it keeps replicating normally afterwards, also across its own restart.
    await leader.node.propose(set('after', 'snap'));
    await waitFor(() => back.app.data.get('after') === 'snap', 5000, 'replication after snapshot');
    await c.kill(victim.id);
    const again = await c.start(victim.id, peers);
    await waitFor(() => again.app.data.size === 102, 10_000, 'restart after snapshot');
  });

  it('catches up a node by a snapshot its segment log writes as the chunks arrive, and restarts from it', async () => {
    // every chunk the lagging node's store was handed, as (offset, bytes)
    const staged: [number, number][] = [];
    c = new TestCluster(
      { snapshotEntries: 1_000_000 },
      (_id, store) =>
        new Proxy(store, {
          get(target, prop, receiver) {
            const v: unknown = Reflect.get(target, prop, receiver);
            if (prop === 'stageSnapshotChunk' && typeof v === 'function') {
              return (from: unknown, offset: number, data: Uint8Array) => {
                staged.push([offset, data.byteLength]);
                return (v as (...a: unknown[]) => unknown).call(target, from, offset, data);
              };
            }
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        }),
      'segment',
    );
    const { leader, victim, peers } = await leaveFollowerBehindSnapshot(c);
    staged.length = 0;
    const back = await c.start(victim.id, peers);
    await waitFor(() => back.app.data.size === 101, 10_000, 'node to catch up by snapshot');
    expect(back.app.restores).toBe(1);
    // all but the last chunk went to the disk as they came, in order, none twice
    expect(staged.length).toBeGreaterThan(3);
    let next = 0;
    for (const [offset, bytes] of staged) {
      expect(offset).toBe(next);
      next += bytes;
    }
    const wal = readdirSync(join(back.dir, 'raft-wal'));
    expect(wal).toContain('snapshot');
    expect(wal.filter((f) => f.startsWith('snapshot.incoming.'))).toEqual([]);
    await leader.node.propose(set('after', 'snap'));
    await waitFor(() => back.app.data.get('after') === 'snap', 5000, 'replication after snapshot');
    await c.kill(victim.id);
    const again = await c.start(victim.id, peers);
    await waitFor(() => again.app.data.size === 102, 10_000, 'restart after snapshot');
    expect(again.app.data.get('k50')).toHaveLength(600_000);
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
    expect(
      leader.node
        .status()
        .members.map((m) => m.id)
        .sort(),
    ).toEqual([1, 2, 3, 4].filter((id) => id !== gone.id));
    for (const m of c.members.values()) {
      if (m.id === gone.id) continue;
      await waitFor(() => m.app.data.size === written, 5000, `node ${m.id} to apply everything`);
    }
    // The removed node no longer gets the log.
    expect(gone.app.data.size).toBeLessThan(written);
  });

  it('removes the leader itself: it steps down once the removal commits and the rest carry on', async () => {
    c = new TestCluster();
    await c.bootstrap([1, 2, 3]);
    const old = await c.leader();
    await old.node.propose(set('a', '1'));
    let removed = false;
    old.node.on('removed', () => (removed = true));
    await old.node.removeMember(old.id);
    expect(removed).toBe(true);
    const rest = [...c.members.values()].filter((m) => m.id !== old.id);
    await waitFor(() => rest.some((m) => m.node.isLeader), 10_000, 'a leader among the remaining members');
    const next = rest.find((m) => m.node.isLeader)!;
    expect(next.node.status().members.map((m) => m.id)).toEqual(rest.map((m) => m.id).sort());
    expect(await next.node.propose(set('a', '2'))).toBe('1');
    expect(old.node.isLeader).toBe(false);
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

  it("answers a write its followers hold while the leader's own log write is still held, and says when that write is durable", async () => {
    // hold[id] set: node id's writes of entries wait until released (as a slow local fdatasync would)
    const hold = new Set<number>();
    const held: (() => void)[] = [];
    c = new TestCluster({}, (id, store) => holdingWrites(id, store, hold, held));
    await c.bootstrap([1, 2, 3]);
    const leader = await c.leader();
    expect(await leader.node.propose(set('a', '1'))).toBeUndefined();
    const before = leader.node.earlyApplies;
    hold.add(leader.id);
    // answered by the followers' acks alone: the leader's write of the entry has not even started
    expect(await leader.node.propose(set('a', '2'))).toBe('1');
    expect(held.length).toBe(1);
    expect(leader.node.earlyApplies).toBe(before + 1);
    expect(leader.app.data.get('a')).toBe('2');
    const index = leader.node.status().appliedIndex;
    const durable = leader.node.whenLogDurable(index);
    expect(durable).toBeInstanceOf(Promise);
    let landed = false;
    void durable!.then(() => (landed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(landed).toBe(false);
    hold.delete(leader.id);
    for (const release of held.splice(0)) release();
    await durable;
    expect(leader.node.whenLogDurable(index)).toBeUndefined();
    // the loop goes on as before: the early apply is not repeated, later writes commit normally
    expect(await leader.node.propose(set('a', '3'))).toBe('2');
    for (const m of c.members.values())
      await waitFor(() => m.app.data.get('a') === '3', 5000, `node ${m.id}`);
    expect(leader.node.status().appliedIndex).toBe(leader.node.status().commitIndex);
  });

  it("goes on answering a lone caller's next writes while its own write of an earlier one is held, then writes them all in order", async () => {
    const hold = new Set<number>();
    const held: (() => void)[] = [];
    /** The entries each node's store was asked to write, per persist() call. */
    const writes = new Map<number, number[][]>();
    const recordWrite = (id: number) => (indexes: number[]) => {
      const list = writes.get(id) ?? [];
      list.push(indexes);
      writes.set(id, list);
    };
    c = new TestCluster({}, (id, store) => holdingWrites(id, store, hold, held, recordWrite(id)), 'segment');
    await c.bootstrap([1, 2, 3]);
    const leader = await c.leader();
    await leader.node.propose(set('a', '0'));
    const advancedBefore = leader.node.advancedBeforeOwnFlush;
    hold.add(leader.id);
    writes.set(leader.id, []);
    // one caller, one write at a time: each is answered on the followers' acks although the leader's first write
    // never returns (before, the second waited for it: the loop took no new Ready until the leader's flush was done)
    for (let i = 1; i <= 5; i++) expect(await leader.node.propose(set('a', String(i)))).toBe(String(i - 1));
    expect(held.length).toBe(1);
    expect(leader.node.advancedBeforeOwnFlush).toBeGreaterThan(advancedBefore);
    const last = leader.node.status().appliedIndex;
    // its own log holds none of them durably yet, so it does not count itself towards anything
    const durable = leader.node.whenLogDurable(last);
    expect(durable).toBeInstanceOf(Promise);
    hold.delete(leader.id);
    for (const release of held.splice(0)) release();
    await durable;
    // the first write went alone; the ones asked for while it was held went to the store together, after it, in order
    const own = writes.get(leader.id)!;
    expect(own.length).toBeLessThanOrEqual(3);
    const flat = own.flat();
    expect(flat).toEqual(Array.from({ length: flat.length }, (_, k) => flat[0]! + k));
    expect(flat[flat.length - 1]).toBeGreaterThanOrEqual(last);
    expect(leader.storage.lastIndex()).toBeGreaterThanOrEqual(last);
    // the leader's own acknowledgement counts again: with a follower stopped, the leader and the other commit
    const follower = c.followers()[0]!;
    const peers = c.peers();
    await c.kill(follower.id);
    expect(await leader.node.propose(set('a', '6'))).toBe('5');
    await c.start(follower.id, peers);
    for (const m of c.members.values())
      await waitFor(() => m.app.data.get('a') === '6', 5000, `node ${m.id}`);
  });

  it("a failed write of the leader's own log fails the node, and nothing queued behind it is written or called durable", async () => {
    const hold = new Set<number>();
    const held: { release(): void; fail(err: Error): void }[] = [];
    /** Writes of entries a node's store was asked for after its disk failed one. */
    const failed = new Set<number>();
    const afterFailure: number[][] = [];
    c = new TestCluster({}, (id, store) => {
      const persist = store.persist.bind(store);
      return new Proxy(store, {
        get(target, prop) {
          if (prop === 'persist')
            return (rd: Parameters<RaftLogStore['persist']>[0], ctx?: PersistContext) => {
              if (failed.has(id) && rd.entries.length > 0) afterFailure.push(rd.entries.map((e) => e.index));
              return hold.has(id) && rd.entries.length > 0
                ? new Promise<void>((resolve, reject) =>
                    held.push({ release: () => void persist(rd, ctx).then(resolve, reject), fail: reject }),
                  )
                : persist(rd, ctx);
            };
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    });
    await c.bootstrap([1, 2, 3]);
    const leader = await c.leader();
    await leader.node.propose(set('a', '0'));
    const fatal = new Promise<Error>((resolve) => leader.node.once('fatal', resolve));
    hold.add(leader.id);
    // answered on the followers' acks: the leader's first write is on its disk, the next ones queued behind it
    for (let i = 1; i <= 3; i++) expect(await leader.node.propose(set('a', String(i)))).toBe(String(i - 1));
    expect(held.length).toBe(1);
    const last = leader.node.status().appliedIndex;
    // the disk fails that write (as an fdatasync error would); a write asked for after it would go through
    hold.delete(leader.id);
    failed.add(leader.id);
    held.shift()!.fail(new Error('EIO: simulated fdatasync failure'));
    expect((await fatal).message).toContain('EIO');
    await new Promise((r) => setTimeout(r, 100));
    // before, the writes queued behind the failed one went to the store right after it, and once written their last
    // index counted as durable: the state machine could land entries above a hole in this log
    expect(afterFailure).toEqual([]);
    const durable = leader.node.whenLogDurable(last);
    expect(durable).toBeInstanceOf(Promise);
    await expect(durable).rejects.toThrow(/EIO/);
    // what it answered is on the other two, which go on without it
    await c.kill(leader.id);
    const next = await c.leader();
    expect(await next.node.propose(set('a', '4'))).toBe('3');
  });

  it('a leader that steps down while its own write is held writes it before anything of the new term', async () => {
    const hold = new Set<number>();
    const held: (() => void)[] = [];
    c = new TestCluster({}, (id, store) => holdingWrites(id, store, hold, held), 'segment');
    await c.bootstrap([1, 2, 3]);
    const leader = await c.leader();
    await leader.node.propose(set('b', '0'));
    hold.add(leader.id);
    expect(await leader.node.propose(set('b', '1'))).toBe('0');
    expect(await leader.node.propose(set('b', '2'))).toBe('1');
    const to = c.followers()[0]!;
    // the other two elect `to` without the old leader's vote, which waits for its held write
    await to.node.transferLeadership(to.id);
    await waitFor(() => to.node.isLeader, 5000, 'the new leader');
    expect(await to.node.propose(set('b', '3'))).toBe('2');
    hold.delete(leader.id);
    for (const release of held.splice(0)) release();
    for (const m of c.members.values())
      await waitFor(() => m.app.data.get('b') === '3', 5000, `node ${m.id}`);
    // every log agrees on every index
    const lastIndex = to.storage.lastIndex();
    await waitFor(() => leader.storage.lastIndex() === lastIndex, 5000, 'the old leader to catch up');
    for (const m of c.members.values()) {
      const first = Math.max(m.storage.firstIndex(), to.storage.firstIndex());
      expect(m.storage.entries(first, lastIndex + 1).map((e) => e.term)).toEqual(
        to.storage.entries(first, lastIndex + 1).map((e) => e.term),
      );
    }
  });
});
