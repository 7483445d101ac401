// The mysql adapter's removal of rows, apart from its write and read paths: retention (under a shard's row lock,
// start_offset moves past sealed segments older than retention_ms; the rows below it are then deleted in chunks) and
// the purge of deleted shards (deleteShard's own, and the leftovers of one that failed, finished by the next run).
// Nothing here is a write of records, so it shares only the pool and the error shapes with the adapter.
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { SHARD_DATA_TABLES } from './mysql-schema.js';
import { SHARD_COLUMNS, shardOf, type ShardRow } from './mysql-shard-row.js';
import { retentionStart } from './segments.js';
import type { RetentionResult } from './storage-adapter.js';
import type { StorageError } from './storage-error.js';

/** rows deleted per statement when purging a shard or applying retention, so no transaction grows unbounded. */
const DELETE_CHUNK = 10_000;

export interface RetentionDeps {
  pool: Pool;
  queryTimeoutMs: number;
  /** a query on the pool; a failure is the adapter's UNAVAILABLE error naming `what`. */
  select<T>(sql: string, values: unknown[], what: string): Promise<T[]>;
  /** the first offset of the shard whose timestamp is >= `timestamp` (the adapter's time-index lookup). */
  firstOffsetAtOrAfter(on: Pool | PoolConnection, id: number, timestamp: number): Promise<number | undefined>;
  /** the adapter's WRITE_FAILED error for `what`. */
  writeFailed(what: string, err: unknown): StorageError;
}

export class MySqlRetention {
  /** shard ids whose rows are being purged right now. */
  private readonly purging = new Set<number>();

  constructor(private readonly deps: RetentionDeps) {}

  /** finishes purges of deleted shards, then applies each shard's retention as of `now`. */
  async run(now: number): Promise<RetentionResult[]> {
    // finish purges a failed or interrupted deleteShard left behind (this is the owner's maintenance timer)
    const orphans = await this.deps.select<{ id: number }>(
      'SELECT id FROM rmq_shards WHERE name IS NULL',
      [],
      'looking for deleted shards',
    );
    for (const { id } of orphans) {
      if (!this.purging.has(Number(id))) await this.purge(Number(id), `#${id}`);
    }
    const candidates = await this.deps.select<ShardRow>(
      `SELECT ${SHARD_COLUMNS} FROM rmq_shards WHERE name IS NOT NULL AND retention_ms IS NOT NULL ORDER BY name`,
      [],
      'listing shards for retention',
    );
    const results: RetentionResult[] = [];
    for (const row of candidates) {
      const result = await this.applyRetention(Number(row.id), now);
      if (result) results.push(result);
    }
    return results;
  }

  /** retention for one shard: under its row lock, move start_offset past old sealed segments, then delete them. */
  private async applyRetention(id: number, now: number): Promise<RetentionResult | undefined> {
    let conn: PoolConnection | undefined;
    let result: RetentionResult | undefined;
    try {
      conn = await this.deps.pool.getConnection();
      await this.exec(conn, 'START TRANSACTION', []);
      const [rows] = await conn.query<Array<ShardRow & RowDataPacket>>({
        sql: `SELECT ${SHARD_COLUMNS} FROM rmq_shards WHERE id = ? AND name IS NOT NULL FOR UPDATE`,
        values: [id],
        timeout: this.deps.queryTimeoutMs,
      });
      const shard = rows[0] ? shardOf(rows[0]) : undefined;
      if (shard?.options.retentionMs !== undefined) {
        const firstYoung =
          (await this.deps.firstOffsetAtOrAfter(conn, id, now - shard.options.retentionMs)) ??
          shard.nextOffset;
        const newStart = retentionStart(
          shard.startOffset,
          shard.nextOffset,
          shard.options.maxRecordsPerSegment,
          firstYoung,
        );
        if (newStart > shard.startOffset) {
          await this.exec(conn, 'UPDATE rmq_shards SET start_offset = ? WHERE id = ?', [newStart, id]);
          result = { shard: shard.name, removedRecords: newStart - shard.startOffset, startOffset: newStart };
        }
      }
      await this.exec(conn, 'COMMIT', []);
    } catch (err) {
      conn?.destroy();
      conn = undefined;
      throw this.deps.writeFailed('applying retention', err);
    } finally {
      conn?.release();
    }
    // Readers already refuse offsets below the new start; the rows themselves go now, in chunks. If this is cut
    // short, the next run deletes the rest (everything below start_offset is garbage).
    await this.deleteBelowStart(id);
    return result;
  }

  private async deleteBelowStart(id: number): Promise<void> {
    const [row] = await this.deps.select<{ start_offset: number }>(
      'SELECT start_offset FROM rmq_shards WHERE id = ?',
      [id],
      'applying retention',
    );
    if (!row) return;
    const start = Number(row.start_offset);
    const chunks = async (sql: string, values: unknown[]) => {
      while (true) {
        const [result] = await this.deps.pool
          .query<ResultSetHeader>({ sql, values, timeout: this.deps.queryTimeoutMs })
          .catch((err: unknown) => {
            throw this.deps.writeFailed('applying retention', err);
          });
        if (result.affectedRows < DELETE_CHUNK) return;
      }
    };
    await chunks(
      `DELETE FROM rmq_records WHERE shard_id = ? AND \`offset\` < ? ORDER BY \`offset\` LIMIT ${DELETE_CHUNK}`,
      [id, start],
    );
    await chunks(`DELETE FROM rmq_record_tags WHERE shard_id = ? AND \`offset\` < ? LIMIT ${DELETE_CHUNK}`, [
      id,
      start,
    ]);
    // Time-index entries pointing below start go, except the last: it still holds the running maximum that answers
    // offsetForTimestamp for the records right after start.
    const [last] = await this.deps.select<{ ts: number | null }>(
      'SELECT MAX(`timestamp`) AS ts FROM rmq_time_index WHERE shard_id = ? AND `offset` < ?',
      [id, start],
      'applying retention',
    );
    if (last?.ts !== null && last?.ts !== undefined) {
      await chunks(
        `DELETE FROM rmq_time_index WHERE shard_id = ? AND \`timestamp\` < ? LIMIT ${DELETE_CHUNK}`,
        [id, Number(last.ts)],
      );
    }
  }

  /** deletes every row of a deleted shard (its name already NULL), then the shard row itself. */
  async purge(id: number, what: string): Promise<void> {
    this.purging.add(id);
    try {
      for (const table of SHARD_DATA_TABLES) {
        while (true) {
          const [result] = await this.deps.pool.query<ResultSetHeader>({
            sql: `DELETE FROM ${table} WHERE shard_id = ? LIMIT ${DELETE_CHUNK}`,
            values: [id],
            timeout: this.deps.queryTimeoutMs,
          });
          if (result.affectedRows < DELETE_CHUNK) break;
        }
      }
      await this.deps.pool.query({
        sql: 'DELETE FROM rmq_shards WHERE id = ? AND name IS NULL',
        values: [id],
        timeout: this.deps.queryTimeoutMs,
      });
    } catch (err) {
      throw this.deps.writeFailed(
        `removing the records of deleted shard ${what} (the shard is gone; enforceRetention() removes the rest)`,
        err,
      );
    } finally {
      this.purging.delete(id);
    }
  }

  private async exec(conn: PoolConnection, sql: string, values: unknown[]): Promise<void> {
    await conn.query({ sql, values, timeout: this.deps.queryTimeoutMs });
  }
}
