// RocksDbRaftStorage against a real RocksDB: what persist()/compact() write is exactly what open() reads back.
import { RocksDbEngine } from '@robustmq/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, removeDir } from '@robustmq/testing';
import { RaftStorageError } from '../../src/errors.js';
import { RocksDbRaftStorage } from '../../src/rocksdb/index.js';
import type { Snapshot } from '../../src/types.js';
import { dump, ent } from './log-store-view.js';

describe('RocksDbRaftStorage', () => {
  let dir: string;
  let engine: RocksDbEngine;

  beforeEach(async () => {
    dir = tempDir('raft-storage');
    engine = await RocksDbEngine.open(dir);
  });
  afterEach(async () => {
    await engine.close();
    removeDir(dir);
  });

  async function reopen(st: RocksDbRaftStorage, group = 'g1'): Promise<RocksDbRaftStorage> {
    const before = dump(st);
    // "Crash": close the engine without any compaction or shutdown work, then load from disk.
    await engine.close();
    engine = await RocksDbEngine.open(dir);
    const again = await RocksDbRaftStorage.open(engine, group, { snapshotChunkBytes: 7 });
    expect(dump(again)).toEqual(before);
    return again;
  }

  it('starts empty, bootstraps membership at index 0, and survives a reopen', async () => {
    let st = await RocksDbRaftStorage.open(engine, 'g1');
    expect(st.isEmpty()).toBe(true);
    expect(st.firstIndex()).toBe(1);
    expect(st.lastIndex()).toBe(0);
    await st.bootstrap({ voters: [3, 1, 2], learners: [] });
    expect(st.isEmpty()).toBe(false);
    st = await reopen(st);
    expect(st.initialState().confState).toEqual({ voters: [1, 2, 3], learners: [] });
  });

  it('persists entries and hard state, truncates a conflicting suffix, and reloads identically', async () => {
    let st = await RocksDbRaftStorage.open(engine, 'g1');
    await st.bootstrap({ voters: [1], learners: [] });
    await st.persist({
      entries: [1, 2, 3, 4, 5, 6].map((i) => ent(i, 1)),
      hardState: { term: 1, vote: 1, commit: 2 },
      mustSync: true,
    });
    expect(st.lastIndex()).toBe(6);
    // A new leader overwrites 4.. with a shorter suffix of term 2: 5 and 6 must disappear from disk too.
    await st.persist({
      entries: [ent(4, 2, 'x')],
      hardState: { term: 2, vote: 3, commit: 3 },
      mustSync: true,
    });
    expect(st.lastIndex()).toBe(4);
    expect(st.term(4)).toBe(2);
    st = await reopen(st);
    expect(st.lastIndex()).toBe(4);
    expect(new TextDecoder().decode(st.entries(4, 5)[0]!.data)).toBe('x');
    expect(st.hardState()).toEqual({ term: 2, vote: 3, commit: 3 });
    // Only the commit index advanced: nothing is written for that alone (a restart may see an older commit, which
    // Raft allows); the next write that must happen anyway carries it.
    await st.persist({ entries: [], hardState: { term: 2, vote: 3, commit: 4 }, mustSync: false });
    expect(st.hardState().commit).toBe(4);
    await engine.close();
    engine = await RocksDbEngine.open(dir);
    st = await RocksDbRaftStorage.open(engine, 'g1', { snapshotChunkBytes: 7 });
    expect(st.hardState()).toEqual({ term: 2, vote: 3, commit: 3 });
    await st.persist({ entries: [], hardState: { term: 2, vote: 3, commit: 4 }, mustSync: false });
    await st.persist({ entries: [ent(5, 2)], mustSync: true });
    st = await reopen(st);
    expect(st.hardState()).toEqual({ term: 2, vote: 3, commit: 4 });
    expect(st.lastIndex()).toBe(5);
    // a term or vote change is written at once
    await st.persist({ entries: [], hardState: { term: 3, vote: 0, commit: 4 }, mustSync: true });
    st = await reopen(st);
    expect(st.hardState()).toEqual({ term: 3, vote: 0, commit: 4 });
  });

  it('compacts behind a chunked snapshot atomically and reloads it', async () => {
    let st = await RocksDbRaftStorage.open(engine, 'g1', { snapshotChunkBytes: 7 });
    await st.bootstrap({ voters: [1, 2], learners: [] });
    await st.persist({
      entries: Array.from({ length: 20 }, (_, i) => ent(i + 1, 1)),
      hardState: { term: 1, vote: 1, commit: 20 },
      mustSync: true,
    });
    const data = new TextEncoder().encode('application image, 36 bytes long..!');
    await st.compact(15, data, { voters: [2, 1], learners: [3] }, 12);
    expect(st.firstIndex()).toBe(13);
    expect(st.snapshot().metadata).toEqual({
      index: 15,
      term: 1,
      confState: { voters: [1, 2], learners: [3] },
    });
    expect(() => st.entries(12, 13)).toThrow(RaftStorageError);
    st = await reopen(st);
    expect(new TextDecoder().decode(st.snapshot().data)).toBe('application image, 36 bytes long..!');
    // A smaller snapshot later leaves no stale chunks behind.
    await st.compact(20, new Uint8Array([1, 2, 3]), { voters: [1, 2], learners: [] });
    expect(st.firstIndex()).toBe(21);
    st = await reopen(st);
    expect([...st.snapshot().data]).toEqual([1, 2, 3]);
    const chunkKeys: string[] = [];
    for await (const [k] of engine.scan({ prefix: 'raft/g1/sc/' })) chunkKeys.push(k.toString('hex'));
    expect(chunkKeys).toHaveLength(1);
    await expect(st.compact(20, new Uint8Array(), { voters: [1], learners: [] })).rejects.toThrow(
      /not newer/,
    );
  });

  it('installs a snapshot from the leader, replacing the whole log', async () => {
    let st = await RocksDbRaftStorage.open(engine, 'g1');
    await st.bootstrap({ voters: [1, 2, 3], learners: [] });
    await st.persist({
      entries: [1, 2, 3].map((i) => ent(i, 1)),
      hardState: { term: 1, vote: 2, commit: 1 },
      mustSync: true,
    });
    const snap: Snapshot = {
      metadata: { index: 100, term: 4, confState: { voters: [1, 2, 3], learners: [] } },
      data: new Uint8Array(50).fill(7),
    };
    await st.persist({
      snapshot: snap,
      entries: [ent(101, 4), ent(102, 4)],
      hardState: { term: 4, vote: 0, commit: 100 },
      mustSync: true,
    });
    expect(st.firstIndex()).toBe(101);
    expect(st.lastIndex()).toBe(102);
    expect(st.term(100)).toBe(4);
    st = await reopen(st);
    let n = 0;
    for await (const _ of engine.scan({ prefix: 'raft/g1/e/' })) n++;
    expect(n).toBe(2);
  });

  it('keeps groups apart', async () => {
    const a = await RocksDbRaftStorage.open(engine, 'a');
    const b = await RocksDbRaftStorage.open(engine, 'b');
    await a.bootstrap({ voters: [1], learners: [] });
    await a.persist({ entries: [ent(1, 1)], hardState: { term: 1, vote: 1, commit: 1 }, mustSync: true });
    await b.bootstrap({ voters: [9], learners: [] });
    const a2 = await reopen(a, 'a');
    expect(a2.lastIndex()).toBe(1);
    const b2 = await RocksDbRaftStorage.open(engine, 'b');
    expect(b2.lastIndex()).toBe(0);
    expect(b2.initialState().confState.voters).toEqual([9]);
  });
});
