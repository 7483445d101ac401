// The older RocksDB Raft log (<data_dir>/raft-log) stays usable: a member whose log an older version kept inside
// the state RocksDB gets it moved on start and carries on with its data, and `raft_log_store = "auto"` keeps such a
// data dir on its RocksDB log instead of starting an empty segment log next to it.
import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RocksDbEngine } from '@robustmq/common';
import { testScope } from '@robustmq/testing';
import { startPlacementCluster } from '@robustmq/testing/placement';
import { raftLogDir } from '../src/state/raft-log-engine.js';
import { segmentLogDir } from '../src/state/raft-log-store.js';

const scope = testScope('each');

async function keysUnder(engine: RocksDbEngine, prefix: string): Promise<number> {
  let n = 0;
  for await (const _ of engine.scan({ prefix })) n++;
  return n;
}

describe('raft log store', () => {
  it('moves a log kept in the state store by an older version into raft-log/ and keeps every write', async () => {
    // a one-member Raft group, stopped between the writes so its stores can be rearranged
    const cluster = scope.add(
      await startPlacementCluster(1, {
        electionTicks: 10,
        overrides: { cluster: { raft_log_store: 'rocksdb' } },
      }),
    );
    await cluster.stopMember(1);
    const dataDir = cluster.member(1).dataDir;
    const write = async (keys: string[]) => {
      await cluster.startMember(1);
      const client = cluster.client({ callTimeoutMs: 5_000 });
      try {
        for (const key of keys) await client.kv.set(key, `v-${key}`);
        return await Promise.all(['a', 'b', 'c'].map((k) => client.kv.get(k)));
      } finally {
        client.close();
        await cluster.stopMember(1);
      }
    };
    expect((await write(['a', 'b'])).map(String)).toEqual(['v-a', 'v-b', 'undefined']);

    // put the log back where older versions kept it: inside the state store, and no raft-log/
    const state = await RocksDbEngine.open(dataDir);
    const log = await RocksDbEngine.open(raftLogDir(dataDir));
    const ops = [];
    for await (const [key, value] of log.scan({ prefix: 'raft/' }))
      ops.push({ type: 'put' as const, key, value });
    expect(ops.length).toBeGreaterThan(2);
    expect(await keysUnder(state, 'raft/')).toBe(0);
    await state.batch(ops, { sync: true });
    await log.close();
    await state.close();
    rmSync(raftLogDir(dataDir), { recursive: true, force: true });

    expect((await write(['c'])).map(String)).toEqual(['v-a', 'v-b', 'v-c']);
    const after = await RocksDbEngine.open(dataDir);
    expect(await keysUnder(after, 'raft/')).toBe(0);
    await after.close();
    // and it starts again from the moved log
    expect((await write([])).map(String)).toEqual(['v-a', 'v-b', 'v-c']);
  });

  it('keeps a RocksDB data dir on its log under "auto", and refuses to start it as a segment log', async () => {
    const cluster = scope.add(
      await startPlacementCluster(1, {
        electionTicks: 10,
        overrides: { cluster: { raft_log_store: 'rocksdb' } },
      }),
    );
    const m = cluster.member(1);
    const client = cluster.client({ callTimeoutMs: 5_000 });
    await client.kv.set('kept', 'yes');
    client.close();
    await cluster.stopMember(1);
    m.config = { ...m.config, cluster: { ...m.config.cluster, raft_log_store: 'auto' } };
    await cluster.startMember(1);
    const again = cluster.client({ callTimeoutMs: 5_000 });
    expect(String(await again.kv.get('kept'))).toBe('yes');
    again.close();
    await cluster.stopMember(1);
    expect(existsSync(segmentLogDir(m.dataDir))).toBe(false);
    m.config = { ...m.config, cluster: { ...m.config.cluster, raft_log_store: 'segment' } };
    await expect(cluster.startMember(1)).rejects.toThrow(
      /raft_log_store = "segment", but .* holds a RocksDB Raft log/,
    );
    // the failed start closed the state RocksDB it had opened: RocksDB refuses a second open of a locked data dir,
    // even from the same process, so this open fails if the start left it open
    const state = await RocksDbEngine.open(m.dataDir);
    await state.close();
  });
});
