// Runs the StorageAdapter conformance suite against the RocksDB adapter (each test in its own temp dir, removed
// afterwards), plus what only this adapter promises: group commit and refusing to acknowledge a failed write.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RocksDbEngine, type BatchOp, type KvEngine, type WriteOptions } from '@robustmq/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStorageConformance } from '../src/conformance/suite.js';
import { RocksDbStorageAdapter } from '../src/rocksdb-adapter.js';
import { recordKey } from '../src/rocksdb-keys.js';

runStorageConformance('rocksdb', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'robustmq-storage-'));
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
      const key = recordKey(shard, offset);
      const value = await engine.get(key);
      if (!value) throw new Error(`test setup: no record ${offset} in shard ${shard}`);
      value[value.length - 1]! ^= 0xff;
      await engine.put(key, value);
      await engine.close();
      current = await RocksDbStorageAdapter.open(dir);
      return current;
    },
    cleanup: async () => {
      await current.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

/** a real engine whose batches can be made to fail, to check that failed writes are never acknowledged. */
class FlakyEngine implements KvEngine {
  failBatches = false;
  /** while set, batches wait for it: lets a test hold a batch "in the disk" and see what queues behind it. */
  gate: Promise<void> | undefined;
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
    dir = await mkdtemp(join(tmpdir(), 'robustmq-storage-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('coalesces concurrent appends into shared synced batches (group commit)', async () => {
    const adapter = await RocksDbStorageAdapter.open(dir);
    try {
      await adapter.createShard('s');
      const before = adapter.groupCommitStats;
      const offsets = await Promise.all(
        Array.from({ length: 50 }, (_, i) => adapter.append('s', [{ payload: Buffer.from(`r${i}`) }])),
      );
      expect(offsets.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      const after = adapter.groupCommitStats;
      expect(after.writes - before.writes).toBe(50);
      // issued in one tick, so they share the first batch
      expect(after.batches - before.batches).toBe(1);
      expect(after.largestBatch).toBe(50);
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
});
