// The segment store's data path on its own: framed batches written as they came (write) become durable only with a
// sync, and syncs asked for while one runs share the next fdatasync; a truncation cannot be outrun by a sync that
// began before it; readFramed answers with contiguous file bytes in the wire's batch layout, within its limits.
import { decodeRecord, encodeRecordBatch, splitBatch } from '@robustmq/protocol/journal';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { quietLogger, tempDir, removeDir } from '@robustmq/testing';
import { checkBatch, stampOffsets } from '../src/storage/framed-batch.js';
import type { LocalSegment } from '../src/storage/local-segment.js';
import { SegmentStore } from '../src/storage/segment-store.js';
import { storeWithSegment } from './support/segment-store.js';

let dir: string;

beforeEach(async () => {
  dir = tempDir('segwrite');
});
afterEach(async () => {
  removeDir(dir);
});

/** a framed batch of n records stamped with offsets from the segment's end (as the leader does). */
function batch(seg: LocalSegment, n: number, from = seg.endOffset): Buffer {
  const { data } = encodeRecordBatch(
    Array.from({ length: n }, (_, i) => ({
      tags: [],
      headers: [],
      timestamp: 1000 + from + i,
      payload: Buffer.from(`p${from + i}`),
    })),
  );
  expect(checkBatch(data, 'test')).toBe(n);
  stampOffsets(data, from);
  expect(checkBatch(data, 'test', from)).toBe(n); // the stamped CRCs hold
  return data;
}

it('makes writes durable only through sync, one fdatasync for the syncs that queued behind a running one', async () => {
  const { store, seg } = await storeWithSegment(dir);
  // hold the first fdatasync until the later writes have asked for theirs, so the test does not race the disk
  let fsyncs = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const realSync = seg.file.sync.bind(seg.file);
  seg.file.sync = async () => {
    if (fsyncs++ === 0) await gate;
    return realSync();
  };

  await seg.write([batch(seg, 10)], 10, 1);
  expect(seg.endOffset).toBe(10);
  expect(seg.durableEnd).toBe(0);
  const first = seg.sync();
  const waits: Promise<void>[] = [];
  for (let i = 0; i < 5; i++) {
    await seg.write([batch(seg, 10)], 10, 1);
    waits.push(seg.sync());
  }
  expect(seg.durableEnd).toBe(0);
  release();
  await first;
  expect(seg.durableEnd).toBe(10); // the first sync covers only what was written before it began
  await Promise.all(waits);
  expect(seg.durableEnd).toBe(60);
  expect(fsyncs).toBe(2); // the five syncs asked for while the first ran shared one
  await expect(seg.write([batch(seg, 1, 99)], 1, 1)).rejects.toThrow(/offset 99/);

  // everything survives a reopen, CRC-checked
  await store.close();
  const again = await SegmentStore.open(dir, quietLogger);
  const s = again.get('ns', 's', 0)!;
  expect(s.endOffset).toBe(60);
  const { parts, count } = await s.readFramed(0, 60, 1000, 1 << 20);
  expect(count).toBe(60);
  const records = parts.flatMap((p) => splitBatch(p)).map((r, i) => decodeRecord(r, `record ${i}`));
  expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  await again.close();
});

it('with overlap_syncs, a sync asked for while one runs starts at once on a second descriptor and claims its end first; a failure of either claims nothing', async () => {
  const { store, seg } = await storeWithSegment(dir, 0, { overlapSyncs: true });
  const file = seg.file;
  const realSync = file.sync.bind(file);
  const realSecond = file.syncSecond.bind(file);
  let hold: Promise<void> | undefined;
  let failNext: 'first' | 'second' | undefined;
  let seconds = 0;
  file.sync = async () => {
    if (hold) await hold;
    if (failNext === 'first') {
      failNext = undefined;
      throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    }
    return realSync();
  };
  file.syncSecond = async () => {
    seconds++;
    if (failNext === 'second') {
      failNext = undefined;
      throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    }
    return realSecond();
  };
  const gate = () => {
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    return () => {
      hold = undefined;
      release();
    };
  };

  // the second descriptor is opened when first needed and trusted only after a sync through the first one that
  // started after it opened: until then syncs take turns
  await seg.write([batch(seg, 10)], 10, 1);
  let release = gate();
  const s1 = seg.sync();
  await seg.write([batch(seg, 10)], 10, 1);
  const s2 = seg.sync();
  await new Promise((r) => setTimeout(r, 20));
  release();
  await Promise.all([s1, s2]);
  expect(seconds).toBe(0);
  expect(seg.durableEnd).toBe(20);

  // now a sync asked for while one runs goes at once, and covers the running one's writes
  await seg.write([batch(seg, 10)], 10, 1);
  release = gate();
  const s3 = seg.sync();
  await seg.write([batch(seg, 10)], 10, 1);
  await seg.sync();
  expect(seconds).toBe(1);
  expect(seg.durableEnd).toBe(40); // while the first one is still held
  release();
  await s3;
  expect(seg.durableEnd).toBe(40);

  // the overlapping one fails while the first is held: the first, which then succeeds, claims nothing either
  await seg.write([batch(seg, 10)], 10, 1);
  release = gate();
  const s5 = seg.sync().catch((err: Error) => err);
  await seg.write([batch(seg, 10)], 10, 1);
  failNext = 'second';
  const s6 = await seg.sync().catch((err: Error) => err);
  expect(s6).toBeInstanceOf(Error);
  release();
  expect(await s5).toBeInstanceOf(Error);
  expect(seg.durableEnd).toBe(40);
  await store.close();
});

it('answers reads with contiguous framed bytes, honouring the offset range, record and byte limits', async () => {
  const { store, seg } = await storeWithSegment(dir);
  await seg.append(splitBatch(batch(seg, 200)), 1);
  const mid = await seg.readFramed(37, 200, 5, 1 << 20);
  expect(mid.count).toBe(5);
  expect(mid.parts.length).toBe(1);
  expect(splitBatch(mid.parts[0]!).map((r) => decodeRecord(r, 'r').offset)).toEqual([37, 38, 39, 40, 41]);
  expect((await seg.readFramed(195, 198, 100, 1 << 20)).count).toBe(3); // stops at the end offset
  expect((await seg.readFramed(0, 200, 100, 1)).count).toBe(1); // the first record always, then the byte limit
  await store.close();
});

it('does not let a sync that began before a truncation claim records written after it', async () => {
  const { store, seg } = await storeWithSegment(dir);
  await seg.write([batch(seg, 20)], 20, 1);
  const pending = seg.sync();
  await seg.truncate(5); // waits for the pending sync, then cuts
  await pending;
  expect(seg.durableEnd).toBe(5);
  await seg.write([batch(seg, 3)], 3, 2);
  expect(seg.endOffset).toBe(8);
  expect(seg.durableEnd).toBe(5);
  await seg.sync();
  expect(seg.durableEnd).toBe(8);
  expect(seg.meta.epochs).toEqual([
    [1, 0],
    [2, 5],
  ]);
  await store.close();
});
