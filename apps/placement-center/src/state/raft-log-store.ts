// Which Raft log a placement member keeps (`[cluster] raft_log_store`, docs/configuration.md): the segment log of
// its own under <data_dir>/raft-wal (append-only files, one fdatasync per write on the main thread — issue #19), or
// the older RocksDB log under <data_dir>/raft-log. "auto" keeps a data dir on the store it already has (the RocksDB
// log of a member created before the segment log, including one still under raft/ in the state store) and gives a
// new data dir the segment log; naming a store that contradicts what is on disk is a start-up error, never a
// silently empty log.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type KvEngine, type Logger, type RocksDbEngine } from '@robustmq/common';
import type { RaftLogStore } from '@robustmq/raft/node';
import { RocksDbRaftStorage } from '@robustmq/raft/rocksdb';
import { SegmentLogStore, type SegmentLogFlush } from '@robustmq/raft/segment';
import { openRaftLogEngine, raftLogDir } from './raft-log-engine.js';
import { RAFT_PREFIX } from './state-machine.js';

export const RAFT_LOG_STORES = ['auto', 'segment', 'rocksdb'] as const;
export type RaftLogStoreKind = (typeof RAFT_LOG_STORES)[number];

export function segmentLogDir(dataDir: string): string {
  return join(dataDir, 'raft-wal');
}

export interface OpenedRaftLog {
  storage: RaftLogStore;
  kind: 'segment' | 'rocksdb';
  close(): Promise<void>;
}

async function hasRocksDbLog(dataDir: string, state: KvEngine): Promise<boolean> {
  if (existsSync(raftLogDir(dataDir))) return true;
  for await (const _ of state.scan({ prefix: RAFT_PREFIX, limit: 1 })) return true;
  return false;
}

export async function openRaftLogStore(
  dataDir: string,
  state: KvEngine,
  kind: RaftLogStoreKind,
  logger: Logger,
  flush: SegmentLogFlush = 'pool',
): Promise<OpenedRaftLog> {
  const segmentExists = existsSync(segmentLogDir(dataDir));
  const rocksExists = await hasRocksDbLog(dataDir, state);
  if (segmentExists && rocksExists) {
    throw new ConfigError(
      `${dataDir} holds both a segment Raft log (raft-wal/) and a RocksDB one (raft-log/); remove the one that is not in use`,
    );
  }
  let chosen: 'segment' | 'rocksdb';
  if (kind === 'auto') chosen = rocksExists ? 'rocksdb' : 'segment';
  else chosen = kind;
  if (chosen === 'segment' && rocksExists) {
    throw new ConfigError(
      `cluster.raft_log_store = "segment", but ${dataDir} holds a RocksDB Raft log (raft-log/): set it to "rocksdb" or "auto" to keep using that log`,
    );
  }
  if (chosen === 'rocksdb' && segmentExists) {
    throw new ConfigError(
      `cluster.raft_log_store = "rocksdb", but ${dataDir} holds a segment Raft log (raft-wal/): set it to "segment" or "auto" to keep using that log`,
    );
  }
  if (chosen === 'segment') {
    const store = SegmentLogStore.open(segmentLogDir(dataDir), { flush });
    return { storage: store, kind: chosen, close: () => Promise.resolve(store.close()) };
  }
  if (kind === 'auto')
    logger.info('this data dir keeps its RocksDB Raft log (raft-log/); new data dirs get the segment log');
  const engine: RocksDbEngine = await openRaftLogEngine(dataDir, state, logger);
  try {
    const storage = await RocksDbRaftStorage.open(engine, 'placement');
    return { storage, kind: chosen, close: () => engine.close() };
  } catch (err) {
    await engine.close();
    throw err;
  }
}
