// How the mysql adapter reads a shard's row of rmq_shards (mysql-schema.ts): the columns, the row as the driver returns
// it and the Shard the adapter and its retention work with. Shared by mysql-adapter.ts and mysql-retention.ts.
import type { ResolvedShardOptions } from './storage-adapter.js';

export const SHARD_COLUMNS = 'id, name, max_records_per_segment, retention_ms, start_offset, next_offset';

export interface ShardRow {
  id: number;
  name: Buffer;
  max_records_per_segment: number;
  retention_ms: number | null;
  start_offset: number;
  next_offset: number;
}

export interface Shard {
  id: number;
  name: string;
  options: ResolvedShardOptions;
  startOffset: number;
  nextOffset: number;
}

export function shardOf(row: ShardRow): Shard {
  const options: ResolvedShardOptions = { maxRecordsPerSegment: Number(row.max_records_per_segment) };
  if (row.retention_ms !== null) options.retentionMs = Number(row.retention_ms);
  return {
    id: Number(row.id),
    name: row.name.toString('utf8'),
    options,
    startOffset: Number(row.start_offset),
    nextOffset: Number(row.next_offset),
  };
}
