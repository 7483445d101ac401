// Runs the StorageAdapter conformance suite against the RocksDB adapter (each test in its own temp dir, removed
// afterwards), plus what only this adapter promises: group commit and refusing to acknowledge a failed write.
import { appendFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { RocksDbEngine, type BatchOp, type KvEngine, type WriteOptions } from '@robustmq/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, buildOnce, spawnProcess, tempDir, removeDir, testScope, waitFor } from '@robustmq/testing';
import { runStorageConformance } from '../src/testing/conformance-suite.js';
import { expectAppendsCoalesced } from '../src/testing/group-commit-check.js';
import { RocksDbStorageAdapter } from '../src/rocksdb-adapter.js';
import { RocksDbWal, encodeFrame } from '../src/rocksdb-wal.js';
import { encodeRecord } from '@robustmq/protocol/journal';
import { readBe64, recordKey, recordPrefix } from '../src/rocksdb-keys.js';

const scope = testScope();

runStorageConformance('rocksdb', async () => {
  const dir = tempDir('storage');
  let current = await RocksDbStorageAdapter.open(dir);
  return {
    adapter: current,
    reopen: async () => {
      await current.close();
      current = await RocksDbStorageAdapter.open(dir);
      return current;
    },
    corrupt: async (shard, offset) => {
      await current.close();
      const engine = await RocksDbEngine.open(dir);
      // the chunk holding the offset (rocksdb-chunk.ts): the last record key at or below it
      let found: [Buffer, Buffer] | undefined;
      for await (const entry of engine.scan({
        prefix: recordPrefix(shard),
        lt: recordKey(shard, offset + 1),
        reverse: true,
        limit: 1,
      }))
        found = entry;
      if (!found) throw new Error(`test setup: no record ${offset} in shard ${shard}`);
      const [key, value] = found;
      // walk its [u32 length][record] frames to the record and flip its last byte
      let pos = 1;
      for (let o = readBe64(key); o < offset; o++) pos += 4 + value.readUInt32BE(pos);
      value[pos + 4 + value.readUInt32BE(pos) - 1]! ^= 0xff;
      await engine.put(key, value);
      await engine.close();
      current = await RocksDbStorageAdapter.open(dir);
      return current;
    },
    cleanup: async () => {
      await current.close();
      removeDir(dir);
    },
  };
});

/** a real engine whose batches can be made to fail, to check that failed writes are never acknowledged. */
class FlakyEngine implements KvEngine {
  failBatches = false;
  /** while set, batches wait for it: lets a test hold a batch "in the disk" and see what queues behind it. */
  gate: Promise<void> | undefined;
  /** every batch takes at least this long (a busy disk). */
  delayMs = 0;
  batchSizes: number[] = [];
  constructor(private readonly inner: KvEngine) {}
  get(key: Buffer | string) {
    return this.inner.get(key);
  }
  put(key: Buffer | string, value: Buffer | string, options?: WriteOptions) {
    return this.inner.put(key, value, options);
  }
  delete(key: Buffer | string, options?: WriteOptions) {
    return this.inner.delete(key, options);
  }
  async batch(ops: BatchOp[], options?: WriteOptions) {
    this.batchSizes.push(ops.length);
    if (this.gate) await this.gate;
    if (this.delayMs > 0) await sleep(this.delayMs);
    if (this.failBatches) throw new Error('IO error: No space left on device');
    return this.inner.batch(ops, options);
  }
  scan(options: Parameters<KvEngine['scan']>[0]) {
    return this.inner.scan(options);
  }
  close() {
    return this.inner.close();
  }
}

describe('RocksDbStorageAdapter specifics', () => {
  let dir: string;
  beforeEach(async () => {
    dir = tempDir('storage');
  });
  afterEach(async () => {
    removeDir(dir);
  });

  it('coalesces concurrent appends into shared synced batches (group commit)', async () => {
    const adapter = await RocksDbStorageAdapter.open(dir);
    try {
      await expectAppendsCoalesced(adapter);
    } finally {
      await adapter.close();
    }
  });

  it('queues appends that arrive while a batch is being written and writes them together in the next batch', async () => {
    const engine = new FlakyEngine(await RocksDbEngine.open(dir));
    const adapter = await RocksDbStorageAdapter.openOnEngine(engine);
    let release = () => {};
    try {
      await adapter.createShard('s');
      engine.gate = new Promise((resolve) => (release = resolve));
      engine.batchSizes = [];
      let firstDone = false;
      const first = adapter
        .append('s', [{ payload: Buffer.from('first') }])
        .then((o) => ((firstDone = true), o));
      await new Promise((resolve) => setTimeout(resolve, 20)); // the first batch is now "in the disk"
      const later = Array.from({ length: 30 }, (_, i) => {
        return new Promise<void>((resolve) => setTimeout(resolve, i % 5)).then(() =>
          adapter.append('s', [{ payload: Buffer.from(`later${i}`) }]),
        );
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(firstDone).toBe(false); // not acknowledged before its batch is durable
      expect(engine.batchSizes.length).toBe(1);
      engine.gate = undefined;
      release();
      expect(await first).toEqual([0]);
      const offsets = (await Promise.all(later)).flat().sort((x, y) => x - y);
      expect(offsets).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(engine.batchSizes.length).toBe(2); // all 30 waited and went into the second batch
      expect(adapter.groupCommitStats.largestBatch).toBe(30);
    } finally {
      release();
      await adapter.close();
    }
  });

  it('never acknowledges a failed write, refuses further writes, and recovers dense offsets on reopen', async () => {
    const engine = new FlakyEngine(await RocksDbEngine.open(dir));
    let adapter = await RocksDbStorageAdapter.openOnEngine(engine);
    await adapter.createShard('s');
    expect(await adapter.append('s', [{ payload: Buffer.from('kept') }])).toEqual([0]);
    engine.failBatches = true;
    await expect(adapter.append('s', [{ payload: Buffer.from('lost') }])).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringMatching(/No space left on device.*reopen/),
    });
    expect((await adapter.describeShard('s')).nextOffset).toBe(1);
    expect((await adapter.read('s', 0)).map((r) => r.payload.toString())).toEqual(['kept']);
    engine.failBatches = false;
    await expect(adapter.append('s', [{ payload: Buffer.from('after') }])).rejects.toMatchObject({
      code: 'WRITE_FAILED',
    });
    await adapter.close();
    adapter = await RocksDbStorageAdapter.open(dir);
    try {
      expect(await adapter.append('s', [{ payload: Buffer.from('next') }])).toEqual([1]);
    } finally {
      await adapter.close();
    }
  });

  it('stores an append as chunks: reads from inside and across chunks, index reads, recovery and retention inside a chunk', async () => {
    let adapter = await RocksDbStorageAdapter.open(dir);
    try {
      await adapter.createShard('s', { maxRecordsPerSegment: 100, retentionMs: 1_000 });
      const total = 2_500; // three chunks of at most 1,024 records
      const records = Array.from({ length: total }, (_, i) => ({
        timestamp: i < 1_500 ? 1_000 : 10_000_000,
        ...(i % 10 === 0 ? { key: `k${i % 3}` } : {}),
        ...(i % 7 === 0 ? { tags: ['seven'] } : {}),
        payload: Buffer.from(`r${i}`),
      }));
      const batch = adapter.groupCommitStats.batches;
      expect(await adapter.append('s', records)).toEqual(Array.from({ length: total }, (_, i) => i));
      expect(adapter.groupCommitStats.batches - batch).toBe(1);
      const payloads = (rs: { payload: Buffer }[]) => rs.map((r) => r.payload.toString());
      const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `r${from + i}`);
      expect(payloads(await adapter.read('s', 1_000, { maxRecords: 50 }))).toEqual(range(1_000, 1_050));
      expect(payloads(await adapter.read('s', 2_047, { maxRecords: 3 }))).toEqual(range(2_047, 2_050));
      expect(payloads(await adapter.read('s', 2_499))).toEqual(['r2499']);
      expect(
        (await adapter.readByKey('s', 'k1', { fromOffset: 1_020, maxRecords: 3 })).map((r) => r.offset),
      ).toEqual([1_030, 1_060, 1_090]);
      expect((await adapter.readByTag('s', 'seven', { fromOffset: 2_400 })).map((r) => r.offset)).toEqual(
        Array.from({ length: 15 }, (_, i) => 2_401 + i * 7),
      );

      await adapter.close();
      adapter = await RocksDbStorageAdapter.open(dir);
      expect((await adapter.describeShard('s')).nextOffset).toBe(total);
      expect(await adapter.append('s', [{ payload: Buffer.from('next') }])).toEqual([total]);

      // records below 1,500 are old: retention drops whole segments up to 1,500, which lies inside the 2nd chunk
      const [result] = await adapter.enforceRetention(5_000_000);
      expect(result).toMatchObject({ shard: 's', startOffset: 1_500 });
      expect(payloads(await adapter.read('s', 1_500, { maxRecords: 2 }))).toEqual(range(1_500, 1_502));
      await expect(adapter.read('s', 1_499)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
      expect((await adapter.readByKey('s', 'k0', { maxRecords: 1 }))[0]!.offset).toBe(1_500);
      await adapter.close();
      adapter = await RocksDbStorageAdapter.open(dir);
      const description = await adapter.describeShard('s');
      expect([description.startOffset, description.nextOffset]).toEqual([1_500, total + 1]);
      expect(payloads(await adapter.read('s', 1_500, { maxRecords: 1 }))).toEqual(['r1500']);
    } finally {
      await adapter.close();
    }
  });

  it('reads records stored one per key (the layout before chunks) alongside chunks', async () => {
    let adapter = await RocksDbStorageAdapter.open(dir);
    await adapter.createShard('s');
    await adapter.close();
    const engine = await RocksDbEngine.open(dir);
    for (let offset = 0; offset < 3; offset++) {
      await engine.put(
        recordKey('s', offset),
        encodeRecord(offset, { timestamp: 1, tags: [], headers: [], payload: Buffer.from(`old${offset}`) }),
      );
    }
    await engine.close();
    adapter = await RocksDbStorageAdapter.open(dir);
    try {
      expect(
        await adapter.append('s', [{ payload: Buffer.from('new3') }, { payload: Buffer.from('new4') }]),
      ).toEqual([3, 4]);
      expect((await adapter.read('s', 1)).map((r) => r.payload.toString())).toEqual([
        'old1',
        'old2',
        'new3',
        'new4',
      ]);
    } finally {
      await adapter.close();
    }
  });
});

describe('RocksDbStorageAdapter write-ahead log', () => {
  let dir: string;
  beforeEach(async () => {
    dir = tempDir('storage');
  });
  afterEach(async () => {
    removeDir(dir);
  });

  it('answers a read while appends keep coming: it waits for what was acknowledged before it, not for the appends to stop', async () => {
    // RocksDB slow to take the log's operations (a busy disk): each write of them to RocksDB outlasts the next group
    // commit, so a read that waited until nothing at all was queued waited until the appends stopped (issue 16: a
    // subscriber catching up behind 10,000 publishers got nothing until they did)
    const engine = new FlakyEngine(await RocksDbEngine.open(dir));
    const adapter = await RocksDbStorageAdapter.openOnEngine(engine, join(dir, 'wal'));
    let stop = false;
    const appenders: Promise<void>[] = [];
    try {
      await adapter.createShard('s');
      await adapter.append('s', [{ payload: Buffer.from('first') }]);
      engine.delayMs = 100;
      let appended = 0;
      for (let k = 0; k < 4; k++) {
        appenders.push(
          (async () => {
            while (!stop) {
              await adapter.append('s', [{ payload: Buffer.from('more') }]);
              appended++;
            }
          })(),
        );
      }
      await waitFor('appends under way', () => appended >= 50 || undefined, { timeoutMs: 10_000 });
      const read = await Promise.race([
        adapter.read('s', 0, { maxRecords: 1 }),
        sleep(5_000).then(() => 'starved' as const),
      ]);
      expect(read === 'starved' ? read : read[0]!.payload.toString()).toBe('first');
      expect(stop).toBe(false); // the appends were still coming when the read was answered
    } finally {
      stop = true;
      await Promise.all(appenders);
      await adapter.close();
    }
  });

  const walBytes = () =>
    readdirSync(join(dir, 'wal')).reduce((n, f) => n + statSync(join(dir, 'wal', f)).size, 0);

  it.each([
    ['', {}],
    // segments of 8 KiB and a checkpoint every 32 KiB: the kill lands among segment switches and checkpoints running
    // beside the appends (RocksDB catching up, its synced write, old segments being deleted)
    [' in the middle of segment switches and checkpoints', { segmentBytes: 8192, checkpointBytes: 32768 }],
  ])(
    'keeps every append acknowledged before a SIGKILL%s: the log is replayed into RocksDB on open',
    async (_, walOptions) => {
      await buildOnce();
      // a real process, killed with no chance to clean up: acknowledged batches of its last ~50 ms exist only in the log
      const dist = pathToFileURL(join(ROOT, 'libs/storage-adapter/dist/index.js')).href;
      const script = `
      import { RocksDbStorageAdapter } from ${JSON.stringify(dist)};
      const a = await RocksDbStorageAdapter.open(${JSON.stringify(dir)}, { walOptions: ${JSON.stringify(walOptions)} });
      await a.createShard('s');
      let i = 0;
      const appender = async () => {
        for (;;) {
          const n = i++;
          const [offset] = await a.append('s', [{ key: 'k' + (n % 7), payload: Buffer.from('p' + n) }]);
          process.stdout.write(offset + ':' + n + '\\n');
        }
      };
      for (let k = 0; k < 20; k++) void appender();`;
      const proc = spawnProcess(process.execPath, ['--input-type=module', '-e', script], {
        scope,
        what: 'appender',
      });
      const acked = () =>
        proc
          .output()
          .split('\n')
          .slice(0, -1)
          .filter((l) => /^\d+:\d+$/.test(l));
      await waitFor('2,000 acknowledged appends', () => acked().length >= 2_000 || undefined, {
        timeoutMs: 30_000,
        detail: proc.output,
      });
      await proc.kill('SIGKILL');
      const lines = acked();
      expect(walBytes()).toBeGreaterThan(0); // the crash left records in the log
      if ('segmentBytes' in walOptions) {
        // dozens of segments came and went (numbered from 1), so the kill hit a log that rotates and checkpoints
        const newest = Math.max(...readdirSync(join(dir, 'wal')).map((f) => parseInt(f.slice(0, 16), 16)));
        expect(newest).toBeGreaterThan(20);
      }
      const adapter = await RocksDbStorageAdapter.open(dir);
      try {
        const info = await adapter.describeShard('s');
        const byOffset = new Map<number, string>();
        for (let from = 0; from < info.nextOffset;) {
          const records = await adapter.read('s', from, { maxRecords: 1_000 });
          for (const r of records) byOffset.set(r.offset, r.payload.toString());
          from += records.length;
        }
        for (const line of lines) {
          const [offset, n] = line.split(':').map(Number) as [number, number];
          expect(byOffset.get(offset)).toBe(`p${n}`);
        }
        expect(byOffset.size).toBe(info.nextOffset); // dense
        // nothing doubled: replaying segments RocksDB already had wrote each record once, at its own offset
        expect(new Set(byOffset.values()).size).toBe(byOffset.size);
        // the key index came back too
        const lastOfK0 = Math.max(
          ...lines
            .map((l) => l.split(':').map(Number) as [number, number])
            .filter(([, n]) => n % 7 === 0)
            .map(([o]) => o),
        );
        expect((await adapter.readByKey('s', 'k0', { fromOffset: lastOfK0 }))[0]?.offset).toBe(lastOfK0);
        expect(await adapter.append('s', [{ payload: Buffer.from('after') }])).toEqual([info.nextOffset]);
      } finally {
        await adapter.close();
      }
      expect(walBytes()).toBe(0); // a clean close leaves RocksDB complete and the log empty
    },
    60_000,
  );

  it('cuts a torn last record (never acknowledged) and keeps every record before it', async () => {
    const logDir = join(dir, 'wal');
    const { wal } = RocksDbWal.open(logDir);
    const put = (k: string): BatchOp => ({ type: 'put', key: Buffer.from(k), value: Buffer.from(`v-${k}`) });
    await wal.append([put('a'), { type: 'del', key: Buffer.from('x') }]);
    await wal.append([put('b')]);
    await wal.sync();
    await wal.close();
    // a crash in the middle of the next record's write: its header promises more bytes than reached the disk
    const segment = join(logDir, readdirSync(logDir).sort().at(-1)!);
    appendFileSync(segment, Buffer.concat([encodeFrame([put('c')]).subarray(0, 12)]));
    const decoded = (batches: BatchOp[][]) =>
      batches.map((ops) => ops.map((op) => `${op.type}:${op.key.toString()}`));
    const first = RocksDbWal.open(logDir);
    expect(decoded(first.batches)).toEqual([['put:a', 'del:x'], ['put:b']]);
    await first.wal.close();
    // the cut is on disk: with a newer segment after it, the damaged one would otherwise read as corruption
    const again = RocksDbWal.open(logDir);
    expect(decoded(again.batches)).toEqual([['put:a', 'del:x'], ['put:b']]);
    await again.wal.close();
    // damage that is not at the tail is corruption, never skipped
    const bytes = readFileSync(segment);
    bytes[10] = bytes[10]! ^ 0xff;
    writeFileSync(segment, bytes);
    expect(() => RocksDbWal.open(logDir)).toThrow(/corrupt/);
  });

  it('cuts a torn record at the end of a segment when the next one is already prepared, and refuses damage before records', async () => {
    const logDir = join(dir, 'wal');
    const put = (k: string): BatchOp => ({ type: 'put', key: Buffer.from(k), value: Buffer.alloc(100, k) });
    const { wal } = RocksDbWal.open(logDir, { segmentBytes: 1024 });
    const names = () => readdirSync(logDir).sort();
    let written = 0;
    // past half of the segment: the next one is prepared (zeros, durable) while this one still takes records
    for (const k of ['a', 'b', 'c', 'd', 'e']) {
      await wal.append([put(k)]);
      written += encodeFrame([put(k)]).length;
    }
    await wal.sync();
    await waitFor(
      'the next segment prepared',
      () => (names().length === 2 && statSync(join(logDir, names()[1]!)).size === 1024) || undefined,
    );
    const [first] = names().map((f) => join(logDir, f)) as [string, string];
    // SIGKILL in the middle of the next record's write (the log is never closed)
    const torn = encodeFrame([put('f')]).subarray(0, 40);
    const bytes = readFileSync(first);
    torn.copy(bytes, written);
    writeFileSync(first, bytes);
    const decoded = (batches: BatchOp[][]) => batches.map((ops) => ops.map((op) => op.key.toString()));
    const reopened = RocksDbWal.open(logDir, { segmentBytes: 1024 });
    expect(decoded(reopened.batches)).toEqual([['a'], ['b'], ['c'], ['d'], ['e']]);
    // records after the damage (here: in the next segment) make it corruption, never a tail to cut
    await reopened.wal.append([put('g')]);
    await reopened.wal.sync();
    await reopened.wal.close();
    const damaged = readFileSync(first);
    damaged[10] = damaged[10]! ^ 0xff;
    writeFileSync(first, damaged);
    expect(() => RocksDbWal.open(logDir, { segmentBytes: 1024 })).toThrow(/corrupt/);
    await wal.close();
  });

  it('takes a record larger than a whole segment (that segment grows to hold it) and replays it', async () => {
    const logDir = join(dir, 'wal');
    const { wal } = RocksDbWal.open(logDir, { segmentBytes: 1024 });
    const big: BatchOp = { type: 'put', key: Buffer.from('big'), value: Buffer.alloc(5000, 1) };
    await wal.append([{ type: 'put', key: Buffer.from('small'), value: Buffer.alloc(10, 2) }]);
    await wal.append([big]);
    await wal.append([{ type: 'del', key: Buffer.from('small') }]);
    await wal.sync();
    // SIGKILL: never closed
    const { wal: reopened, batches } = RocksDbWal.open(logDir, { segmentBytes: 1024 });
    expect(batches.map((ops) => ops.map((op) => `${op.type}:${op.key.toString()}`))).toEqual([
      ['put:small'],
      ['put:big'],
      ['del:small'],
    ]);
    expect(batches[1]![0]).toMatchObject({ value: Buffer.alloc(5000, 1) });
    await reopened.close();
    await wal.close();
  });

  it('never acknowledges a batch whose fdatasync failed and refuses later writes until reopened', async () => {
    let fail = false;
    let adapter = await RocksDbStorageAdapter.open(dir, {
      walOptions: {
        io: {
          fdatasync: async () => {
            if (fail) throw new Error('EIO: i/o error, fdatasync');
          },
        },
      },
    });
    await adapter.createShard('s');
    expect(await adapter.append('s', [{ payload: Buffer.from('kept') }])).toEqual([0]);
    fail = true;
    await expect(adapter.append('s', [{ payload: Buffer.from('lost') }])).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringMatching(/EIO.*reopen/),
    });
    fail = false;
    await expect(adapter.append('s', [{ payload: Buffer.from('later') }])).rejects.toMatchObject({
      code: 'WRITE_FAILED',
    });
    expect((await adapter.read('s', 0)).map((r) => r.payload.toString())).toEqual(['kept']);
    await adapter.close();
    adapter = await RocksDbStorageAdapter.open(dir);
    try {
      // the failed batch may or may not have reached the disk; what was acknowledged is there, offsets stay dense
      const next = (await adapter.describeShard('s')).nextOffset;
      expect((await adapter.read('s', 0))[0]!.payload.toString()).toBe('kept');
      expect(await adapter.append('s', [{ payload: Buffer.from('next') }])).toEqual([next]);
    } finally {
      await adapter.close();
    }
  });
});
