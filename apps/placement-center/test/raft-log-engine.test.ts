// The Raft log lives in its own RocksDB (<data_dir>/raft-log); a member whose log an older version kept inside the
// state RocksDB gets it moved on start and carries on with its data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PlacementClient, RocksDbEngine, freePort } from '@robustmq/common';
import { loadPlacementCenterConfig, startPlacementCenter } from '@robustmq/placement-center';
import { raftLogDir } from '../src/state/raft-log-engine.js';
import { quietLogger } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function keysUnder(engine: RocksDbEngine, prefix: string): Promise<number> {
  let n = 0;
  for await (const _ of engine.scan({ prefix })) n++;
  return n;
}

describe('raft log store', () => {
  it('moves a log kept in the state store by an older version into raft-log/ and keeps every write', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'robustmq-pc-raftlog-'));
    dirs.push(dataDir);
    const port = await freePort();
    const config = loadPlacementCenterConfig({
      env: {},
      overrides: {
        node: { data_dir: dataDir },
        network: { host: '127.0.0.1', grpc_port: port, http_port: 0 },
        cluster: { members: [`1@127.0.0.1:${port}`], tick_ms: 20 },
      },
    });
    const write = async (keys: string[]) => {
      const handle = await startPlacementCenter(config, { logger: quietLogger });
      const client = new PlacementClient({ addresses: [handle.grpcAddress], callTimeoutMs: 5_000 });
      try {
        for (const key of keys) await client.kvSet(key, `v-${key}`);
        return await Promise.all(['a', 'b', 'c'].map((k) => client.kvGet(k)));
      } finally {
        client.close();
        await handle.close();
      }
    };
    expect((await write(['a', 'b'])).map(String)).toEqual(['v-a', 'v-b', 'undefined']);

    // put the log back where older versions kept it: inside the state store, and no raft-log/
    const state = await RocksDbEngine.open(dataDir);
    const log = await RocksDbEngine.open(raftLogDir(dataDir));
    const ops = [];
    for await (const [key, value] of log.scan({ prefix: 'raft/' })) ops.push({ type: 'put' as const, key, value });
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
});
