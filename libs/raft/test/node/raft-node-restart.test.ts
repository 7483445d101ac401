// RaftNode restart edge cases on one node with a real RocksDB: an application that is durably ahead of the commit
// index on disk (commit-only writes are not fsynced) must not see entries twice.
import { createLogger, RocksDbEngine } from '@robustmq/common';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, removeDir } from '@robustmq/testing';
import { encodeAppPayload } from '../../src/node/payload.js';
import { RaftNode } from '../../src/node/index.js';
import { RocksDbRaftStorage } from '../../src/rocksdb/index.js';
import { GrpcRaftTransport } from '../../src/transport/index.js';
import { waitFor } from './cluster.js';
import { KvApp, kvCommand } from './kv-app.js';

const logger = createLogger({ service: 'raft-test', level: 'silent' });

/** A KvApp that claims its state is durable up to `applied` (as if it had persisted it). */
class DurableKvApp extends KvApp {
  override appliedIndex(): number {
    return this.applied;
  }
}

describe('RaftNode restart', () => {
  let dir: string;
  let engine: RocksDbEngine | undefined;
  let node: RaftNode | undefined;
  afterEach(async () => {
    await node?.stop();
    await engine?.close();
    removeDir(dir);
  });

  it('skips entries the application applied beyond the durable commit index', async () => {
    dir = tempDir('raft-restart');
    engine = await RocksDbEngine.open(dir);
    const storage = await RocksDbRaftStorage.open(engine, 'g');
    await storage.bootstrap({ voters: [1], learners: [] });
    const entries = [1, 2, 3, 4, 5].map((i) => ({
      index: i,
      term: 1,
      type: 'normal' as const,
      data: encodeAppPayload(kvCommand({ op: 'set', key: `k${i}`, value: 'v' })),
    }));
    // On disk: the log holds 1..5 but the (unsynced, lost) commit only reached 2; the application has 1..4.
    await storage.persist({ entries, hardState: { term: 1, vote: 1, commit: 2 }, mustSync: true });
    const app = new DurableKvApp();
    await app.applyEntries(entries.slice(0, 4).map((e) => ({ ...e, data: e.data.subarray(1) })));
    expect(app.applied).toBe(4);

    const transport = new GrpcRaftTransport({ selfId: 1, logger });
    await transport.listen();
    node = await RaftNode.start({
      id: 1,
      peers: [{ id: 1, address: 'unused' }],
      storage,
      transport,
      app,
      logger,
      tickMs: 10,
    });
    await waitFor(() => node!.isLeader, 5000, 'single node to lead');
    // KvApp throws on a second application of an index, so reaching here with k5 set proves 3 and 4 were skipped.
    await waitFor(() => app.data.has('k5'), 5000, 'entry 5 to apply');
    expect(await node.propose(kvCommand({ op: 'set', key: 'k5', value: 'w' }))).toBe('v');
    expect(app.applyCalls).toBeGreaterThanOrEqual(2);
  });
});
