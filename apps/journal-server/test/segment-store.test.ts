// The segment store on its own: appends survive a reopen, a torn tail (half a record, or a last record whose CRC
// does not match) is cut on open, a file shorter than its index makes the index rebuild, lost index entries are
// rebuilt from the file (index entries reach RocksDB in batches after the fdatasyncs), truncation drops a tail
// with its index entries, and the idempotent producers' requests are stored once per producer and group commit and
// answered, cut at the segment's end, by duplicateOf; with preallocation, appends land on zeros written ahead, which
// recovery and sealing cut, and a torn last record before them is still cut.
import { truncate, open, stat } from 'node:fs/promises';
import { type BatchOp } from '@robustmq/common';
import { assignOffset, batchParts, encodeRecord, formatProducerStamp } from '@robustmq/protocol/journal';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { quietLogger, tempDir, removeDir } from '@robustmq/testing';
import type { LocalSegment } from '../src/storage/local-segment.js';
import { SegmentStore } from '../src/storage/segment-store.js';
import { storeWithSegment, reopenStore } from './support/segment-store.js';
import { checkpointKey, producerKey } from '../src/storage/index-keys.js';
import { ProducerTable } from '../src/storage/producer-table.js';
import { recordOffset } from '../src/storage/record-view.js';

let dir: string;

beforeEach(async () => {
  dir = tempDir('segstore');
});
afterEach(async () => {
  removeDir(dir);
});

function records(
  seg: LocalSegment,
  n: number,
  opts: { key?: string; tag?: string; ts?: (i: number) => number } = {},
): Buffer[] {
  return Array.from({ length: n }, (_, i) => {
    const offset = seg.endOffset + i;
    const r = encodeRecord(offset, {
      ...(opts.key ? { key: opts.key } : {}),
      tags: opts.tag ? [opts.tag] : [],
      timestamp: opts.ts ? opts.ts(offset) : 1000 + offset,
      headers: [],
      payload: Buffer.from(`payload-${offset}`),
    });
    assignOffset(r, offset);
    return r;
  });
}

/** `n` requests of producer 7, one record each, sequences from `firstSequence` (floor 0: all remembered). */
function stampedRecords(seg: LocalSegment, n: number, firstSequence: number, count = 1): Buffer[] {
  return Array.from({ length: n }, (_, i) => {
    const offset = seg.endOffset + i;
    const r = encodeRecord(offset, {
      tags: [],
      timestamp: 1000 + offset,
      headers: [formatProducerStamp({ producerId: 7, sequence: firstSequence + i, floor: 0, count })],
      payload: Buffer.from(`payload-${offset}`),
    });
    assignOffset(r, offset);
    return r;
  });
}

async function openWith(n: number): Promise<{ store: SegmentStore; seg: LocalSegment }> {
  const { store, seg } = await storeWithSegment(dir);
  for (let done = 0; done < n; done += 100)
    await seg.append(records(seg, Math.min(100, n - done), { key: 'k', tag: 't' }), 1);
  return { store, seg };
}

const reopen = (store: SegmentStore) => reopenStore(store, dir);

const offsets = (rs: Buffer[]) => rs.map(recordOffset);

it('keeps records, indexes and epochs across a reopen', async () => {
  let { store, seg } = await openWith(1000);
  ({ store, seg } = await reopen(store));
  expect(seg.endOffset).toBe(1000);
  expect(offsets(await seg.read(500, 1000, 3, 1 << 20))).toEqual([500, 501, 502]);
  expect((await seg.lookupTerm('key', 'k', 998, 1000, 10)).length).toBe(2);
  expect(await seg.offsetForTimestamp(1500, 1000)).toBe(500);
  expect(seg.meta.epochs).toEqual([[1, 0]]);
  await store.close();
});

it('cuts a half-written last record on open', async () => {
  let { store, seg } = await openWith(300);
  const path = seg.file.path;
  const size = seg.file.size;
  await store.close();
  await truncate(path, size - 7); // the process died in the middle of writing the last record
  store = await SegmentStore.open(dir, quietLogger);
  seg = store.get('ns', 's', 0)!;
  expect(seg.endOffset).toBe(299);
  expect((await stat(path)).size).toBeLessThan(size - 7);
  expect(offsets(await seg.read(297, seg.endOffset, 10, 1 << 20))).toEqual([297, 298]);
  // the log continues densely after the cut
  await seg.append(records(seg, 2), 1);
  expect(offsets(await seg.read(298, seg.endOffset, 10, 1 << 20))).toEqual([298, 299, 300]);
  await store.close();
});

it('cuts a last record whose CRC does not match (a torn sector) when it is past the index checkpoint', async () => {
  const { store, seg } = await openWith(50);
  const path = seg.file.path;
  // forget the index checkpoint, as after a crash that lost unsynced index writes, then damage the last record
  await seg.flushIndex();
  await store.db.delete(checkpointKey(seg.key));
  await store.close();
  const size = (await stat(path)).size;
  const f = await open(path, 'r+');
  await f.write(Buffer.from([0xee]), 0, 1, size - 1);
  await f.close();
  const again = await SegmentStore.open(dir, quietLogger);
  const s = again.get('ns', 's', 0)!;
  expect(s.endOffset).toBe(49);
  expect((await s.lookupTerm('tag', 't', 0, s.endOffset, 1000)).length).toBe(49); // index rebuilt from the file
  await again.close();
});

it('writes index entries in batches, not one per fdatasync; lookups see them at once; a crash before the batch loses none', async () => {
  const { store, seg } = await storeWithSegment(dir);
  const batch = vi.spyOn(store.db, 'batch');
  for (let i = 0; i < 40; i++) await seg.append(records(seg, 1, { key: 'k', tag: 't' }), 1);
  // one RocksDB write per INDEX_FLUSH_MS at most while appends go on, instead of one beside each of the 40 fdatasyncs
  expect(batch.mock.calls.length).toBeLessThan(10);
  expect((await seg.lookupTerm('key', 'k', 0, seg.endOffset, 100)).length).toBe(40);
  expect(await seg.offsetForTimestamp(1039, seg.endOffset)).toBe(39);
  // the process dies after 10 more durable appends before their entries (and checkpoint) reach RocksDB: every index
  // batch from here on fails to land
  for (let i = 0; i < 10; i++) await seg.append(records(seg, 1, { key: 'k', tag: 't' }), 1);
  batch.mockRejectedValue(new Error('the process died first'));
  await store.close();
  const again = await SegmentStore.open(dir, quietLogger);
  const s = again.get('ns', 's', 0)!;
  expect(s.endOffset).toBe(50);
  expect((await s.lookupTerm('tag', 't', 0, s.endOffset, 100)).length).toBe(50);
  expect(await s.offsetForTimestamp(1045, s.endOffset)).toBe(45);
  await again.close();
});

it('rebuilds the whole index when the file is shorter than the checkpoint says', async () => {
  const { store, seg } = await openWith(400);
  const path = seg.file.path;
  const cut = seg.positions[seg.positions.length - 1]! + 3; // mid-record, inside the last indexed block
  await store.close();
  await truncate(path, cut);
  const again = await SegmentStore.open(dir, quietLogger);
  const s = again.get('ns', 's', 0)!;
  expect(s.endOffset).toBeLessThan(400);
  expect(s.endOffset).toBeGreaterThan(300);
  const all = await s.read(0, s.endOffset, 1000, 1 << 30);
  expect(offsets(all)).toEqual(Array.from({ length: s.endOffset }, (_, i) => i));
  expect((await s.lookupTerm('key', 'k', 0, 1000, 1000)).length).toBe(s.endOffset);
  await again.close();
});

it('truncates a tail with its index entries and epoch history', async () => {
  const { store, seg } = await storeWithSegment(dir, 100);
  await seg.append(records(seg, 10, { key: 'a', ts: (o) => o * 10 }), 1);
  await seg.append(records(seg, 10, { key: 'a', ts: (o) => o * 10 }), 2);
  expect(seg.meta.epochs).toEqual([
    [1, 100],
    [2, 110],
  ]);
  await seg.truncate(105);
  expect(seg.endOffset).toBe(105);
  expect(seg.meta.epochs).toEqual([[1, 100]]);
  expect((await seg.lookupTerm('key', 'a', 0, 1000, 100)).length).toBe(5);
  expect(await seg.offsetForTimestamp(1040, 1000)).toBe(104);
  expect(await seg.offsetForTimestamp(1050, 1000)).toBeUndefined();
  await seg.append(records(seg, 1, { ts: () => 5000 }), 3);
  expect(await seg.offsetForTimestamp(1050, 1000)).toBe(105);
  await store.close();
});

it('lands metadata writes in the order they were made, even when the first one is slow', async () => {
  const { store, seg } = await openWith(10);
  // hold the first put so the second one would overtake it if nothing ordered them
  const realPut = store.db.put.bind(store.db);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let puts = 0;
  store.db.put = async (key, value, options) => {
    if (puts++ === 0) await gate;
    return realPut(key, value, options);
  };
  const first = seg.saveMeta(); // epochs [[1, 0]]
  seg.meta.epochs.push([2, 10]);
  const second = seg.saveMeta(); // epochs [[1, 0], [2, 10]]
  await new Promise((resolve) => setTimeout(resolve, 20)); // room for an unordered second put to land first
  release();
  await Promise.all([first, second]);
  const again = await reopen(store);
  expect(again.seg.meta.epochs).toEqual([
    [1, 0],
    [2, 10],
  ]);
  await again.store.close();
});

it("stores a producer's requests once per group commit and once at recovery, however many of them a group holds", async () => {
  const { store, seg } = await storeWithSegment(dir);
  const key = producerKey(seg.key, 7);
  const producerPuts = (calls: unknown[][]) =>
    calls.flatMap((c) => c[0] as BatchOp[]).filter((op) => op.type === 'put' && op.key === key).length;
  const batch = vi.spyOn(store.db, 'batch');
  // one group commit (one write, one sync) of 50 requests of producer 7
  await seg.append(stampedRecords(seg, 50, 0), 1);
  await seg.flushIndex();
  expect(producerPuts(batch.mock.calls)).toBe(1); // the whole table once, not once per request (50)
  for (const sequence of [0, 25, 49])
    expect(seg.duplicateOf({ producerId: 7, sequence, floor: 0, count: 1 })).toEqual({
      base: sequence,
      count: 1,
    });

  // 30 more, durable, but the process dies before their index batch lands: recovery rebuilds them from the file
  await seg.append(stampedRecords(seg, 30, 50), 1);
  batch.mockRejectedValue(new Error('the process died first'));
  await store.close();
  batch.mockRestore();
  const recovering = vi.spyOn(Object.getPrototypeOf(store.db) as { batch: () => Promise<void> }, 'batch');
  try {
    const again = await SegmentStore.open(dir, quietLogger);
    expect(producerPuts(recovering.mock.calls)).toBe(1); // once at the end of recovery, not once per record (30)
    const s = again.get('ns', 's', 0)!;
    for (const sequence of [0, 49, 50, 79])
      expect(s.duplicateOf({ producerId: 7, sequence, floor: 0, count: 1 })).toEqual({
        base: sequence,
        count: 1,
      });
    await again.close();
    // and what recovery stored is the whole table: a second open finds every request without rescanning
    const third = await SegmentStore.open(dir, quietLogger);
    expect(third.get('ns', 's', 0)!.duplicateOf({ producerId: 7, sequence: 79, floor: 0, count: 1 })).toEqual(
      {
        base: 79,
        count: 1,
      },
    );
    await third.close();
  } finally {
    recovering.mockRestore();
  }
});

it('answers a repeated request with its offsets cut at the segment end, from a pending group first', async () => {
  const store = await SegmentStore.open(dir, quietLogger);
  const seg = await store.create({
    namespace: 'ns',
    shard: 's',
    seq: 0,
    startOffset: 0,
    epoch: 1,
    maxRecords: 5,
  });
  await seg.append(records(seg, 3), 1);
  // request 0 of producer 7 counts 3 records; the segment's 5-record limit left room for 2
  await seg.append(stampedRecords(seg, 2, 0, 3).slice(0, 1).concat(records(seg, 2).slice(1)), 1);
  const repeat = { producerId: 7, sequence: 0, floor: 0, count: 3 };
  expect(seg.duplicateOf(repeat)).toEqual({ base: 3, count: 2 });
  expect(seg.duplicateOf({ ...repeat, sequence: 1 })).toBeUndefined();
  // a request of a group not written yet is found there first
  const pending = new ProducerTable();
  pending.note({ ...repeat, sequence: 1, count: 2 }, 4);
  expect(seg.duplicateOf({ ...repeat, sequence: 1, count: 2 }, pending)).toEqual({ base: 4, count: 1 });
  // sealed where it ends
  seg.meta.sealedEnd = 4;
  expect(seg.duplicateOf(repeat)).toEqual({ base: 3, count: 1 });
  await store.close();
});

it('an index batch carries one checkpoint and one put per producer, however many syncs it gathers', async () => {
  const { store, seg } = await storeWithSegment(dir);
  const batch = vi.spyOn(store.db, 'batch');
  // 20 durable appends, each its own sync, each with a request of producer 7 and a time index entry; the 200 ms
  // index timer is held, so one batch gathers all of them however slow the machine is
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    for (let i = 0; i < 20; i++) await seg.append(stampedRecords(seg, 1, i), 1);
  } finally {
    vi.useRealTimers();
  }
  await seg.flushIndex();
  expect(batch.mock.calls.length).toBe(1);
  const ops = batch.mock.calls.flatMap((c) => c[0] as BatchOp[]);
  const puts = (key: string) => ops.filter((op) => op.type === 'put' && op.key === key).length;
  expect(puts(checkpointKey(seg.key))).toBe(1); // the last sync's, not one per sync (20)
  expect(puts(producerKey(seg.key, 7))).toBe(1);
  expect(ops.filter((op) => String(op.key).startsWith('t/')).length).toBe(20); // every index entry stays
  // and what landed is the last state: a reopen finds everything without rescanning past the checkpoint
  const again = await reopen(store);
  expect(again.seg.endOffset).toBe(20);
  expect(again.seg.duplicateOf({ producerId: 7, sequence: 19, floor: 0, count: 1 })).toEqual({
    base: 19,
    count: 1,
  });
  expect(await again.seg.offsetForTimestamp(1010, again.seg.endOffset)).toBe(10);
  await again.store.close();
});

it('with preallocate_bytes, appends land on zeros written ahead; a reopen keeps every record and cuts the zeros', async () => {
  const { store, seg } = await storeWithSegment(dir, 0, { preallocateBytes: 256 * 1024 });
  const big = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const offset = seg.endOffset + i;
      const r = encodeRecord(offset, {
        tags: [],
        timestamp: 1000 + offset,
        headers: [],
        payload: Buffer.alloc(1000, i),
      });
      assignOffset(r, offset);
      return r;
    });
  // under 64 KiB nothing is preallocated
  await seg.append(big(10), 1);
  expect((await stat(seg.file.path)).size).toBe(seg.file.size);
  while (seg.file.size < 70 * 1024) await seg.append(big(10), 1);
  const physical = (await stat(seg.file.path)).size;
  expect(physical).toBeGreaterThan(seg.file.size + 64 * 1024); // zeros past the data
  // the next appends land on them: the file does not grow
  await seg.append(big(20), 1);
  expect((await stat(seg.file.path)).size).toBe(physical);
  const records = seg.endOffset;
  const dataEnd = seg.file.size;
  const again = await reopen(store);
  expect(again.seg.endOffset).toBe(records);
  expect((await stat(again.seg.file.path)).size).toBe(dataEnd); // the zeros were cut
  expect(offsets(await again.seg.read(0, records, 1000, 1 << 30))).toEqual(
    Array.from({ length: records }, (_, i) => i),
  );
  await again.store.close();
});

it('with preallocation, a torn last record before the zeros is cut on open; a sealed file is trimmed', async () => {
  const { store, seg } = await storeWithSegment(dir, 0, { preallocateBytes: 256 * 1024 });
  while (seg.file.size < 80 * 1024) await seg.append(records(seg, 50), 1);
  const records0 = seg.endOffset;
  const lastAt = seg.file.size - 10; // inside the last record's payload
  expect((await stat(seg.file.path)).size).toBeGreaterThan(seg.file.size);
  // forget the index checkpoint, as after a crash that lost unsynced index writes: the open scans the whole file
  await seg.flushIndex();
  await store.db.delete(checkpointKey(seg.key));
  await store.close();
  // a torn sector: the last record's bytes damaged on disk, the preallocated zeros after it
  const fh = await open(seg.file.path, 'r+');
  await fh.write(Buffer.from([0xff, 0xee]), 0, 2, lastAt);
  await fh.close();
  const again = await SegmentStore.open(dir, quietLogger, { preallocateBytes: 256 * 1024 });
  const s = again.get('ns', 's', 0)!;
  expect(s.endOffset).toBe(records0 - 1);
  // a sealed segment's file keeps no zeros
  while (s.file.size < 200 * 1024) await s.append(records(s, 50), 1);
  expect((await stat(s.file.path)).size).toBeGreaterThan(s.file.size);
  await s.file.trim();
  expect((await stat(s.file.path)).size).toBe(s.file.size);
  await again.close();
});

it("a lookup by key, tag or time finds records written but not yet synced here (a quorum commits them before the leader's own fdatasync)", async () => {
  const { store, seg } = await storeWithSegment(dir);
  await seg.append(records(seg, 5, { key: 'k', tag: 't' }), 1);
  // written here, committed by the followers' fdatasyncs, this replica's own sync not asked for yet
  const more = records(seg, 5, { key: 'k', tag: 't' });
  await seg.exclusive(() => seg.write([Buffer.concat(batchParts(more))], 5, 1));
  expect(seg.durableEnd).toBe(5);
  expect(await seg.offsetForTimestamp(1007, seg.endOffset)).toBe(7);
  expect((await seg.lookupTerm('key', 'k', 0, seg.endOffset, 100)).length).toBe(10);
  expect((await seg.lookupTerm('tag', 't', 0, seg.endOffset, 100)).length).toBe(10);
  await store.close();
});
