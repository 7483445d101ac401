import { describe, expect, it } from 'vitest';
import { tempDir, testScope } from '@robustmq/testing';
import { RocksDbEngine, prefixUpperBound } from '@robustmq/common';

const scope = testScope('each');
const rocksDir = () => tempDir('rocks', scope);

async function collect(iterable: AsyncIterable<[Buffer, Buffer]>): Promise<string[]> {
  const out: string[] = [];
  for await (const [key, value] of iterable) out.push(`${key.toString()}=${value.toString()}`);
  return out;
}

describe('RocksDbEngine', () => {
  it('puts, gets, deletes and reports absent keys as undefined', async () => {
    const db = await RocksDbEngine.open(rocksDir());
    await db.put('a', 'one');
    expect((await db.get('a'))?.toString()).toBe('one');
    await db.delete('a');
    expect(await db.get('a')).toBeUndefined();
    await db.close();
  });

  it('reads several keys in one getMany, absent ones as undefined, in the order asked', async () => {
    const db = await RocksDbEngine.open(rocksDir());
    await db.batch([
      { type: 'put', key: 'a', value: 'one' },
      { type: 'put', key: Buffer.from([0, 255]), value: Buffer.from([1, 2, 3]) },
    ]);
    const values = await db.getMany(['missing', Buffer.from([0, 255]), 'a']);
    expect(values).toEqual([undefined, Buffer.from([1, 2, 3]), Buffer.from('one')]);
    expect(await db.getMany([])).toEqual([]);
    await db.close();
  });

  it('applies batches atomically and scans by prefix, bounds, limit and in reverse', async () => {
    const db = await RocksDbEngine.open(rocksDir());
    await db.batch([
      { type: 'put', key: 'p/1', value: 'a' },
      { type: 'put', key: 'p/2', value: 'b' },
      { type: 'put', key: 'p/3', value: 'c' },
      { type: 'put', key: 'q/1', value: 'x' },
      { type: 'put', key: 'o/9', value: 'y' },
    ]);
    expect(await collect(db.scan({ prefix: 'p/' }))).toEqual(['p/1=a', 'p/2=b', 'p/3=c']);
    expect(await collect(db.scan({ prefix: 'p/', gt: 'p/1' }))).toEqual(['p/2=b', 'p/3=c']);
    expect(await collect(db.scan({ prefix: 'p/', limit: 2 }))).toEqual(['p/1=a', 'p/2=b']);
    expect(await collect(db.scan({ prefix: 'p/', reverse: true }))).toEqual(['p/3=c', 'p/2=b', 'p/1=a']);
    await db.batch([{ type: 'del', key: 'p/2' }]);
    expect(await collect(db.scan({ prefix: 'p/' }))).toEqual(['p/1=a', 'p/3=c']);
    await db.close();
  });

  it('writes a batch in order: string and Buffer keys and values, multi-byte UTF-8, a key put, deleted and put again', async () => {
    const dir = rocksDir();
    const db = await RocksDbEngine.open(dir);
    await db.batch([
      { type: 'put', key: 'k/é☃', value: 'first' },
      { type: 'put', key: Buffer.from('k/b'), value: new Uint8Array([0, 1, 2]) as Buffer },
      { type: 'put', key: 'k/c', value: 'c' },
      { type: 'del', key: 'k/é☃' },
      { type: 'put', key: 'k/é☃', value: Buffer.from('ünï') },
      { type: 'del', key: Buffer.from('k/c') },
      { type: 'del', key: 'k/never' },
    ]);
    await db.close();
    const again = await RocksDbEngine.open(dir);
    expect(await collect(again.scan({ prefix: 'k/' }))).toEqual(['k/b=\u0000\u0001\u0002', 'k/é☃=ünï']);
    await expect(again.batch([{ type: 'put', key: '', value: 'x' }])).rejects.toThrow(
      /key must not be empty/,
    );
    await again.close();
  });

  it('keeps synced writes across close and reopen', async () => {
    const dir = rocksDir();
    const db = await RocksDbEngine.open(dir);
    await db.put(Buffer.from([0, 1, 255]), Buffer.from('binary'), { sync: true });
    await db.close();
    const again = await RocksDbEngine.open(dir);
    expect((await again.get(Buffer.from([0, 1, 255])))?.toString()).toBe('binary');
    await again.close();
  });

  it('closes after the calls in flight, ends open iterators, and refuses calls after close with a clear error', async () => {
    const db = await RocksDbEngine.open(rocksDir());
    await db.batch(
      Array.from({ length: 50 }, (_, i) => ({ type: 'put' as const, key: `k/${i}`, value: 'v' })),
    );
    const paused = db.reader({ prefix: 'k/' });
    expect((await paused.next())?.length).toBeGreaterThan(0);
    // in flight when close is asked: they finish first (the binding's handle is freed only after them)
    const inFlight = [db.get('k/1'), db.batch([{ type: 'put', key: 'late', value: 'x' }], { sync: false })];
    const closing = db.close();
    await expect(Promise.all(inFlight)).resolves.toEqual([Buffer.from('v'), undefined]);
    await closing;
    const refused = /RocksDB at .* is closed: \w+ refused/;
    await expect(db.get('k/1')).rejects.toThrow(refused);
    await expect(db.getMany(['k/1'])).rejects.toThrow(refused);
    await expect(db.put('a', 'b')).rejects.toThrow(refused);
    await expect(db.delete('a')).rejects.toThrow(refused);
    await expect(db.batch([{ type: 'put', key: 'a', value: 'b' }])).rejects.toThrow(refused);
    await expect(db.clear({ gte: 'k/' })).rejects.toThrow(refused);
    await expect(paused.next()).rejects.toThrow(refused);
    await paused.close();
    await expect(db.reader({ prefix: 'k/' }).next()).rejects.toThrow(refused);
    await db.close();
  });

  it('computes prefix upper bounds, carrying over 0xff bytes', () => {
    expect(prefixUpperBound(Buffer.from('ab'))).toEqual(Buffer.from('ac'));
    expect(prefixUpperBound(Buffer.from([1, 0xff]))).toEqual(Buffer.from([2]));
    expect(prefixUpperBound(Buffer.from([0xff, 0xff]))).toBeUndefined();
  });

  it('reads a range as it was when the reader was opened, many entries per batch', async () => {
    const db = await RocksDbEngine.open(rocksDir());
    const key = (i: number) => `r/${String(i).padStart(5, '0')}`;
    await db.batch(
      Array.from({ length: 5_000 }, (_, i) => ({ type: 'put' as const, key: key(i), value: `v${i}` })),
    );
    const reader = db.reader({ prefix: 'r/' });
    // written after the reader was opened: not part of its view
    await db.batch([
      { type: 'del', key: key(0) },
      { type: 'put', key: key(1), value: 'changed' },
      { type: 'put', key: 'r/99999', value: 'new' },
    ]);
    const seen: string[] = [];
    let batches = 0;
    for (let batch = await reader.next(); batch; batch = await reader.next()) {
      batches++;
      for (const [k, v] of batch) seen.push(`${k.toString()}=${v.toString()}`);
    }
    expect(seen).toEqual(Array.from({ length: 5_000 }, (_, i) => `${key(i)}=v${i}`));
    // the binding fetches one entry first, then up to 1,000 a trip
    expect(batches).toBeLessThanOrEqual(7);
    expect(await reader.next()).toBeUndefined();
    // a reader closed before its end releases its snapshot, and the engine still closes
    const early = db.reader({});
    expect((await early.next())?.length).toBe(1);
    await early.close();
    // clear() deletes a range on the engine's thread and nothing outside it
    await db.put('s/keep', 'yes');
    await db.clear({ gte: 'r/', lt: 'r0' });
    expect(await collect(db.scan({}))).toEqual(['s/keep=yes']);
    await db.close();
  });
});
