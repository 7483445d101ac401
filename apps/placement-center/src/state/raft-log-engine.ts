// Where a placement member keeps its Raft log: a RocksDB of its own under <data_dir>/raft-log, apart from the state
// machine's RocksDB at <data_dir> (etcd keeps its WAL apart from its backend for the same reason). In one RocksDB the
// state machine's unsynced batch queues behind the log's fsync in the write queue, so every apply — and with it
// every client's answer — waited for the next Ready's fsync. Members created before the split kept the log under
// `raft/` in the state RocksDB; it is moved here once, on the first start.
import { join } from 'node:path';
import { RocksDbEngine, type BatchOp, type KvEngine, type Logger } from '@robustmq/common';
import { RAFT_PREFIX } from './state-machine.js';

const RAFT_PREFIX_END = 'raft0'; // '0' follows '/' in byte order

export function raftLogDir(dataDir: string): string {
  return join(dataDir, 'raft-log');
}

/** Opens the Raft log RocksDB of a member whose state RocksDB is `state`, moving a log left there by older versions. */
export async function openRaftLogEngine(
  dataDir: string,
  state: KvEngine,
  logger: Logger,
): Promise<RocksDbEngine> {
  const log = await RocksDbEngine.open(raftLogDir(dataDir));
  try {
    await moveLegacyLog(state, log, logger);
  } catch (err) {
    await log.close();
    throw err;
  }
  return log;
}

/**
 * Copies every `raft/` key of `state` into `log` (synced), then deletes them from `state` (synced). A crash between
 * the two leaves them in both; the next start copies the same keys again, which changes nothing, since the log
 * cannot have moved on before the move finished.
 */
async function moveLegacyLog(state: KvEngine, log: KvEngine, logger: Logger): Promise<void> {
  let copied = 0;
  let keys: Buffer[] = [];
  let ops: BatchOp[] = [];
  for await (const [key, value] of state.scan({ gte: RAFT_PREFIX, lt: RAFT_PREFIX_END })) {
    ops.push({ type: 'put', key, value });
    keys.push(key);
    if (ops.length >= 10_000) {
      await log.batch(ops, { sync: true });
      copied += ops.length;
      ops = [];
    }
  }
  if (ops.length > 0) await log.batch(ops, { sync: true });
  copied += ops.length;
  if (copied === 0) return;
  for (let i = 0; i < keys.length; i += 10_000) {
    await state.batch(
      keys.slice(i, i + 10_000).map((key) => ({ type: 'del', key })),
      { sync: true },
    );
  }
  keys = [];
  logger.info({ keys: copied }, 'moved the raft log out of the state store into its own RocksDB (raft-log/)');
}
