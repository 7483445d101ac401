// The conformance suite every StorageAdapter implementation must pass (memory, rocksdb, journal, mysql; imported
// from @robustmq/storage-adapter/testing): one vitest describe block per implementation, run from its test file with
//   runStorageConformance('rocksdb', async () => ({ adapter, reopen, corrupt, cleanup }))
// It checks the promises written in storage-adapter.ts — ordering, dense offsets, segments, limits, indexes, group
// offsets, concurrency, long polls, durability across reopen, CRC checks, retention and argument validation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendRecord, StorageAdapter, StoredRecord } from '../storage-adapter.js';
import type { StorageErrorCode } from '../storage-error.js';

export interface ConformanceHarness {
  adapter: StorageAdapter;
  /** closes the current adapter and opens a new one over the same data; only for persistent implementations. */
  reopen?: () => Promise<StorageAdapter>;
  /**
   * damages the stored record (shard, offset) so its CRC no longer matches and returns the adapter to use from then
   * on (an implementation may need to close and reopen to reach its data).
   */
  corrupt?: (shard: string, offset: number) => Promise<StorageAdapter>;
  /** closes whatever adapter is current and removes all data (temp dirs, tables). */
  cleanup: () => Promise<void>;
}

export interface ConformanceOptions {
  /** concurrent appenders in the concurrency test; default 20. */
  appenders?: number;
  /** records each appender writes; default 200. */
  recordsPerAppender?: number;
}

const payload = (s: string) => Buffer.from(s, 'utf8');
const text = (r: StoredRecord) => r.payload.toString('utf8');

async function expectCode(
  promise: Promise<unknown>,
  code: StorageErrorCode,
  message?: RegExp,
): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'StorageError', code });
  if (message) await expect(promise).rejects.toThrow(message);
}

async function appendTexts(adapter: StorageAdapter, shard: string, texts: string[]): Promise<number[]> {
  return adapter.append(
    shard,
    texts.map((t) => ({ payload: payload(t) })),
  );
}

export function runStorageConformance(
  name: string,
  factory: () => Promise<ConformanceHarness>,
  options: ConformanceOptions = {},
): void {
  describe(`StorageAdapter conformance: ${name}`, () => {
    let h: ConformanceHarness;
    let a: StorageAdapter;

    beforeEach(async () => {
      h = await factory();
      a = h.adapter;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('shards', () => {
      it('creates, lists (sorted), describes and deletes shards', async () => {
        const info = await a.createShard('orders', { maxRecordsPerSegment: 5, retentionMs: 60_000 });
        expect(info).toMatchObject({
          name: 'orders',
          startOffset: 0,
          nextOffset: 0,
          segmentCount: 0,
          options: { maxRecordsPerSegment: 5, retentionMs: 60_000 },
        });
        await a.createShard('alerts');
        expect((await a.listShards()).map((s) => s.name)).toEqual(['alerts', 'orders']);
        expect((await a.describeShard('alerts')).options.maxRecordsPerSegment).toBeGreaterThan(0);
        expect((await a.describeShard('orders')).segments).toEqual([]);
        await a.deleteShard('alerts');
        expect((await a.listShards()).map((s) => s.name)).toEqual(['orders']);
      });

      it('refuses a duplicate create with SHARD_EXISTS', async () => {
        await a.createShard('dup');
        await expectCode(a.createShard('dup'), 'SHARD_EXISTS', /dup/);
      });

      it('answers every operation on an unknown shard with SHARD_NOT_FOUND', async () => {
        const p = { payload: payload('x') };
        await expectCode(a.append('nope', [p]), 'SHARD_NOT_FOUND', /nope/);
        await expectCode(a.read('nope', 0), 'SHARD_NOT_FOUND');
        await expectCode(a.readByKey('nope', 'k'), 'SHARD_NOT_FOUND');
        await expectCode(a.readByTag('nope', 't'), 'SHARD_NOT_FOUND');
        await expectCode(a.offsetForTimestamp('nope', 0), 'SHARD_NOT_FOUND');
        await expectCode(a.commitOffset('g', 'nope', 0), 'SHARD_NOT_FOUND');
        await expectCode(a.fetchOffset('g', 'nope'), 'SHARD_NOT_FOUND');
        await expectCode(a.describeShard('nope'), 'SHARD_NOT_FOUND');
        await expectCode(a.deleteShard('nope'), 'SHARD_NOT_FOUND');
      });

      it('checks the arguments before looking the shard up: a bad one on an unknown shard is INVALID_ARGUMENT', async () => {
        // one order for every adapter (CheckedStorageAdapter); memory and rocksdb used to answer SHARD_NOT_FOUND here
        const calls: [RegExp, () => Promise<unknown>][] = [
          [/must not be empty/, () => a.append('nope', [])],
          [/fromOffset/, () => a.read('nope', -1)],
          [/key/, () => a.readByKey('nope', '')],
          [/timestamp/, () => a.offsetForTimestamp('nope', 1.5)],
          [/offset/, () => a.commitOffset('g', 'nope', -1)],
        ];
        for (const [field, call] of calls) await expectCode(call(), 'INVALID_ARGUMENT', field);
      });

      it('deleting a shard removes its records, indexes and group offsets; a new shard of that name starts empty', async () => {
        await a.createShard('s');
        await a.append('s', [{ key: 'k', tags: ['t'], payload: payload('old') }]);
        await a.commitOffset('g', 's', 1);
        await a.deleteShard('s');
        await expectCode(a.read('s', 0), 'SHARD_NOT_FOUND');
        await a.createShard('s');
        expect((await a.describeShard('s')).nextOffset).toBe(0);
        expect(await a.read('s', 0)).toEqual([]);
        expect(await a.readByKey('s', 'k')).toEqual([]);
        expect(await a.readByTag('s', 't')).toEqual([]);
        expect(await a.fetchOffset('g', 's')).toBeUndefined();
        expect(await a.offsetForTimestamp('s', 0)).toBeUndefined();
        expect(await a.append('s', [{ payload: payload('new') }])).toEqual([0]);
      });

      it('keeps shards apart even when names and keys contain "/"', async () => {
        await a.createShard('a');
        await a.createShard('a/b');
        await a.append('a', [{ key: 'b/c', payload: payload('in a') }]);
        await a.append('a/b', [{ key: 'c', payload: payload('in a/b') }]);
        expect((await a.readByKey('a', 'b/c')).map(text)).toEqual(['in a']);
        expect((await a.readByKey('a/b', 'c')).map(text)).toEqual(['in a/b']);
        expect(await a.readByKey('a', 'b')).toEqual([]);
        expect((await a.read('a', 0)).map(text)).toEqual(['in a']);
      });
    });

    describe('append and read', () => {
      it('stores every field and returns records in order with their offsets and a CRC', async () => {
        await a.createShard('s');
        const records: AppendRecord[] = [
          {
            key: 'sensor/1',
            tags: ['temp', 'eu'],
            timestamp: 1_700_000_000_000,
            headers: [
              { name: 'h', value: '1' },
              { name: 'h', value: '2' },
            ],
            payload: Buffer.from([0, 1, 2, 255]),
          },
          { timestamp: 5, headers: { 'content-type': 'text/plain', empty: '' }, payload: payload('héllo ✓') },
          { payload: Buffer.alloc(0) },
        ];
        const before = Date.now();
        expect(await a.append('s', records)).toEqual([0, 1, 2]);
        const got = await a.read('s', 0);
        expect(got.map((r) => r.offset)).toEqual([0, 1, 2]);
        expect(got[0]).toMatchObject({
          offset: 0,
          key: 'sensor/1',
          tags: ['temp', 'eu'],
          timestamp: 1_700_000_000_000,
          headers: [
            { name: 'h', value: '1' },
            { name: 'h', value: '2' },
          ],
        });
        expect([...got[0]!.payload]).toEqual([0, 1, 2, 255]);
        expect(got[1]!.headers).toEqual([
          { name: 'content-type', value: 'text/plain' },
          { name: 'empty', value: '' },
        ]);
        expect(text(got[1]!)).toBe('héllo ✓');
        expect(got[1]!.key).toBeUndefined();
        expect(got[2]!.payload.length).toBe(0);
        expect(got[2]!.tags).toEqual([]);
        expect(got[2]!.timestamp).toBeGreaterThanOrEqual(before);
        for (const r of got) expect(Number.isInteger(r.crc)).toBe(true);
      });

      it('assigns dense, monotonic offsets from 0 across calls', async () => {
        await a.createShard('s');
        const all: number[] = [];
        for (const n of [1, 3, 2, 7, 1]) {
          all.push(
            ...(await appendTexts(
              a,
              's',
              Array.from({ length: n }, (_, i) => `r${all.length + i}`),
            )),
          );
        }
        expect(all).toEqual(Array.from({ length: 14 }, (_, i) => i));
        const got = await a.read('s', 0, { maxRecords: 100 });
        expect(got.map(text)).toEqual(all.map((i) => `r${i}`));
        expect((await a.describeShard('s')).nextOffset).toBe(14);
      });

      it('appends with expectedOffset only where the shard ends: OFFSET_MISMATCH and nothing written elsewhere', async () => {
        await a.createShard('s');
        expect(
          await a.append('s', [{ payload: payload('a') }, { payload: payload('b') }], { expectedOffset: 0 }),
        ).toEqual([0, 1]);
        for (const wrong of [0, 1, 3]) {
          await expect(
            a.append('s', [{ payload: payload('x') }], { expectedOffset: wrong }),
          ).rejects.toMatchObject({ code: 'OFFSET_MISMATCH' });
        }
        await expect(
          a.append('s', [{ payload: payload('x') }], { expectedOffset: -1 }),
        ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        expect(await a.append('s', [{ payload: payload('c') }], { expectedOffset: 2 })).toEqual([2]);
        // concurrent calls of one writer: the second expects where the first ends
        const [first, second, stale] = await Promise.allSettled([
          a.append('s', [{ payload: payload('d') }, { payload: payload('e') }], { expectedOffset: 3 }),
          a.append('s', [{ payload: payload('f') }], { expectedOffset: 5 }),
          a.append('s', [{ payload: payload('y') }], { expectedOffset: 3 }),
        ]);
        expect(first).toEqual({ status: 'fulfilled', value: [3, 4] });
        expect(second).toEqual({ status: 'fulfilled', value: [5] });
        expect(stale).toMatchObject({ status: 'rejected', reason: { code: 'OFFSET_MISMATCH' } });
        expect((await a.read('s', 0, { maxRecords: 100 })).map(text)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
      });

      it('stores what the payload held at the call, not what the caller changes it to later', async () => {
        await a.createShard('s');
        const buf = payload('original');
        const pending = a.append('s', [{ payload: buf }]);
        buf.fill(0x21);
        await pending;
        const [stored] = await a.read('s', 0);
        expect(text(stored!)).toBe('original');
        stored!.payload.fill(0x22); // mutating what we read must not change storage either
        expect(text((await a.read('s', 0))[0]!)).toBe('original');
      });

      it('chains segments every maxRecordsPerSegment records and reads across their boundaries', async () => {
        await a.createShard('s', { maxRecordsPerSegment: 4 });
        await appendTexts(a, 's', ['0', '1', '2']);
        await appendTexts(a, 's', ['3', '4', '5', '6', '7', '8', '9']); // one call spanning three segments
        const d = await a.describeShard('s');
        expect(d.segmentCount).toBe(3);
        expect(d.segments).toEqual([
          { index: 0, startOffset: 0, endOffset: 4, status: 'sealed' },
          { index: 1, startOffset: 4, endOffset: 8, status: 'sealed' },
          { index: 2, startOffset: 8, endOffset: 10, status: 'active' },
        ]);
        expect((await a.read('s', 3, { maxRecords: 6 })).map(text)).toEqual(['3', '4', '5', '6', '7', '8']);
        expect((await a.read('s', 0, { maxRecords: 100 })).map(text)).toEqual(
          Array.from({ length: 10 }, (_, i) => String(i)),
        );
      });

      it('honours maxRecords and maxBytes, and always returns at least one record', async () => {
        await a.createShard('s');
        await a.append(
          's',
          [10, 10, 10, 50, 10].map((n) => ({ payload: Buffer.alloc(n, 0x61) })),
        );
        expect((await a.read('s', 0, { maxRecords: 2 })).map((r) => r.offset)).toEqual([0, 1]);
        expect((await a.read('s', 0, { maxBytes: 25 })).map((r) => r.offset)).toEqual([0, 1]);
        expect((await a.read('s', 0, { maxBytes: 30 })).map((r) => r.offset)).toEqual([0, 1, 2]);
        expect((await a.read('s', 3, { maxBytes: 20 })).map((r) => r.offset)).toEqual([3]); // larger than maxBytes
        expect((await a.read('s', 2, { maxBytes: 1000, maxRecords: 2 })).map((r) => r.offset)).toEqual([
          2, 3,
        ]);
      });

      it('returns [] at the end without waiting, and OFFSET_OUT_OF_RANGE beyond it', async () => {
        await a.createShard('s');
        expect(await a.read('s', 0)).toEqual([]);
        await appendTexts(a, 's', ['a', 'b']);
        expect(await a.read('s', 2)).toEqual([]);
        await expectCode(a.read('s', 3), 'OFFSET_OUT_OF_RANGE', /next offset to be written is 2/);
      });

      it('refuses a whole batch when any record in it is invalid', async () => {
        await a.createShard('s');
        await expectCode(
          a.append('s', [{ payload: payload('ok') }, { payload: 'not a buffer' as unknown as Buffer }]),
          'INVALID_ARGUMENT',
          /records\[1\]\.payload/,
        );
        expect((await a.describeShard('s')).nextOffset).toBe(0);
        expect(await a.append('s', [{ payload: payload('ok') }])).toEqual([0]);
      });
    });

    describe('indexes', () => {
      it('reads every record with a key, oldest first, with paging', async () => {
        await a.createShard('s', { maxRecordsPerSegment: 3 });
        await a.append('s', [
          { key: 'a', payload: payload('a0') },
          { key: 'b', payload: payload('b1') },
          { payload: payload('none2') },
          { key: 'a', payload: payload('a3') },
          { key: 'a', payload: payload('a4') },
        ]);
        expect((await a.readByKey('s', 'a')).map((r) => [r.offset, text(r)])).toEqual([
          [0, 'a0'],
          [3, 'a3'],
          [4, 'a4'],
        ]);
        expect((await a.readByKey('s', 'a', { fromOffset: 1 })).map((r) => r.offset)).toEqual([3, 4]);
        expect((await a.readByKey('s', 'a', { maxRecords: 2 })).map((r) => r.offset)).toEqual([0, 3]);
        expect((await a.readByKey('s', 'b')).map(text)).toEqual(['b1']);
        expect(await a.readByKey('s', 'zzz')).toEqual([]);
      });

      it('reads records by tag, a tag repeated within one record counted once', async () => {
        await a.createShard('s');
        await a.append('s', [
          { tags: ['x', 'y'], payload: payload('0') },
          { tags: ['y'], payload: payload('1') },
          { tags: ['x', 'x'], payload: payload('2') },
          { payload: payload('3') },
          { tags: ['x'], payload: payload('4') },
        ]);
        expect((await a.readByTag('s', 'x')).map((r) => r.offset)).toEqual([0, 2, 4]);
        expect((await a.readByTag('s', 'y')).map((r) => r.offset)).toEqual([0, 1]);
        expect((await a.readByTag('s', 'x', { fromOffset: 1, maxRecords: 1 })).map((r) => r.offset)).toEqual([
          2,
        ]);
        expect(await a.readByTag('s', 'none')).toEqual([]);
      });

      it('finds the first offset with timestamp >= T, also when timestamps go backwards', async () => {
        await a.createShard('s');
        expect(await a.offsetForTimestamp('s', 0)).toBeUndefined();
        //            offset:   0    1    2    3    4    5
        const timestamps = [100, 200, 150, 300, 250, 300];
        await a.append(
          's',
          timestamps.map((timestamp, i) => ({ timestamp, payload: payload(String(i)) })),
        );
        const exact = (t: number) => {
          const i = timestamps.findIndex((ts) => ts >= t);
          return i === -1 ? undefined : i;
        };
        for (const t of [0, 100, 101, 150, 199, 200, 201, 250, 299, 300, 301, 10_000]) {
          expect(await a.offsetForTimestamp('s', t), `T=${t}`).toBe(exact(t));
        }
        await a.append('s', [{ timestamp: 50, payload: payload('late') }]);
        expect(await a.offsetForTimestamp('s', 40)).toBe(0);
        expect(await a.offsetForTimestamp('s', 301)).toBeUndefined();
      });
    });

    describe('consumer group offsets', () => {
      it('commits and fetches offsets per group and shard', async () => {
        await a.createShard('s');
        await a.createShard('t');
        await appendTexts(a, 's', ['a', 'b', 'c']);
        expect(await a.fetchOffset('g1', 's')).toBeUndefined();
        await a.commitOffset('g1', 's', 2);
        await a.commitOffset('g2', 's', 3);
        await a.commitOffset('g1', 't', 0);
        expect(await a.fetchOffset('g1', 's')).toBe(2);
        expect(await a.fetchOffset('g2', 's')).toBe(3);
        expect(await a.fetchOffset('g1', 't')).toBe(0);
        await a.commitOffset('g1', 's', 1); // a consumer may rewind
        expect(await a.fetchOffset('g1', 's')).toBe(1);
      });

      it('refuses offsets beyond the end of the shard and bad group names', async () => {
        await a.createShard('s');
        await appendTexts(a, 's', ['a']);
        await expectCode(a.commitOffset('g', 's', 2), 'OFFSET_OUT_OF_RANGE', /beyond the end/);
        await expectCode(a.commitOffset('g', 's', -1), 'INVALID_ARGUMENT', /offset/);
        await expectCode(a.commitOffset('', 's', 0), 'INVALID_ARGUMENT', /group/);
        await expectCode(a.fetchOffset('', 's'), 'INVALID_ARGUMENT', /group/);
      });
    });

    describe('concurrency', () => {
      const appenders = options.appenders ?? 20;
      const perAppender = options.recordsPerAppender ?? 200;

      it(`gives ${appenders} concurrent appenders × ${perAppender} records distinct dense offsets, each in its own order`, async () => {
        await a.createShard('s', { maxRecordsPerSegment: 97 });
        const returned = new Map<string, number>();
        await Promise.all(
          Array.from({ length: appenders }, async (_, p) => {
            let i = 0;
            while (i < perAppender) {
              const n = Math.min(1 + ((p + i) % 4), perAppender - i); // batches of 1–4 records
              const texts = Array.from({ length: n }, (_, j) => `${p}:${i + j}`);
              const offsets = await appendTexts(a, 's', texts);
              expect(offsets).toEqual(Array.from({ length: n }, (_, j) => offsets[0]! + j));
              texts.forEach((t, j) => returned.set(t, offsets[j]!));
              i += n;
            }
          }),
        );
        const total = appenders * perAppender;
        expect(new Set(returned.values()).size).toBe(total);
        expect(Math.max(...returned.values())).toBe(total - 1);
        expect((await a.describeShard('s')).nextOffset).toBe(total);

        const all: StoredRecord[] = [];
        while (all.length < total) all.push(...(await a.read('s', all.length, { maxRecords: 1000 })));
        expect(all.map((r) => r.offset)).toEqual(Array.from({ length: total }, (_, i) => i));
        const lastSeen = new Map<number, number>();
        for (const r of all) {
          const [p, i] = text(r).split(':').map(Number) as [number, number];
          expect(returned.get(text(r))).toBe(r.offset);
          expect(i).toBe((lastSeen.get(p) ?? -1) + 1);
          lastSeen.set(p, i);
        }
      });
    });

    describe('long-poll read', () => {
      it('wakes as soon as a record is appended', async () => {
        await a.createShard('s');
        await appendTexts(a, 's', ['before']);
        const started = Date.now();
        const waiting = a.read('s', 1, { waitMs: 10_000 });
        const second = a.read('s', 1, { waitMs: 10_000 });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const appendedAt = Date.now();
        await appendTexts(a, 's', ['after']);
        const got = await waiting;
        const wokeAfter = Date.now() - appendedAt;
        expect(got.map(text)).toEqual(['after']);
        expect((await second).map(text)).toEqual(['after']);
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(wokeAfter).toBeLessThan(2_000);
      });

      it('resolves with [] when nothing arrives in time', async () => {
        await a.createShard('s');
        const started = Date.now();
        expect(await a.read('s', 0, { waitMs: 150 })).toEqual([]);
        expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      });

      it('returns at once when data is already there', async () => {
        await a.createShard('s');
        await appendTexts(a, 's', ['x']);
        const started = Date.now();
        expect((await a.read('s', 0, { waitMs: 10_000 })).map(text)).toEqual(['x']);
        expect(Date.now() - started).toBeLessThan(2_000);
      });

      it('fails a waiting read with SHARD_NOT_FOUND when its shard is deleted', async () => {
        await a.createShard('s');
        const waiting = a.read('s', 0, { waitMs: 10_000 });
        const expectation = expectCode(waiting, 'SHARD_NOT_FOUND');
        await new Promise((resolve) => setTimeout(resolve, 20));
        await a.deleteShard('s');
        await expectation;
      });
    });

    describe('close', () => {
      it('fails waiting reads and later calls with CLOSED; closing twice is fine', async () => {
        await a.createShard('s');
        const waiting = a.read('s', 0, { waitMs: 10_000 });
        const expectation = expectCode(waiting, 'CLOSED');
        await new Promise((resolve) => setTimeout(resolve, 20));
        await a.close();
        await expectation;
        await a.close();
        await expectCode(a.append('s', [{ payload: payload('x') }]), 'CLOSED', /closed/);
        await expectCode(a.read('s', 0), 'CLOSED');
        await expectCode(a.listShards(), 'CLOSED');
        await expectCode(a.createShard('t'), 'CLOSED');
      });

      it('completes appends already accepted when close is called', async () => {
        await a.createShard('s');
        const appends = Array.from({ length: 10 }, (_, i) => appendTexts(a, 's', [`r${i}`]));
        await a.close();
        const offsets = (await Promise.all(appends)).flat().sort((x, y) => x - y);
        expect(offsets).toEqual(Array.from({ length: 10 }, (_, i) => i));
      });
    });

    describe('durability across reopen', () => {
      it('keeps records, offsets, segments, indexes and group offsets', async (ctx) => {
        if (!h.reopen) return ctx.skip();
        await a.createShard('s', { maxRecordsPerSegment: 3, retentionMs: 3_600_000 });
        await a.createShard('empty');
        await a.append('s', [
          { key: 'k', tags: ['t'], timestamp: 100, payload: payload('0') },
          { key: 'k', timestamp: 300, payload: payload('1') },
          { tags: ['t'], timestamp: 200, payload: payload('2') },
          { timestamp: 400, payload: payload('3') },
        ]);
        await a.commitOffset('g', 's', 2);
        a = await h.reopen();
        expect((await a.listShards()).map((s) => s.name)).toEqual(['empty', 's']);
        const d = await a.describeShard('s');
        expect(d).toMatchObject({ nextOffset: 4, startOffset: 0, segmentCount: 2 });
        expect(d.options).toEqual({ maxRecordsPerSegment: 3, retentionMs: 3_600_000 });
        expect((await a.read('s', 0)).map(text)).toEqual(['0', '1', '2', '3']);
        expect((await a.readByKey('s', 'k')).map((r) => r.offset)).toEqual([0, 1]);
        expect((await a.readByTag('s', 't')).map((r) => r.offset)).toEqual([0, 2]);
        expect(await a.fetchOffset('g', 's')).toBe(2);
        expect(await a.offsetForTimestamp('s', 250)).toBe(1);
        // offsets continue densely and the time index keeps its running maximum
        expect(await appendTexts(a, 's', ['4', '5'])).toEqual([4, 5]);
        await a.append('s', [{ timestamp: 350, payload: payload('6') }]);
        expect(await a.offsetForTimestamp('s', 350)).toBe(3);
        expect(await a.append('empty', [{ payload: payload('first') }])).toEqual([0]);
      });
    });

    describe('corruption', () => {
      it('reports a record whose CRC does not match as CORRUPT_RECORD', async (ctx) => {
        if (!h.corrupt) return ctx.skip();
        await a.createShard('s');
        await a.append('s', [
          { key: 'k', payload: payload('good') },
          { key: 'k', payload: payload('will be damaged') },
        ]);
        a = await h.corrupt('s', 1);
        expect((await a.read('s', 0, { maxRecords: 1 })).map(text)).toEqual(['good']);
        await expectCode(a.read('s', 0), 'CORRUPT_RECORD', /offset 1/);
        await expectCode(a.readByKey('s', 'k'), 'CORRUPT_RECORD', /CRC/);
      });
    });

    describe('retention', () => {
      it('removes sealed segments older than retentionMs and nothing else', async () => {
        const now = Date.now();
        const old = now - 3_600_000;
        await a.createShard('s', { maxRecordsPerSegment: 4, retentionMs: 60_000 });
        await a.createShard('keep', { maxRecordsPerSegment: 1 });
        await a.append('keep', [{ timestamp: 1, payload: payload('ancient') }]);
        // offsets 0–8 old, 9–10 recent: segments [0,4) and [4,8) go; [8,12) holds offset 9 and stays
        await a.append(
          's',
          Array.from({ length: 11 }, (_, i) => ({
            key: `k${i % 2}`,
            tags: ['all'],
            timestamp: i < 9 ? old + i : now,
            payload: payload(String(i)),
          })),
        );
        expect(await a.enforceRetention(now)).toEqual([{ shard: 's', removedRecords: 8, startOffset: 8 }]);
        expect(await a.enforceRetention(now)).toEqual([]);
        const d = await a.describeShard('s');
        expect(d).toMatchObject({ startOffset: 8, nextOffset: 11, segmentCount: 1 });
        expect(d.segments).toEqual([{ index: 2, startOffset: 8, endOffset: 11, status: 'active' }]);
        await expectCode(a.read('s', 0), 'OFFSET_OUT_OF_RANGE', /earliest stored offset is 8/);
        expect((await a.read('s', 8)).map(text)).toEqual(['8', '9', '10']);
        expect((await a.readByKey('s', 'k0')).map((r) => r.offset)).toEqual([8, 10]);
        expect((await a.readByTag('s', 'all')).map((r) => r.offset)).toEqual([8, 9, 10]);
        expect(await a.offsetForTimestamp('s', 0)).toBe(8);
        expect(await a.offsetForTimestamp('s', now)).toBe(9);
        expect((await a.read('keep', 0)).map(text)).toEqual(['ancient']);
        expect(await a.append('s', [{ payload: payload('11') }])).toEqual([11]);
        if (h.reopen) {
          a = await h.reopen();
          expect(await a.describeShard('s')).toMatchObject({ startOffset: 8, nextOffset: 12 });
          await expectCode(a.read('s', 7), 'OFFSET_OUT_OF_RANGE');
          expect(await a.offsetForTimestamp('s', now)).toBe(9);
        }
      });

      it('removes every sealed segment once all are old, keeping the offsets dense', async () => {
        const now = Date.now();
        await a.createShard('s', { maxRecordsPerSegment: 2, retentionMs: 1_000 });
        await a.append(
          's',
          [0, 1, 2, 3].map((i) => ({ timestamp: now - 10_000, payload: payload(String(i)) })),
        );
        expect(await a.enforceRetention(now)).toEqual([{ shard: 's', removedRecords: 4, startOffset: 4 }]);
        expect(await a.describeShard('s')).toMatchObject({ startOffset: 4, nextOffset: 4, segmentCount: 0 });
        expect(await a.read('s', 4)).toEqual([]);
        if (h.reopen) a = await h.reopen();
        expect(await a.append('s', [{ payload: payload('4') }])).toEqual([4]);
      });
    });

    describe('bad arguments', () => {
      it('rejects bad offsets and read options with INVALID_ARGUMENT naming the field', async () => {
        await a.createShard('s');
        await expectCode(a.read('s', -1), 'INVALID_ARGUMENT', /fromOffset/);
        await expectCode(a.read('s', 1.5), 'INVALID_ARGUMENT', /fromOffset/);
        await expectCode(a.read('s', 0, { maxRecords: 0 }), 'INVALID_ARGUMENT', /maxRecords/);
        await expectCode(a.read('s', 0, { maxBytes: -5 }), 'INVALID_ARGUMENT', /maxBytes/);
        await expectCode(a.read('s', 0, { waitMs: -1 }), 'INVALID_ARGUMENT', /waitMs/);
        await expectCode(a.readByTag('s', 't', { fromOffset: -1 }), 'INVALID_ARGUMENT', /fromOffset/);
        await expectCode(a.offsetForTimestamp('s', -1), 'INVALID_ARGUMENT', /timestamp/);
        await expectCode(a.readByKey('s', ''), 'INVALID_ARGUMENT', /key/);
        await expectCode(a.readByTag('s', ''), 'INVALID_ARGUMENT', /tag/);
      });

      it('rejects empty batches and malformed records', async () => {
        await a.createShard('s');
        await expectCode(a.append('s', []), 'INVALID_ARGUMENT', /must not be empty/);
        await expectCode(a.append('s', null as unknown as AppendRecord[]), 'INVALID_ARGUMENT', /array/);
        await expectCode(
          a.append('s', [{ payload: 'text' as unknown as Buffer }]),
          'INVALID_ARGUMENT',
          /Buffer/,
        );
        await expectCode(
          a.append('s', [{ payload: new Uint8Array(2) as Buffer }]),
          'INVALID_ARGUMENT',
          /Buffer/,
        );
        await expectCode(a.append('s', [{} as AppendRecord]), 'INVALID_ARGUMENT', /payload/);
        await expectCode(
          a.append('s', [{ payload: payload('x'), timestamp: -1 }]),
          'INVALID_ARGUMENT',
          /timestamp/,
        );
        await expectCode(a.append('s', [{ payload: payload('x'), key: '' }]), 'INVALID_ARGUMENT', /key/);
        await expectCode(
          a.append('s', [{ payload: payload('x'), tags: [1 as unknown as string] }]),
          'INVALID_ARGUMENT',
          /tags\[0\]/,
        );
        await expectCode(
          a.append('s', [
            { payload: payload('x'), headers: [{ name: 'n' } as { name: string; value: string }] },
          ]),
          'INVALID_ARGUMENT',
          /headers\[0\]\.value/,
        );
        expect((await a.describeShard('s')).nextOffset).toBe(0);
      });

      it('rejects bad shard names and options', async () => {
        await expectCode(a.createShard(''), 'INVALID_ARGUMENT', /shard name/);
        await expectCode(a.createShard('bad\nname'), 'INVALID_ARGUMENT', /control/);
        await expectCode(a.createShard('x'.repeat(300)), 'INVALID_ARGUMENT', /255/);
        await expectCode(
          a.createShard('s', { maxRecordsPerSegment: 0 }),
          'INVALID_ARGUMENT',
          /maxRecordsPerSegment/,
        );
        await expectCode(a.createShard('s', { retentionMs: -1 }), 'INVALID_ARGUMENT', /retentionMs/);
        expect(await a.listShards()).toEqual([]);
      });
    });
  });
}
