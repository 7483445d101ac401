// SegmentLogStore on real files: the same operation sequences give the same observable log as RocksDbRaftStorage
// (before and after restarts), and the crash cases of a hand-written log — a torn tail, a failed fdatasync, a
// conflicting suffix after a leader change, a crash in the middle of installing a snapshot — recover correctly.
// Segments are prepared on the pool ahead of need: appends never write zeros or wait, and the log reads the same
// whether a record found its next segment ready (switch) or not (the current one grows).
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  fdatasyncSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { RocksDbEngine, readFrame } from '@robustmq/common';
import { removeDir, tempDir } from '@robustmq/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RaftLogStore } from '../../src/node/log-store.js';
import { RocksDbRaftStorage } from '../../src/rocksdb/index.js';
import { SegmentLogStore, type SegmentLogIo } from '../../src/segment/index.js';
import type { HardState } from '../../src/types.js';
import { dump, ent } from './log-store-view.js';

/** mulberry32: a seeded generator, so a failing sequence is replayed by its seed. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n;
  };
}

const realIo: SegmentLogIo = {
  write(fd, data, position) {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off, position + off);
  },
  fdatasync: (fd) => fdatasyncSync(fd),
};

/** Entry 1 is made durable, then an fdatasync fails (`failSync(true)`): the write is refused, the in-memory log did
 * not take the unconfirmed entry, and the store refuses the same write again once the disk works (`failSync(false)`). */
async function expectRefusedAfterFailedSync(
  st: SegmentLogStore,
  failSync: (on: boolean) => void,
): Promise<void> {
  await st.bootstrap({ voters: [1], learners: [] });
  await st.persist({ entries: [ent(1, 1)], hardState: { term: 1, vote: 1, commit: 0 }, mustSync: true });
  failSync(true);
  await expect(st.persist({ entries: [ent(2, 1)], mustSync: true })).rejects.toThrow(
    /refuses further writes/,
  );
  expect(st.lastIndex()).toBe(1);
  failSync(false);
  await expect(st.persist({ entries: [ent(2, 1)], mustSync: true })).rejects.toThrow(
    /refuses further writes/,
  );
}

/** The segment files, in log order. */
const wals = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.wal'))
    .sort()
    .map((f) => join(dir, f));

/** Where each record of a segment file starts and ends (up to the zeros that end its records). */
function records(path: string): { start: number; end: number }[] {
  const buf = readFileSync(path);
  const out: { start: number; end: number }[] = [];
  for (let off = 0; ;) {
    const rec = readFrame(buf, off);
    if (!rec) return out;
    out.push({ start: off, end: rec.next });
    off = rec.next;
  }
}

/** The last segment file that holds a record. */
const lastUsed = (dir: string): string =>
  wals(dir)
    .filter((w) => records(w).length > 0)
    .pop()!;

/** realIo whose fdatasync on the pool fails with `message` (its code is the part before the colon) while failing. */
function failingPoolSync(message = 'EIO: i/o error, fdatasync'): {
  io: SegmentLogIo;
  failing(on: boolean): void;
} {
  let fail = false;
  const io: SegmentLogIo = {
    ...realIo,
    fdatasyncAsync: (fd) =>
      fail
        ? Promise.reject(Object.assign(new Error(message), { code: message.split(':')[0] }))
        : Promise.resolve(realIo.fdatasync(fd)),
  };
  return { io, failing: (on) => (fail = on) };
}
describe('SegmentLogStore', () => {
  let dir: string;

  beforeEach(() => {
    dir = tempDir('raft-segment');
  });
  afterEach(() => {
    removeDir(dir);
  });

  it('matches RocksDbRaftStorage on random operation sequences, before and after restarts', async () => {
    for (const seed of [1, 2, 3]) {
      // both places an fdatasync can run
      const flush = seed % 2 === 0 ? 'pool' : 'inline';
      const rand = rng(seed);
      const pick = (lo: number, hi: number) => lo + Math.floor(rand(hi - lo + 1));
      const segDir = join(dir, `seg-${seed}`);
      const dbDir = join(dir, `db-${seed}`);
      let engine = await RocksDbEngine.open(dbDir);
      let db: RaftLogStore = await RocksDbRaftStorage.open(engine, 'g');
      // tiny segments: rolling and whole-segment deletion happen many times
      let seg: SegmentLogStore = SegmentLogStore.open(segDir, { segmentBytes: 300, flush });
      const both = async (f: (st: RaftLogStore) => Promise<unknown>) => {
        await f(db);
        await f(seg);
        expect(dump(seg)).toEqual(dump(db));
      };
      await both((st) => st.bootstrap({ voters: [1, 2, 3], learners: [] }));
      let term = 1;
      let vote = 1;
      await both((st) => st.persist({ entries: [], hardState: { term, vote, commit: 0 }, mustSync: true }));
      for (let step = 0; step < 120; step++) {
        // the next segment is ready at some writes (they switch to it) and not at others (the current one grows)
        if (rand(3) < 1) await seg.nextSegmentSettled();
        const hs = db.hardState();
        const first = db.firstIndex();
        const last = db.lastIndex();
        const op = rand(100);
        if (op < 45) {
          // append, maybe overwriting an uncommitted suffix (a new leader's entries)
          const start = pick(Math.max(hs.commit + 1, first), last + 1);
          const n = pick(1, 4);
          const entries = Array.from({ length: n }, (_, k) => ent(start + k, term, `s${seed}-${step}-${k}`));
          const commit = rand(2) < 1 ? Math.min(hs.commit + 1, start + n - 1) : hs.commit;
          const hardState: HardState | undefined = commit !== hs.commit ? { term, vote, commit } : undefined;
          await both((st) => st.persist({ entries, ...(hardState ? { hardState } : {}), mustSync: true }));
        } else if (op < 55) {
          term++;
          vote = pick(0, 3);
          await both((st) =>
            st.persist({ entries: [], hardState: { term, vote, commit: hs.commit }, mustSync: true }),
          );
        } else if (op < 70 && hs.commit < last) {
          // commit-only: neither store writes it on its own
          const commit = pick(hs.commit + 1, last);
          await both((st) => st.persist({ entries: [], hardState: { ...hs, commit }, mustSync: false }));
        } else if (op < 82 && hs.commit > db.snapshot().metadata.index) {
          const index = pick(db.snapshot().metadata.index + 1, hs.commit);
          const compactTo = pick(Math.max(first - 1, 0), index);
          const data = new TextEncoder().encode(`snap-${seed}-${step}`);
          await both((st) => st.compact(index, data, { voters: [1, 2, 3], learners: [] }, compactTo));
        } else if (op < 87) {
          // a snapshot from the leader replaces the whole log
          const index = last + pick(1, 5);
          const snapshot = {
            metadata: { index, term, confState: { voters: [1, 2, 3], learners: [4] } },
            data: new TextEncoder().encode(`installed-${seed}-${step}`),
          };
          await both((st) =>
            st.persist({ snapshot, entries: [], hardState: { term, vote, commit: index }, mustSync: true }),
          );
        } else {
          // crash and restart both
          seg.close();
          await engine.close();
          engine = await RocksDbEngine.open(dbDir);
          db = await RocksDbRaftStorage.open(engine, 'g');
          seg = SegmentLogStore.open(segDir, { segmentBytes: 300, flush });
          expect(dump(seg)).toEqual(dump(db));
        }
      }
      expect(wals(segDir).length).toBeGreaterThan(1);
      seg.close();
      await engine.close();
    }
  });

  it('cuts a torn write off the tail, also with a prepared segment after it, and keeps appending after it', async () => {
    let st = SegmentLogStore.open(dir, { segmentBytes: 4096 });
    await st.bootstrap({ voters: [1], learners: [] });
    await st.persist({
      entries: [ent(1, 1), ent(2, 1)],
      hardState: { term: 1, vote: 1, commit: 1 },
      mustSync: true,
    });
    await st.persist({
      entries: [ent(3, 1), ent(4, 1, 'x'.repeat(2100))],
      hardState: { term: 1, vote: 1, commit: 3 },
      mustSync: true,
    });
    // past half of the segment: the next one is prepared (zeros, no record)
    await st.nextSegmentSettled();
    st.close();
    let wal = lastUsed(dir);
    expect(wals(dir).indexOf(wal)).toBe(wals(dir).length - 1);
    // (a clean close deletes the prepared segment; a crash would have left it: put one back)
    const prepared = join(dir, '00000000000000ff.wal');
    appendFileSync(prepared, Buffer.alloc(4096));
    // the crash tore the second write: only part of its record reached the disk
    const last = records(wal).pop()!;
    const fd = openSync(wal, 'r+');
    writeSync(fd, Buffer.alloc(last.end - last.start - 20), 0, last.end - last.start - 20, last.start + 20);
    closeSync(fd);
    st = SegmentLogStore.open(dir, { segmentBytes: 4096 });
    expect(st.lastIndex()).toBe(2);
    expect(st.hardState()).toEqual({ term: 1, vote: 1, commit: 1 });
    expect(wals(dir)).not.toContain(prepared);
    await st.persist({
      entries: [ent(3, 1, 'again')],
      hardState: { term: 1, vote: 1, commit: 3 },
      mustSync: true,
    });
    st.close();
    // garbage (a half-written record) after the last record is cut the same way
    wal = lastUsed(dir);
    const fd2 = openSync(wal, 'r+');
    writeSync(fd2, Buffer.from([9, 0, 0, 0, 1, 2, 3, 4, 5]), 0, 9, records(wal).pop()!.end);
    closeSync(fd2);
    st = SegmentLogStore.open(dir);
    expect(st.lastIndex()).toBe(3);
    expect(new TextDecoder().decode(st.entries(3, 4)[0]!.data)).toBe('again');
    expect(st.hardState().commit).toBe(3);
    st.close();
  });

  it('stops the open on a damaged record that later records follow (corruption, not a torn tail)', async () => {
    const st = SegmentLogStore.open(dir, { segmentBytes: 4096 });
    await st.bootstrap({ voters: [1], learners: [] });
    await st.persist({ entries: [ent(1, 1)], hardState: { term: 1, vote: 1, commit: 0 }, mustSync: true });
    st.close();
    const first = lastUsed(dir);
    const again = SegmentLogStore.open(dir, { segmentBytes: 4096 });
    await again.persist({ entries: [ent(2, 1)], mustSync: true });
    again.close();
    expect(lastUsed(dir)).not.toBe(first);
    const rec = records(first).pop()!;
    const fd = openSync(first, 'r+');
    writeSync(fd, Buffer.from([0xff]), 0, 1, rec.end - 1);
    closeSync(fd);
    expect(() => SegmentLogStore.open(dir)).toThrow(/damaged and more records follow it/);
  });

  it('refuses every write after a failed fdatasync on the thread pool', async () => {
    const { io, failing } = failingPoolSync();
    const st = SegmentLogStore.open(dir, { io, flush: 'pool' });
    await expectRefusedAfterFailedSync(st, failing);
    st.close();
  });

  it('flush "auto" syncs on the thread pool while leading and on the calling thread while following', async () => {
    const calls: string[] = [];
    const io: SegmentLogIo = {
      write: realIo.write,
      fdatasync(fd) {
        calls.push('inline');
        realIo.fdatasync(fd);
      },
      fdatasyncAsync(fd) {
        calls.push('pool');
        return Promise.resolve(realIo.fdatasync(fd));
      },
    };
    let st = SegmentLogStore.open(dir, { io, flush: 'auto' });
    await st.bootstrap({ voters: [1], learners: [] });
    const hs = (commit: number): HardState => ({ term: 1, vote: 1, commit });
    // (a write may also flush the segment's preallocated zeros, always on the calling thread)
    const flushOf = async (write: () => Promise<void>): Promise<string> => {
      calls.length = 0;
      await write();
      return calls[calls.length - 1]!;
    };
    expect(
      await flushOf(() =>
        st.persist({ entries: [ent(1, 1)], hardState: hs(0), mustSync: true }, { leading: false }),
      ),
    ).toBe('inline');
    expect(calls).not.toContain('pool');
    expect(await flushOf(() => st.persist({ entries: [ent(2, 1)], mustSync: true }, { leading: true }))).toBe(
      'pool',
    );
    // no context (a caller that does not say): the calling thread, as when following
    expect(await flushOf(() => st.persist({ entries: [ent(3, 1)], mustSync: true }))).toBe('inline');
    expect(calls).not.toContain('pool');
    st.close();
    st = SegmentLogStore.open(dir);
    expect(st.entries(1, 4).map((e) => e.index)).toEqual([1, 2, 3]);
    st.close();
  });

  it('refuses every write after a failed fdatasync, and what was durable before it reopens', async () => {
    let fail = false;
    const io: SegmentLogIo = {
      write: realIo.write,
      fdatasync(fd) {
        if (fail) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
        realIo.fdatasync(fd);
      },
    };
    let st = SegmentLogStore.open(dir, { io });
    await expectRefusedAfterFailedSync(st, (on) => (fail = on));
    st.close();
    st = SegmentLogStore.open(dir);
    expect(st.entries(1, 2).map((e) => e.index)).toEqual([1]);
    expect(st.lastIndex()).toBeGreaterThanOrEqual(1);
    st.close();
  });

  it('truncates a conflicting suffix after a leader change, across a segment boundary, and reloads it', async () => {
    let st = SegmentLogStore.open(dir, { segmentBytes: 120 });
    await st.bootstrap({ voters: [1, 2, 3], learners: [] });
    await st.persist({
      entries: [1, 2, 3, 4, 5, 6].map((i) => ent(i, 1)),
      hardState: { term: 1, vote: 1, commit: 2 },
      mustSync: true,
    });
    await st.nextSegmentSettled();
    await st.persist({ entries: [ent(7, 1), ent(8, 1)], mustSync: true });
    await st.nextSegmentSettled();
    // the new leader of term 2 never had 4..8: its entries replace them, in a later segment
    const before4 = lastUsed(dir);
    await st.persist({
      entries: [ent(4, 2, 'new4'), ent(5, 2, 'new5')],
      hardState: { term: 2, vote: 2, commit: 2 },
      mustSync: true,
    });
    expect(st.lastIndex()).toBe(5);
    expect(lastUsed(dir)).not.toBe(before4);
    const before = dump(st);
    st.close();
    expect(wals(dir).length).toBeGreaterThan(2);
    st = SegmentLogStore.open(dir, { segmentBytes: 120 });
    expect(dump(st)).toEqual(before);
    expect(st.entries(4, 6).map((e) => [e.term, new TextDecoder().decode(e.data)])).toEqual([
      [2, 'new4'],
      [2, 'new5'],
    ]);
    st.close();
  });

  it('reads the prepared zeros after the records of a segment as its end, mid-log too; a record that finds no prepared segment grows the current one', async () => {
    const writes: number[] = [];
    const syncs: number[] = [];
    const io: SegmentLogIo = {
      write(fd, data, position) {
        writes.push(data.length);
        realIo.write(fd, data, position);
      },
      fdatasync(fd) {
        syncs.push(fd);
        realIo.fdatasync(fd);
      },
    };
    let st = SegmentLogStore.open(dir, { segmentBytes: 200, io });
    await st.bootstrap({ voters: [1], learners: [] });
    writes.length = 0;
    syncs.length = 0;
    for (let i = 1; i <= 12; i++) {
      await st.persist({
        entries: [ent(i, 1)],
        hardState: { term: 1, vote: 1, commit: i - 1 },
        mustSync: true,
      });
      // writes 5..8 find no prepared segment (it is still on the pool): the current one grows past 200 bytes
      if (i < 5 || i > 8) await st.nextSegmentSettled();
    }
    // the calling thread wrote records only (never zeros), one write and one fdatasync per persist
    expect(writes.length).toBe(12);
    expect(Math.max(...writes)).toBeLessThan(100);
    expect(syncs.length).toBe(12);
    const before = dump(st);
    st.close();
    const files = wals(dir);
    expect(files.length).toBeGreaterThan(3);
    expect(Math.max(...files.map((f) => statSync(f).size))).toBeGreaterThan(200);
    // records end in zeros mid-log: each used segment kept its prepared tail
    expect(statSync(files[1]!).size).toBe(200);
    st = SegmentLogStore.open(dir, { segmentBytes: 200 });
    expect(dump(st)).toEqual(before);
    await st.persist({ entries: [ent(13, 1)], mustSync: true });
    st.close();
    expect(SegmentLogStore.open(dir).lastIndex()).toBe(13);
  });

  it('refuses writes after preparing a segment failed', async () => {
    const { io, failing } = failingPoolSync('ENOSPC: no space left on device');
    const st = SegmentLogStore.open(dir, { segmentBytes: 200, io });
    await st.bootstrap({ voters: [1], learners: [] });
    failing(true);
    await st.persist({
      entries: [ent(1, 1, 'x'.repeat(100))],
      hardState: { term: 1, vote: 1, commit: 0 },
      mustSync: true,
    });
    await st.nextSegmentSettled();
    await expect(st.persist({ entries: [ent(2, 1)], mustSync: true })).rejects.toThrow(
      /refuses further writes/,
    );
    st.close();
    expect(wals(dir).length).toBe(1);
    expect(SegmentLogStore.open(dir).lastIndex()).toBe(1);
  });

  it('compaction deletes whole old segments only; the log reopens the same', async () => {
    const st = SegmentLogStore.open(dir, { segmentBytes: 256, flush: 'pool' });
    await st.bootstrap({ voters: [1, 2, 3], learners: [] });
    for (let i = 1; i <= 30; i++) {
      await st.persist({ entries: [ent(i, 1)], hardState: { term: 1, vote: 1, commit: i }, mustSync: true });
      await st.nextSegmentSettled();
    }
    const before = wals(dir).length;
    expect(before).toBeGreaterThan(4);
    await st.compact(20, new Uint8Array([1, 2]), { voters: [1, 2, 3], learners: [] });
    const after = wals(dir);
    expect(after.length).toBeLessThan(before);
    expect(after.length).toBeGreaterThan(1);
    expect(st.firstIndex()).toBe(21);
    const view = dump(st);
    st.close();
    const again = SegmentLogStore.open(dir, { segmentBytes: 256 });
    expect(dump(again)).toEqual(view);
    again.close();
  });

  it('recovers from a crash after a snapshot install was recorded but before the old segments were deleted', async () => {
    let st = SegmentLogStore.open(dir);
    await st.bootstrap({ voters: [1, 2, 3], learners: [] });
    await st.persist({
      entries: [1, 2, 3, 4].map((i) => ent(i, 1)),
      hardState: { term: 1, vote: 1, commit: 1 },
      mustSync: true,
    });
    const old = readdirSync(dir).filter((f) => f.endsWith('.wal'));
    const saved = join(dir, 'saved');
    copyFileSync(join(dir, old[0]!), saved);
    const snapshot = {
      metadata: { index: 20, term: 3, confState: { voters: [1, 2, 3], learners: [] } },
      data: new Uint8Array([7]),
    };
    await st.persist({
      snapshot,
      entries: [ent(21, 3)],
      hardState: { term: 3, vote: 2, commit: 20 },
      mustSync: true,
    });
    const after = dump(st);
    st.close();
    // put back the segment the install deleted, as if the crash came just before the deletion
    copyFileSync(saved, join(dir, old[0]!));
    rmSync(saved);
    st = SegmentLogStore.open(dir);
    expect(dump(st)).toEqual(after);
    expect(readdirSync(dir)).not.toContain(old[0]);
    st.close();
  });

  it('compacts beside persist(): writes go on while the snapshot file is written, and reopen to the same log', async () => {
    const st = SegmentLogStore.open(dir, { flush: 'pool' });
    await st.bootstrap({ voters: [1, 2, 3], learners: [] });
    await st.persist({
      entries: Array.from({ length: 10 }, (_, i) => ent(i + 1, 1)),
      hardState: { term: 1, vote: 1, commit: 10 },
      mustSync: true,
    });
    const image = Buffer.alloc(1536 * 1024 + 5, 'snapshot image ');
    const compacting = st.compact(8, image, { voters: [1, 2, 3], learners: [] }, 6);
    // appends keep landing while the compaction writes its file
    for (let i = 11; i <= 14; i++) await st.persist({ entries: [ent(i, 1)], mustSync: true });
    expect(st.firstIndex()).toBe(1);
    await compacting;
    expect(st.snapshot().metadata.index).toBe(8);
    expect(st.firstIndex()).toBe(7);
    expect(st.lastIndex()).toBe(14);
    expect(readdirSync(dir)).not.toContain('snapshot.compact.tmp');
    const before = dump(st);
    st.close();
    const again = SegmentLogStore.open(dir);
    expect(dump(again)).toEqual(before);
    expect(Buffer.from(again.snapshot().data).equals(Buffer.from(image))).toBe(true);
    again.close();
  });

  it('drops a compaction that a snapshot installed from the leader overtook', async () => {
    const st = SegmentLogStore.open(dir, { flush: 'pool' });
    await st.bootstrap({ voters: [1, 2, 3], learners: [] });
    await st.persist({
      entries: [1, 2, 3, 4].map((i) => ent(i, 1)),
      hardState: { term: 1, vote: 1, commit: 4 },
      mustSync: true,
    });
    const compacting = st.compact(4, new Uint8Array(2 * 1024 * 1024), { voters: [1, 2, 3], learners: [] });
    await st.persist({
      snapshot: {
        metadata: { index: 20, term: 3, confState: { voters: [1, 2, 3], learners: [] } },
        data: new Uint8Array([7]),
      },
      entries: [],
      hardState: { term: 3, vote: 2, commit: 20 },
      mustSync: true,
    });
    await expect(compacting).rejects.toMatchObject({ code: 'SNAPSHOT_OUT_OF_DATE' });
    expect(st.snapshot().metadata.index).toBe(20);
    expect(readdirSync(dir)).not.toContain('snapshot.compact.tmp');
    const after = dump(st);
    st.close();
    const again = SegmentLogStore.open(dir);
    expect(dump(again)).toEqual(after);
    expect(Array.from(again.snapshot().data)).toEqual([7]);
    again.close();
  });

  describe('a snapshot from the leader', () => {
    const confState = { voters: [1, 2, 3], learners: [] };
    const metadata = { index: 20, term: 3, confState };
    const from = { leaderTerm: 3, index: 20, term: 3 };
    /** 3 MiB and a bit, different in every MiB, so a piece written at the wrong place shows. */
    const image = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i + 4 <= image.length; i += 4) image.writeUInt32LE(i, i);
    const MiB = 1024 * 1024;
    const incoming = (): string[] => readdirSync(dir).filter((f) => f.startsWith('snapshot.incoming.'));

    async function withLog(st: SegmentLogStore): Promise<void> {
      await st.bootstrap(confState);
      await st.persist({
        entries: [1, 2, 3, 4].map((i) => ent(i, 1)),
        hardState: { term: 1, vote: 1, commit: 1 },
        mustSync: true,
      });
    }

    it('is written as its chunks arrive; the install finishes the file, and it reopens the same', async () => {
      const st = SegmentLogStore.open(dir, { segmentBytes: 64 * 1024 });
      await withLog(st);
      // a transfer that a newer one replaced (a chunk at offset 0) leaves no file behind
      st.stageSnapshotChunk({ leaderTerm: 2, index: 18, term: 2 }, 0, image.subarray(0, MiB));
      for (let off = 0; off < 3 * MiB; off += MiB)
        st.stageSnapshotChunk(from, off, image.subarray(off, off + MiB));
      // the chunks reach the disk before the install (which only writes the last one); the replaced transfer's file goes
      await vi.waitFor(
        () => {
          const files = incoming();
          expect(files).toHaveLength(1);
          expect(statSync(join(dir, files[0]!)).size).toBe(16 + 3 * MiB);
        },
        { timeout: 10_000 },
      );
      await st.persist({
        snapshot: { metadata, data: image },
        entries: [ent(21, 3)],
        hardState: { term: 3, vote: 2, commit: 20 },
        mustSync: true,
      });
      expect(st.snapshot().metadata.index).toBe(20);
      expect(st.firstIndex()).toBe(21);
      expect(st.lastIndex()).toBe(21);
      expect(incoming()).toEqual([]);
      const after = dump(st);
      st.close();
      const again = SegmentLogStore.open(dir);
      expect(dump(again)).toEqual(after);
      again.close();
    });

    it('never becomes the state when the install fails before its file took over; the old log reopens', async () => {
      const { io, failing } = failingPoolSync();
      const st = SegmentLogStore.open(dir, { io });
      await withLog(st);
      const before = dump(st);
      st.stageSnapshotChunk(from, 0, image.subarray(0, MiB));
      failing(true);
      await expect(
        st.persist({
          snapshot: { metadata, data: image },
          entries: [],
          hardState: { term: 3, vote: 2, commit: 20 },
          mustSync: true,
        }),
      ).rejects.toThrow(/refuses further writes/);
      expect(dump(st)).toEqual(before);
      st.close();
      const again = SegmentLogStore.open(dir);
      expect(dump(again)).toEqual(before);
      expect(incoming()).toEqual([]);
      again.close();
    });

    it("reopens with the snapshot, its term and vote when a crash came after it took over and before the Ready's record", async () => {
      let failWrites = false;
      const io: SegmentLogIo = {
        ...realIo,
        write(fd, data, position) {
          // (a record with entries: the install's own record holds the hard state only)
          if (failWrites && data.length > 40)
            throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
          realIo.write(fd, data, position);
        },
      };
      const st = SegmentLogStore.open(dir, { io });
      await withLog(st);
      const installing = st.persist({
        snapshot: { metadata, data: image },
        entries: [ent(21, 3)],
        hardState: { term: 3, vote: 2, commit: 20 },
        mustSync: true,
      });
      // the Ready's entries are written after the snapshot file took over: that write fails, as if the process died
      // there (the install's own record, term and vote with the commit index durable before, is written)
      failWrites = true;
      await expect(installing).rejects.toThrow(/refuses further writes/);
      st.close();
      const again = SegmentLogStore.open(dir);
      expect(again.snapshot().metadata.index).toBe(20);
      expect(Buffer.from(again.snapshot().data).equals(image)).toBe(true);
      expect(again.firstIndex()).toBe(21);
      expect(again.lastIndex()).toBe(20);
      // the commit index is the snapshot's (open() raises the older one the install wrote), term and vote the Ready's
      expect(again.hardState()).toEqual({ term: 3, vote: 2, commit: 20 });
      again.close();
    });
  });
});
