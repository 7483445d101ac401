// The state machine over a real RocksDB engine: atomic batches, replay safety, restart from the applied index,
// and history compaction as seen by watches.
import { describe, expect, it } from 'vitest';
import { tempDir, testScope } from '@robustmq/testing';
import { RocksDbEngine, type KvEngine } from '@robustmq/common';
import { offsetKey, shardKey } from '../src/state/journal-records.js';
import {
  INDEX_STRING_MAX,
  PlacementStateMachine,
  StateMachineInvariantError,
} from '../src/state/state-machine.js';
import { LocalProposer } from '../src/state/proposer.js';
import { decodeCommand, encodeCommand, type PlacementCommand } from '../src/state/commands.js';
import { WatchCompactedError, startWatch } from '../src/state/watch-hub.js';

const scope = testScope('each');
async function open() {
  const dir = tempDir('sm', scope);
  const engine = await RocksDbEngine.open(dir);
  return { dir, engine, sm: await PlacementStateMachine.open(engine, { sync: true, contiguous: true }) };
}

const set = (key: string, value: string) => ({ type: 'kv.set' as const, key, value: Buffer.from(value) });

describe('PlacementStateMachine', () => {
  it('round-trips commands with binary values through the log encoding', () => {
    const command: PlacementCommand = {
      type: 'kv.cas',
      key: 'k',
      expectedModRevision: 3,
      value: Buffer.from([0, 255, 1]),
    };
    expect(decodeCommand(encodeCommand(command))).toEqual(command);
  });

  it('applies commands that share a log index (proposed together) and skips them all on replay', async () => {
    const { engine } = await open();
    const sm = await PlacementStateMachine.open(engine, { sync: true });
    const entry = [
      { index: 5, command: set('x', '1') },
      { index: 5, command: { ...set('x', '2'), requestId: 'r-1' } },
      {
        index: 5,
        command: { type: 'kv.cas' as const, key: 'x', expectedModRevision: 2, value: Buffer.from('3') },
      },
    ];
    expect(await sm.applyBatch(entry)).toEqual([
      { type: 'kv.set', revision: 1 },
      { type: 'kv.set', revision: 2 },
      { type: 'kv.cas', succeeded: true, revision: 3 },
    ]);
    expect(sm.appliedIndex).toBe(5);
    // the same entry again (a replay after a restart) changes nothing
    await sm.applyBatch(entry);
    expect(sm.currentRevision).toBe(3);
    expect(await sm.kvGet('x')).toMatchObject({
      value: Buffer.from('3'),
      createRevision: 1,
      modRevision: 3,
      version: 3,
    });
  });

  it('applies a batch atomically, skips already-applied entries and rejects gaps', async () => {
    const { sm } = await open();
    const results = await sm.applyBatch([
      { index: 1, command: set('a', '1') },
      { index: 2, command: set('a', '2') },
      { index: 3, command: { type: 'kv.delete', key: 'missing' } },
    ]);
    expect(results).toEqual([
      { type: 'kv.set', revision: 1 },
      { type: 'kv.set', revision: 2 },
      { type: 'kv.delete', deleted: false, revision: 2 },
    ]);
    expect(await sm.kvGet('a')).toMatchObject({ createRevision: 1, modRevision: 2, version: 2 });
    // a replayed entry changes nothing
    await sm.applyBatch([{ index: 2, command: set('a', 'replayed') }]);
    expect((await sm.kvGet('a'))!.value.toString()).toBe('2');
    await expect(sm.applyBatch([{ index: 5, command: set('b', 'x') }])).rejects.toThrow(
      StateMachineInvariantError,
    );
  });

  it('restarts from the recorded applied index and revision', async () => {
    const { dir, engine, sm } = await open();
    const proposer = new LocalProposer(sm);
    await Promise.all(Array.from({ length: 50 }, (_, i) => proposer.propose(set(`k${i}`, String(i)))));
    await proposer.close();
    expect(sm.appliedIndex).toBe(50);
    await engine.close();
    const reopened = await PlacementStateMachine.open(await RocksDbEngine.open(dir), { sync: true });
    expect(reopened.appliedIndex).toBe(50);
    expect(reopened.currentRevision).toBe(50);
    expect((await reopened.kvList('k', '', 100)).items).toHaveLength(50);
  });

  it('coalesces concurrent proposals into few batches (group commit)', async () => {
    const { sm } = await open();
    let batches = 0;
    const apply = sm.applyBatch.bind(sm);
    sm.applyBatch = (entries) => {
      batches++;
      return apply(entries);
    };
    const proposer = new LocalProposer(sm);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => proposer.propose(set(`g${i}`, 'x'))),
    );
    expect(new Set(results.map((r) => r.revision)).size).toBe(200);
    expect(batches).toBeLessThan(20);
  });

  it('refuses a watch from a compacted revision and serves one from the oldest kept', async () => {
    const { sm } = await open();
    const proposer = new LocalProposer(sm);
    for (let i = 0; i < 10; i++) await proposer.propose(set(`h/${i}`, String(i)));
    await sm.compactHistory(3);
    expect(sm.oldestWatchableRevision).toBe(8);
    const refused = startWatch(sm, 'h/', 2, () => undefined);
    await expect(refused.ready).rejects.toBeInstanceOf(WatchCompactedError);
    const keys: string[] = [];
    const watch = startWatch(sm, 'h/', 8, (e) => keys.push(e.kv.key));
    await watch.ready;
    watch.cancel();
    expect(keys).toEqual(['h/7', 'h/8', 'h/9']);
  });

  it('exports a snapshot that another member imports into an identical state, leaving Raft keys alone', async () => {
    const a = await open();
    const proposer = new LocalProposer(a.sm);
    for (let i = 0; i < 20; i++) await proposer.propose(set(`s/${i}`, String(i)));
    await a.engine.put('raft/1/hs', 'keep-a');
    const image = await a.sm.exportSnapshot();
    expect(image.includes(Buffer.from('keep-a'))).toBe(false);

    const b = await open();
    await b.engine.put('raft/1/hs', 'keep-b');
    await b.engine.put('kv/stale', 'must go');
    await b.sm.importSnapshot(image);
    expect(b.sm.appliedIndex).toBe(20);
    expect(b.sm.currentRevision).toBe(20);
    expect((await b.sm.kvList('s/', '', 100)).items.map((i) => i.value.toString()).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => String(i)).sort(),
    );
    expect(await b.sm.kvGet('stale')).toBeUndefined();
    expect((await b.engine.get('raft/1/hs'))?.toString()).toBe('keep-b');
    expect(await b.sm.exportSnapshot()).toEqual(image);
    // the point-in-time image a Raft snapshot uses holds the same bytes, and later writes do not reach it
    const fixed = await b.sm.snapshotImage();
    await new LocalProposer(b.sm).propose(set('s/later', 'x'));
    expect(Buffer.concat(await fixed.read())).toEqual(image);
    expect(fixed.index).toBe(20);
  });

  it('restores a large image in small engine writes with the event loop turning between them', async () => {
    // 30,000 keys written 2,000 to a log index (as a batching client does): ~90,000 records, and index records that
    // hold 2,000 request ids each. Before, the restore parsed 10,000 records and handed them to the engine's binding
    // (which converts them on this thread) in one go: the member restoring the image stopped answering its leader
    // for up to a second on a busy machine.
    // (commands proposed together share a log index: not a contiguous state machine)
    const a = await PlacementStateMachine.open(await RocksDbEngine.open(tempDir('sm', scope)), {
      sync: true,
    });
    const value = Buffer.from('v'.repeat(60));
    let index = 0;
    for (let i = 0; i < 30_000; i += 2_000) {
      index++;
      await a.applyBatch(
        Array.from({ length: 2_000 }, (_, k) => ({
          index,
          command: { ...set(`big/${i + k}`, ''), value, requestId: `c:${i + k}` },
        })),
      );
    }
    const image = await a.exportSnapshot();

    const dir = tempDir('sm', scope);
    const engine = await RocksDbEngine.open(dir);
    /** operations per engine batch, and how many of the event-loop turns asked for at each batch came before it */
    const batches: { ops: number; turns: number }[] = [];
    let turns = 0;
    const counting = new Proxy<KvEngine>(engine, {
      get(target, prop) {
        if (prop === 'batch')
          return (ops: Parameters<KvEngine['batch']>[0], options?: Parameters<KvEngine['batch']>[1]) => {
            batches.push({ ops: ops.length, turns });
            setImmediate(() => turns++);
            return target.batch(ops, options);
          };
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const b = await PlacementStateMachine.open(counting, { sync: true });
    scope.add(engine, (e) => e.close(), 'restored engine');
    await b.importSnapshot(image);
    const restore = batches.slice(1); // (the first one deletes the applied index)
    expect(b.appliedIndex).toBe(index);
    expect((await b.kvGet('big/29999'))?.value).toEqual(value);
    expect((await b.kvList('big/', '', 100_000)).items.length).toBe(30_000);
    // (8 MB: compared as bytes, not element by element)
    expect((await b.exportSnapshot()).equals(image)).toBe(true);
    // the restored request ids still answer a retry with its first result (no second revision)
    const revision = b.currentRevision;
    await b.applyBatch([{ index: index + 1, command: { ...set('big/7', 'again'), requestId: 'c:7' } }]);
    expect(b.currentRevision).toBe(revision);
    expect((await b.kvGet('big/7'))?.value).toEqual(value);
    // the records went in many small writes, the loop turning between any two
    expect(restore.length).toBeGreaterThanOrEqual(45);
    for (const w of restore) expect(w.ops).toBeLessThanOrEqual(2_000);
    for (let k = 1; k < restore.length; k++) expect(restore[k]!.turns).toBeGreaterThan(restore[k - 1]!.turns);
  }, 60_000);

  it('keeps every byte of a KV value in its in-memory index: applied, overwritten, reopened and imported', async () => {
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const a = await open();
    const proposer = new LocalProposer(a.sm);
    await proposer.propose({ type: 'kv.set', key: 'bytes', value: every });
    const value = Buffer.concat([every, Buffer.from(every).reverse()]);
    await proposer.propose({ type: 'kv.set', key: 'bytes', value });
    const expected = { key: 'bytes', createRevision: 1, modRevision: 2, version: 2 };
    expect(await a.sm.kvGet('bytes')).toEqual({ ...expected, value });
    await a.sm.close();
    const reopened = await PlacementStateMachine.open(a.engine, { sync: true, contiguous: true });
    expect(await reopened.kvGet('bytes')).toEqual({ ...expected, value });
    const b = await open();
    await b.sm.importSnapshot(await reopened.exportSnapshot());
    expect(await b.sm.kvGet('bytes')).toEqual({ ...expected, value });
    // an overwrite reads the remembered record's revisions from the index; a large value is held apart (a Buffer)
    await new LocalProposer(b.sm).propose({ type: 'kv.set', key: 'bytes', value: every });
    expect(await b.sm.kvGet('bytes')).toMatchObject({ createRevision: 1, modRevision: 3, version: 3 });
    const large = Buffer.concat(Array.from({ length: INDEX_STRING_MAX / 256 + 1 }, () => every));
    await new LocalProposer(b.sm).propose({ type: 'kv.set', key: 'bytes', value: large });
    expect(await b.sm.kvGet('bytes')).toEqual({ ...expected, value: large, modRevision: 4, version: 4 });
    await new LocalProposer(b.sm).propose({ type: 'kv.set', key: 'bytes', value: every });
    expect(await b.sm.kvGet('bytes')).toEqual({ ...expected, value: every, modRevision: 5, version: 5 });
  });

  it('applies a retried write (same request id) once and answers the retry with the first result', async () => {
    const { sm } = await open();
    const first = await sm.applyBatch([{ index: 1, command: { ...set('r', 'one'), requestId: 'c1:1' } }]);
    await sm.applyBatch([{ index: 2, command: set('r', 'two') }]);
    const retried = await sm.applyBatch([{ index: 3, command: { ...set('r', 'one'), requestId: 'c1:1' } }]);
    expect(retried).toEqual(first);
    expect((await sm.kvGet('r'))!.value.toString()).toBe('two');
    expect(sm.currentRevision).toBe(2);
  });

  it("reads a record once per batch however many commands read it (1,000 sessions' offset commits, one shard)", async () => {
    const dir = tempDir('sm', scope);
    const engine = await RocksDbEngine.open(dir);
    const key = shardKey('ns', 'log');
    await engine.put(key, Buffer.from(JSON.stringify({ namespace: 'ns', name: 'log' })));
    // the real engine, its point reads of the shard record counted
    let shardReads = 0;
    const counted = (k: Parameters<KvEngine['get']>[0]) => {
      if (Buffer.from(k).toString() === key) shardReads++;
    };
    const counting: KvEngine = {
      get: (k) => (counted(k), engine.get(k)),
      getMany: (keys) => (keys.forEach(counted), engine.getMany(keys)),
      put: (k, v, o) => engine.put(k, v, o),
      delete: (k, o) => engine.delete(k, o),
      batch: (ops, o) => engine.batch(ops, o),
      scan: (o) => engine.scan(o),
      clear: (range) => engine.clear(range),
      reader: (o) => engine.reader(o),
      close: () => engine.close(),
    };
    const sm = await PlacementStateMachine.open(counting, { sync: false, contiguous: false });
    const commit = (group: string, offset: number): PlacementCommand => ({
      type: 'journal.offset.commit',
      offset: { group, namespace: 'ns', shardName: 'log', offset, committedAtMs: 0 },
    });
    const batch = Array.from({ length: 200 }, (_, i) => ({ index: 1, command: commit(`session-${i}`, i) }));
    const results = await sm.applyBatch(batch);
    expect(results.every((r) => r.type === 'journal.offset.commit' && !('rejection' in r))).toBe(true);
    expect(shardReads).toBe(1);
    // the next batch reads it again (once): a record may change between batches
    await sm.applyBatch([
      { index: 2, command: commit('session-0', 500) },
      { index: 2, command: commit('session-1', 501) },
    ]);
    expect(shardReads).toBe(2);
    expect(await sm.getRecord(offsetKey('session-1', 'ns', 'log'))).toMatchObject({ offset: 501 });
    // a commit to a shard that does not exist is refused, in a batch with ones that pass
    const mixed = await sm.applyBatch([
      { index: 3, command: commit('session-2', 7) },
      {
        index: 3,
        command: {
          ...commit('session-3', 8),
          offset: { ...(commit('session-3', 8) as { offset: object }).offset, shardName: 'gone' },
        } as PlacementCommand,
      },
    ]);
    expect(mixed[0]).not.toHaveProperty('rejection');
    expect(mixed[1]).toHaveProperty('rejection');
    await sm.close();
  });
});
