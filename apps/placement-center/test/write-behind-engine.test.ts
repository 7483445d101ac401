// Applied batches written behind (Raft mode): answers do not wait for the engine, but no read can miss a batch
// applied before it, and a failed write fails what follows instead of being skipped.
import { describe, expect, it } from 'vitest';
import { tempDir, testScope } from '@robustmq/testing';
import { RocksDbEngine } from '@robustmq/common';
import { PlacementStateMachine } from '../src/state/state-machine.js';
import { WriteBehindEngine } from '../src/state/write-behind-engine.js';

const scope = testScope('each');
async function engine(): Promise<RocksDbEngine> {
  return RocksDbEngine.open(tempDir('wb', scope));
}

describe('write-behind state writes', () => {
  it('every read after an apply sees it, and the state survives a reopen', async () => {
    const db = await engine();
    const sm = await PlacementStateMachine.open(db, { sync: false });
    for (let i = 1; i <= 50; i++) {
      await sm.applyBatch([
        { index: i, command: { type: 'kv.set', key: `k${i % 5}`, value: Buffer.from(String(i)) } },
      ]);
      // no await between the apply and the read: the read must wait for the batch itself
      expect((await sm.kvGet(`k${i % 5}`))?.value.toString()).toBe(String(i));
    }
    expect((await sm.kvList('k', '', 10)).items.map((kv) => kv.value.toString())).toEqual([
      '50',
      '46',
      '47',
      '48',
      '49',
    ]);
    const again = await PlacementStateMachine.open(db, { sync: false });
    expect(again.appliedIndex).toBe(50);
    expect(again.currentRevision).toBe(50);
    await db.close();
  });

  it('a key queued again before its write landed is written once, with its last operation', async () => {
    const db = await engine();
    const batches: number[] = [];
    const counting = Object.assign(Object.create(db) as RocksDbEngine, {
      batch: (...args: Parameters<RocksDbEngine['batch']>) => {
        batches.push(args[0].length);
        return db.batch(...args);
      },
    });
    await db.put('gone', 'old');
    const wb = new WriteBehindEngine(counting, { delayMs: 60_000 });
    void wb.writeBehind([
      { type: 'put', key: 'applied', value: '1' },
      { type: 'put', key: 'a', value: 'x' },
    ]);
    void wb.writeBehind([
      { type: 'put', key: 'applied', value: '2' },
      { type: 'del', key: 'a' },
      { type: 'put', key: 'gone', value: 'new' },
    ]);
    // the same bytes as a Buffer key are not merged, but the order of the last operations is kept
    void wb.writeBehind([
      { type: 'put', key: Buffer.from('b'), value: 'buf' },
      { type: 'del', key: 'gone' },
    ]);
    void wb.writeBehind([
      { type: 'put', key: 'applied', value: '3' },
      { type: 'put', key: 'a', value: 'z' },
      { type: 'put', key: 'b', value: 'str' },
    ]);
    await wb.settled();
    expect(batches).toEqual([5]);
    expect((await db.get('applied'))?.toString()).toBe('3');
    expect((await db.get('a'))?.toString()).toBe('z');
    expect((await db.get('b'))?.toString()).toBe('str');
    expect(await db.get('gone')).toBeUndefined();
    await wb.close();
    await db.close();
  });

  it('batches applied within the delay land as one engine write, and a read flushes them at once', async () => {
    const db = await engine();
    let writes = 0;
    const counting = Object.assign(Object.create(db) as RocksDbEngine, {
      batch: (...args: Parameters<RocksDbEngine['batch']>) => {
        writes++;
        return db.batch(...args);
      },
    });
    const wb = new WriteBehindEngine(counting, { delayMs: 60_000 });
    const landed = [1, 2, 3, 4, 5].map((i) =>
      wb.writeBehind([{ type: 'put', key: `k${i}`, value: String(i) }]),
    );
    expect(writes).toBe(0);
    // the read does not wait for the (minute-long) delay: it hands the queue over and waits for it
    expect((await wb.get('k5'))?.toString()).toBe('5');
    expect(writes).toBe(1);
    await Promise.all(landed);
    expect((await db.get('k1'))?.toString()).toBe('1');
    await wb.close();
    await db.close();
  });

  it('a write that failed fails the reads and writes after it', async () => {
    const db = await engine();
    // the real engine, with its next batch failing as a full or broken disk would
    let failNext = true;
    const faulty = Object.assign(Object.create(db) as RocksDbEngine, {
      batch: (...args: Parameters<RocksDbEngine['batch']>) =>
        failNext ? ((failNext = false), Promise.reject(new Error('disk full'))) : db.batch(...args),
    });
    const wb = new WriteBehindEngine(faulty);
    const landed = wb.writeBehind([{ type: 'put', key: 'a', value: 'b' }]);
    await expect(landed).rejects.toThrow('disk full');
    await expect(wb.get('a')).rejects.toThrow('disk full');
    await expect(wb.batch([{ type: 'put', key: 'c', value: 'd' }])).rejects.toThrow('disk full');
    expect(await db.get('a')).toBeUndefined();
    await db.close();
  });

  it('with a gate, a write lands only once the log holds the entries it applied', async () => {
    const db = await engine();
    const sm = await PlacementStateMachine.open(db, { sync: false });
    // the log: durable through `durable`; a later index waits for release()
    let durable = 1;
    let release!: () => void;
    sm.gateWritesOn((index) => {
      if (index <= durable) return undefined;
      return new Promise<void>((resolve) => {
        release = () => {
          durable = index;
          resolve();
        };
      });
    });
    const appliedOnDisk = async () => (await PlacementStateMachine.open(db, { sync: false })).appliedIndex;
    await sm.applyBatch([{ index: 1, command: { type: 'kv.set', key: 'a', value: Buffer.from('1') } }]);
    await sm.close(); // lands what is queued
    expect(await appliedOnDisk()).toBe(1);
    // applied ahead of the log (a leader answering on its followers' acks): served from memory, not landed
    await sm.applyBatch([
      { index: 2, command: { type: 'kv.set', key: 'a', value: Buffer.from('2') } },
      { index: 3, command: { type: 'kv.set', key: 'b', value: Buffer.from('3') } },
    ]);
    expect((await sm.kvGet('b'))?.value.toString()).toBe('3');
    const landing = sm.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await appliedOnDisk()).toBe(1);
    release();
    await landing;
    expect(await appliedOnDisk()).toBe(3);
    await db.close();
  });
});
