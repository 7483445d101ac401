// Segment files with [storage] preallocate_bytes over real in-process servers (placement center + 3 journal servers,
// 3 replicas, acks=quorum), spoken to over the data port: the leader's and the followers' files of a writable segment
// hold zeros past their data, every replica trims them once the segment is sealed, and a restarted leader recovers
// every acknowledged record (recovery reads the zeros as the end of the data and cuts them).
import { stat } from 'node:fs/promises';
import { decodeRecord } from '@robustmq/protocol/journal';
import { beforeAll, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { InProcessCluster } from './support/in-process-cluster.js';

const cluster = testScope().add(new InProcessCluster({ storage: { preallocate_bytes: 256 * 1024 } }));

beforeAll(() => cluster.start(3), 60_000);

const ns = 'prealloc';
const shard = 's';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const payload = (i: number) => Buffer.from(String(i).padEnd(1000, '.'));

async function until(what: string, ok: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

it('keeps zeros past a writable segment on every replica, trims a sealed one, and a restarted leader loses nothing', async () => {
  await cluster.client.journal.createShard(ns, shard, {
    replicaCount: 3,
    acks: 'ACKS_QUORUM',
    maxSegmentBytes: 300 * 1024,
  });
  let n = 0;
  for (let a = 0; a < 25; a++)
    await cluster.data.append(
      ns,
      shard,
      Array.from({ length: 20 }, () => payload(n++)),
    );
  const segments = await cluster.client.journal.listSegments(ns, shard);
  expect(segments.length).toBeGreaterThan(1);
  const sealed = segments[0]!;
  const active = segments.at(-1)!;

  for (const j of cluster.journals) {
    // the sealed segment: trimmed to its data once this replica knows it is sealed
    const seg = j.server.node.store.get(ns, shard, sealed.seq)!;
    await until(`segment ${sealed.seq} sealed on node ${j.id}`, () => seg.meta.sealedEnd !== null);
    await until(
      `segment ${sealed.seq} trimmed on node ${j.id}`,
      async () => (await stat(seg.file.path)).size === seg.file.size,
    );
    // the writable one (past 64 KiB): zeros written ahead of the data, on the leader and the followers
    const current = j.server.node.store.get(ns, shard, active.seq)!;
    await until(`segment ${active.seq} replicated to node ${j.id}`, () => current.durableEnd === n);
    expect(current.file.size).toBeGreaterThan(64 * 1024);
    expect((await stat(current.file.path)).size, `node ${j.id}`).toBeGreaterThan(current.file.size);
  }

  // the leader restarts: its file is recovered without the zeros, and every record is there, on every replica
  const leader = cluster.journal(active.leader);
  await cluster.stopJournal(leader);
  await cluster.startJournal(leader);
  await cluster.data.append(ns, shard, [payload(n++)], { timeoutMs: 20_000 });
  const restarted = leader.server.node.store.get(ns, shard, active.seq)!;
  // every replica's files (read as they are on disk) hold every record once, in order
  for (const j of cluster.journals) {
    const seen: string[] = [];
    for (const { seq } of await cluster.client.journal.listSegments(ns, shard)) {
      const seg = j.server.node.store.get(ns, shard, seq)!;
      await until(`segment ${seq} durable on node ${j.id}`, () => seq !== active.seq || seg.durableEnd === n);
      const records = await seg.read(seg.meta.startOffset, seg.durableEnd, 100_000, 1 << 30);
      for (const r of records) {
        const text = decodeRecord(r, 'test').payload.toString();
        seen.push(text.slice(0, text.indexOf('.')));
      }
    }
    expect(seen, `records on node ${j.id}`).toEqual(Array.from({ length: n }, (_, i) => String(i)));
  }
  expect(restarted.endOffset).toBeGreaterThanOrEqual(n);
}, 90_000);
