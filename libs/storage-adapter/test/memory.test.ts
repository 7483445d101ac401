// Runs the StorageAdapter conformance suite against the in-memory adapter.
import { runStorageConformance } from '../src/testing/conformance-suite.js';
import { MemoryStorageAdapter } from '../src/memory-adapter.js';

runStorageConformance('memory', async () => {
  const adapter = new MemoryStorageAdapter();
  return {
    adapter,
    corrupt: async (shard, offset) => {
      adapter.damageRecordForTesting(shard, offset);
      return adapter;
    },
    cleanup: () => adapter.close(),
  };
});
