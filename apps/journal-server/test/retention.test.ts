// Server-side retention over real in-process servers (placement center + 2 journal servers, shards with 2 replicas
// and 4 KiB segments, retention checked every 200 ms): by size, the oldest sealed segments go until the rest fits
// retention_bytes; by age, sealed segments whose newest record is older than retention_ms go while younger ones stay.
// Each time: the shard's retention mark in placement moves to the first kept segment, the removed segments' files are
// gone from both replicas, a read of a removed segment is answered OFFSET_OUT_OF_RANGE naming the new start, and the
// kept data reads back whole. And a replica that was down while the mark moved drops its copies when it is back.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JOURNAL_MESSAGE, advanceRetentionMark, retentionMarkKey } from '@robustmq/protocol/journal';
import { beforeAll, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { InProcessCluster } from './support/in-process-cluster.js';

const SEGMENT_BYTES = 4096;
const cluster = testScope().add(new InProcessCluster({ storage: { retention_check_interval_ms: 200 } }));

beforeAll(() => cluster.start(2), 60_000);

const payload = (i: number) => Buffer.from(`${String(i).padStart(6, '0')}:${'x'.repeat(900)}`);

async function mark(namespace: string, shard: string): Promise<number> {
  const value = await cluster.client.kv.get(retentionMarkKey(namespace, shard));
  return value ? Number(value.toString()) : 0;
}

/** the segment numbers whose files a server holds for the shard (`segments/<namespace>/<shard>/<seq>.log`). */
function filesOn(nodeId: number, namespace: string, shard: string): number[] {
  const path = join(cluster.journal(nodeId).dataDir, 'segments', namespace, shard);
  if (!existsSync(path)) return [];
  return readdirSync(path)
    .filter((f) => f.endsWith('.log'))
    .map((f) => Number(f.slice(0, -4)))
    .sort((a, b) => a - b);
}

/** waits until no segment is sealing any more (a seal by size follows the append that crossed the limit). */
async function settledSegments(namespace: string, shard: string) {
  let last = '';
  for (;;) {
    const segments = await cluster.client.journal.listSegments(namespace, shard);
    const now = JSON.stringify(segments.map((s) => [s.seq, s.status]));
    if (now === last) return segments;
    last = now;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** appends records `from`..`to`-1 one at a time (each ~1 KB, so a segment seals every few records). */
async function appendRange(
  namespace: string,
  shard: string,
  from: number,
  to: number,
): Promise<Map<number, number>> {
  const offsets = new Map<number, number>();
  for (let i = from; i < to; i++)
    offsets.set(i, (await cluster.data.append(namespace, shard, [payload(i)])).baseOffset);
  return offsets;
}

/** `shard` in `ns` on both journal servers, in segments of SEGMENT_BYTES, with `retention` (none by default). */
function createShard(
  namespace: string,
  shard: string,
  retention: { retentionBytes?: number; retentionMs?: number } = {},
) {
  return cluster.client.journal.createShard(namespace, shard, {
    replicaCount: 2,
    acks: 'ACKS_QUORUM',
    maxSegmentBytes: SEGMENT_BYTES,
    ...retention,
  });
}

/** every record from `offset` to the shard's end, segment by segment, from the segments' leaders. */
async function readFrom(namespace: string, shard: string, firstSeq: number) {
  const out: Array<{ offset: number; payload: string }> = [];
  for (const seg of await cluster.client.journal.listSegments(namespace, shard)) {
    if (seg.seq < firstSeq) continue;
    const { records } = await cluster.data.read(seg.leader, namespace, shard, seg.seq, seg.startOffset);
    out.push(...records);
  }
  return out;
}

/** Reading from segment `firstKept` on gives exactly the appended records (index → offset) from `start` on. */
async function expectKeptFrom(
  namespace: string,
  shard: string,
  firstKept: number,
  appended: Map<number, number>,
  start: number,
): Promise<Array<{ offset: number; payload: string }>> {
  const rest = await readFrom(namespace, shard, firstKept);
  expect(rest).toEqual(
    [...appended]
      .filter(([, offset]) => offset >= start)
      .map(([i, offset]) => ({ offset, payload: payload(i).toString() })),
  );
  return rest;
}

async function expectRemoved(namespace: string, shard: string, firstKept: number): Promise<void> {
  const segments = await cluster.client.journal.listSegments(namespace, shard);
  const kept = segments.find((s) => s.seq === firstKept)!;
  // the removed segments' files are gone from both replicas; every kept sealed one is still there (the active segment's
  // file appears on a follower only with its first replication, so it is not counted)
  for (const nodeId of [1, 2]) {
    const files = filesOn(nodeId, namespace, shard);
    expect(
      files.filter((seq) => seq < firstKept),
      `removed segment files on node ${nodeId}`,
    ).toEqual([]);
    const keptSealed = segments
      .filter((s) => s.status === 'SEGMENT_SEALED' && s.seq >= firstKept)
      .map((s) => s.seq);
    expect(
      files.filter((seq) => keptSealed.includes(seq)),
      `kept segment files on node ${nodeId}`,
    ).toEqual(keptSealed);
  }
  for (const seg of segments) {
    if (seg.seq >= firstKept) continue;
    // a read of what retention removed names the new start instead of pointing somewhere else
    for (const nodeId of seg.replicas) {
      await expect(
        cluster.data.request(nodeId, JOURNAL_MESSAGE.Read, {
          namespace,
          shard,
          segment: seg.seq,
          offset: seg.startOffset,
          maxRecords: 10,
        }),
      ).rejects.toMatchObject({
        code: 'OFFSET_OUT_OF_RANGE',
        message: expect.stringMatching(
          new RegExp(`removed by retention.*starts at offset ${kept.startOffset}`),
        ),
      });
    }
  }
}

it('removes the oldest sealed segments beyond retention_bytes, on every replica, and keeps the newest data readable', async () => {
  const ns = 'ret';
  const shard = 'by-size';
  const retentionBytes = 3 * SEGMENT_BYTES;
  await createShard(ns, shard, { retentionBytes });
  const offsets = await appendRange(ns, shard, 0, 60);
  const sealed = (await settledSegments(ns, shard)).filter((s) => s.status === 'SEGMENT_SEALED');
  expect(sealed.length).toBeGreaterThanOrEqual(8);

  // retention_bytes allows 2 of these ~4.7 KB segments: everything sealed before the last two goes, on both replicas
  const firstKept = sealed.at(-2)!.seq;
  await expect.poll(() => mark(ns, shard), { timeout: 10_000, interval: 100 }).toBe(firstKept);
  for (const nodeId of [1, 2]) {
    await expect.poll(() => filesOn(nodeId, ns, shard)[0], { timeout: 5_000, interval: 100 }).toBe(firstKept);
    const store = cluster.journal(nodeId).handle!.node.store;
    const keptBytes = sealed
      .filter((s) => s.seq >= firstKept)
      .reduce((sum, s) => sum + store.get(ns, shard, s.seq)!.file.size, 0);
    expect(keptBytes).toBeLessThanOrEqual(retentionBytes);
    expect(keptBytes + store.get(ns, shard, sealed.at(-1)!.seq)!.file.size).toBeGreaterThan(retentionBytes);
  }
  await expectRemoved(ns, shard, firstKept);

  const start = (await cluster.client.journal.listSegments(ns, shard)).find(
    (s) => s.seq === firstKept,
  )!.startOffset;
  const rest = await expectKeptFrom(ns, shard, firstKept, offsets, start);
  expect(rest.at(-1)?.payload).toBe(payload(59).toString());
}, 60_000);

it('removes sealed segments older than retention_ms and keeps younger ones', async () => {
  const ns = 'ret';
  const shard = 'by-age';
  const retentionMs = 5_000;
  await createShard(ns, shard, { retentionMs });
  const older = await appendRange(ns, shard, 0, 20);
  // the young records must stay younger than retention_ms for the whole check below, even on a loaded machine: they
  // are 4 s younger, so the checks have ~4 s after the old segments go before the young ones would follow
  await new Promise((r) => setTimeout(r, 4_000));
  const young = await appendRange(ns, shard, 20, 40);
  const firstYoungOffset = young.get(20)!;
  const segments = await settledSegments(ns, shard);
  // the segments holding only the older records go once those are retention_ms old; the first segment with a young
  // record (4 s younger) and all after it stay
  const old = segments.filter((s) => s.status === 'SEGMENT_SEALED' && s.endOffset < firstYoungOffset);
  const firstKept = old.at(-1)!.seq + 1;
  expect(old.length).toBeGreaterThanOrEqual(3);
  expect(
    segments.filter((s) => s.status === 'SEGMENT_SEALED' && s.seq >= firstKept).length,
  ).toBeGreaterThanOrEqual(3);
  expect(older.size).toBe(20);

  await expect
    .poll(() => mark(ns, shard), { timeout: 10_000, interval: 100 })
    .toBeGreaterThanOrEqual(firstKept);
  expect(await mark(ns, shard)).toBe(firstKept);
  for (const nodeId of [1, 2])
    await expect.poll(() => filesOn(nodeId, ns, shard)[0], { timeout: 5_000, interval: 100 }).toBe(firstKept);
  await expectRemoved(ns, shard, firstKept);

  const startOffset = segments.find((s) => s.seq === firstKept)!.startOffset;
  const rest = await expectKeptFrom(ns, shard, firstKept, new Map([...older, ...young]), startOffset);
  expect(rest.at(-1)?.payload).toBe(payload(39).toString());
}, 60_000);

it('drops the copies below the retention mark that a replica kept while it was down', async () => {
  const ns = 'ret';
  const shard = 'rejoin';
  // no retention in the shard's config: the mark is moved from outside, as the journal StorageAdapter's
  // enforceRetention does (or another replica's pass while this one was down)
  await createShard(ns, shard);
  const offsets = await appendRange(ns, shard, 0, 20);
  const segments = await settledSegments(ns, shard);
  const sealed = segments.filter((s) => s.status === 'SEGMENT_SEALED');
  expect(sealed.length).toBeGreaterThanOrEqual(3);
  const active = segments.find((s) => s.status === 'SEGMENT_WRITE')!;
  const away = cluster.journals.find((j) => j.id !== active.leader)!;
  const stays = cluster.journals.find((j) => j.id === active.leader)!;
  expect(filesOn(away.id, ns, shard)).toEqual(expect.arrayContaining(sealed.map((s) => s.seq)));

  await cluster.stopJournal(away);
  const firstKept = sealed.at(-1)!.seq;
  await advanceRetentionMark(cluster.client.kv, ns, shard, firstKept);
  await expect.poll(() => filesOn(stays.id, ns, shard)[0], { timeout: 5_000, interval: 100 }).toBe(firstKept);
  // the stopped server's files are untouched until it runs again
  expect(filesOn(away.id, ns, shard)[0]).toBe(sealed[0]!.seq);

  await cluster.startJournal(away);
  await expect.poll(() => filesOn(away.id, ns, shard)[0], { timeout: 5_000, interval: 100 }).toBe(firstKept);
  await expectRemoved(ns, shard, firstKept);
  const start = sealed.at(-1)!.startOffset;
  await expectKeptFrom(ns, shard, firstKept, offsets, start);
}, 60_000);
