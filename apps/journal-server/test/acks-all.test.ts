// acks=all against acks=quorum over real in-process servers (placement center + 3 journal servers, shards with 3
// replicas): with one follower stopped, an acks=all append is not acknowledged (it fails with a clear error) while an
// acks=quorum append to a shard on the same servers is; once the follower is back, acks=all appends succeed again and
// every replica holds every acknowledged record. (A stopped in-process server stands for a killed one: the leader
// only sees its connection refused; no signal is needed, so no child processes.)
import { JOURNAL_MESSAGE } from '@robustmq/protocol/journal';
import { beforeAll, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { InProcessCluster } from './support/in-process-cluster.js';

const cluster = testScope().add(new InProcessCluster());

beforeAll(() => cluster.start(3), 60_000);

const rec = (s: string) => [Buffer.from(s)];

it('does not acknowledge an acks=all append while a replica is down, acks=quorum does, and acks=all works again once it is back', async () => {
  const ns = 'acks';
  await cluster.client.journal.createShard(ns, 'all', { replicaCount: 3, acks: 'ACKS_ALL' });
  await cluster.client.journal.createShard(ns, 'quorum', { replicaCount: 3, acks: 'ACKS_QUORUM' });
  expect((await cluster.data.append(ns, 'all', rec('a0'))).baseOffset).toBe(0);
  expect((await cluster.data.append(ns, 'quorum', rec('q0'))).baseOffset).toBe(0);

  // stop a server that follows both shards' segments (leads neither)
  const leaders = new Set<number>();
  for (const shard of ['all', 'quorum'])
    leaders.add((await cluster.client.journal.listSegments(ns, shard))[0]!.leader);
  const victim = cluster.journals.find((j) => !leaders.has(j.id))!;
  await cluster.stopJournal(victim);

  const started = Date.now();
  const failed = await cluster.data
    .append(ns, 'all', rec('a1'), { timeoutMs: 0, requestTimeoutMs: 3_000 })
    .then(
      () => undefined,
      (err: Error & { code?: string }) => err,
    );
  expect(failed, 'an acks=all append with a replica down must not be acknowledged').toBeDefined();
  expect(failed!.code).toMatch(/NOT_ENOUGH_REPLICAS|UNAVAILABLE/);
  expect(failed!.message).toMatch(/replica|did not answer within 3000 ms/);
  expect(Date.now() - started).toBeLessThan(5_000);
  // quorum (2 of 3) is still there
  expect((await cluster.data.append(ns, 'quorum', rec('q1'))).baseOffset).toBe(1);

  await cluster.startJournal(victim);
  // the follower catches up; acks=all is acknowledged again (retrying while the leader reconnects to it)
  const { baseOffset } = await cluster.data.append(ns, 'all', rec('a2'), {
    timeoutMs: 20_000,
    requestTimeoutMs: 20_000,
  });
  const segment = (await cluster.client.journal.listSegments(ns, 'all'))[0]!;
  const read = await cluster.data.read(segment.leader, ns, 'all', 0, 0);
  const payloads = read.records.map((r) => r.payload);
  // a1 was never acknowledged, but the leader had written it and kept waiting for the missing replica: it is
  // committed once that replica has it (a timed-out append may still land — producers retry at-least-once)
  expect(payloads).toEqual(['a0', 'a1', 'a2']);
  expect(read.records.at(-1)!.offset).toBe(baseOffset);
  // everything acknowledged at acks=all is on every replica, the restarted one included
  for (const j of cluster.journals) {
    const state = await cluster.data.request(j.id, JOURNAL_MESSAGE.SegmentState, {
      namespace: ns,
      shard: 'all',
      segment: 0,
    });
    expect(state.header['endOffset'] as number, `end offset on node ${j.id}`).toBeGreaterThanOrEqual(
      baseOffset + 1,
    );
  }
}, 60_000);

it("acks=quorum: two followers' fdatasyncs commit an append while the leader's own is still running; acks=all waits for it", async () => {
  const ns = 'leadsync';
  for (const [shard, acks] of [
    ['quorum', 'ACKS_QUORUM'],
    ['all', 'ACKS_ALL'],
  ] as const) {
    await cluster.client.journal.createShard(ns, shard, { replicaCount: 3, acks });
    expect((await cluster.data.append(ns, shard, rec(`${shard}0`))).baseOffset).toBe(0);
    const leaderId = (await cluster.client.journal.listSegments(ns, shard))[0]!.leader;
    const seg = cluster.journal(leaderId).server.node.store.get(ns, shard, 0)!;
    // hold every fdatasync of the leader's file (both descriptors) until released
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const file = seg.file;
    const [sync, syncSecond] = [file.sync.bind(file), file.syncSecond.bind(file)];
    file.sync = async () => {
      await gate;
      return sync();
    };
    file.syncSecond = async () => {
      await gate;
      return syncSecond();
    };
    try {
      const appended = cluster.data.append(ns, shard, rec(`${shard}1`), { requestTimeoutMs: 10_000 });
      const answered = await Promise.race([
        appended.then(() => 'acknowledged'),
        new Promise((resolve) => setTimeout(() => resolve('waiting'), 1_500)),
      ]);
      expect(seg.durableEnd, "the leader's own fdatasync has not returned").toBe(1);
      // quorum: the followers' two copies are a majority; all: the leader's is one of the three it needs
      expect(answered).toBe(shard === 'quorum' ? 'acknowledged' : 'waiting');
      release();
      expect((await appended).baseOffset).toBe(1);
      await expect.poll(() => seg.durableEnd).toBe(2);
    } finally {
      release();
      file.sync = sync;
      file.syncSecond = syncSecond;
    }
    const read = await cluster.data.read(leaderId, ns, shard, 0, 0);
    expect(read.records.map((r) => r.payload)).toEqual([`${shard}0`, `${shard}1`]);
  }
}, 60_000);
