// The shard both kinds of broker log keep their messages in (message-log.ts: the broker's own; cluster-log.ts: the
// cluster's shared one): finding or creating it, and what does not depend on who appends to it — reads and the
// consumer positions sessions commit in it.
import {
  isStorageError,
  type ShardInfo,
  type StorageAdapter,
  type StoredRecord,
} from '@robustmq/storage-adapter';

export const MESSAGE_SHARD = 'mqtt-messages';
/** the most bytes one read of the shard returns. */
export const READ_MAX_BYTES = 4 * 1024 * 1024;

/** The message shard, created if no one has yet; `retentionMs` 0 keeps everything. Another broker creating it at the
 * same moment is not an error. */
export async function openMessageShard(storage: StorageAdapter, retentionMs: number): Promise<ShardInfo> {
  const existing = (await storage.listShards()).find((s) => s.name === MESSAGE_SHARD);
  if (existing) return existing;
  try {
    return await storage.createShard(MESSAGE_SHARD, {
      maxRecordsPerSegment: 100_000,
      ...(retentionMs > 0 ? { retentionMs } : {}),
    });
  } catch (err) {
    if (!isStorageError(err, 'SHARD_EXISTS')) throw err;
    return storage.describeShard(MESSAGE_SHARD);
  }
}

/** Reads and consumer positions of the message shard, shared by both logs. */
export abstract class MessageShardLog {
  readonly shard = MESSAGE_SHARD;

  protected constructor(readonly storage: StorageAdapter) {}

  /** Durable records from `from` on. */
  read(from: number, maxRecords: number): Promise<StoredRecord[]> {
    return this.storage.read(MESSAGE_SHARD, from, { maxRecords, maxBytes: READ_MAX_BYTES });
  }

  async startOffset(): Promise<number> {
    return (await this.storage.describeShard(MESSAGE_SHARD)).startOffset;
  }

  async ends(): Promise<{ startOffset: number; nextOffset: number }> {
    if (this.storage.shardEnds) return this.storage.shardEnds(MESSAGE_SHARD);
    const { startOffset, nextOffset } = await this.storage.describeShard(MESSAGE_SHARD);
    return { startOffset, nextOffset };
  }

  /** Durably records a consumer's position in this log (a session's, under its group). */
  commitPosition(group: string, offset: number): Promise<void> {
    return this.storage.commitOffset(group, MESSAGE_SHARD, offset);
  }

  /** The position last committed under `group`, if any. */
  fetchPosition(group: string): Promise<number | undefined> {
    return this.storage.fetchOffset(group, MESSAGE_SHARD);
  }
}
