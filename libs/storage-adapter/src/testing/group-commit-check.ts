// Group commit as the adapters that have one (rocksdb, mysql) must show it: appends issued in one tick share one
// batch (one synced write / one transaction) and each still gets its own dense offset. Not part of the StorageAdapter
// contract (the memory adapter has nothing to coalesce), so it is a check of its own beside the conformance suite.
import { expect } from 'vitest';
import type { GroupCommitStats } from '../group-commit-queue.js';
import type { StorageAdapter } from '../storage-adapter.js';

/** Appends 50 single records to a new shard `shard` in one tick and expects them in one batch, offsets 0..49. */
export async function expectAppendsCoalesced(
  adapter: StorageAdapter & { readonly groupCommitStats: GroupCommitStats },
  shard = 's',
): Promise<void> {
  await adapter.createShard(shard);
  const before = adapter.groupCommitStats;
  const offsets = await Promise.all(
    Array.from({ length: 50 }, (_, i) => adapter.append(shard, [{ payload: Buffer.from(`r${i}`) }])),
  );
  expect(offsets.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  const after = adapter.groupCommitStats;
  expect(after.writes - before.writes).toBe(50);
  // issued in one tick, so they share the first batch
  expect(after.batches - before.batches).toBe(1);
  expect(after.largestBatch).toBeGreaterThanOrEqual(50);
}
