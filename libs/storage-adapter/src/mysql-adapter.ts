// StorageAdapter over a MySQL/MariaDB server (InnoDB), through a mysql2 connection pool. Tables: mysql-schema.ts.
//
// Offsets: the shard's row in rmq_shards holds next_offset, and every append transaction takes that row with
// SELECT … FOR UPDATE, assigns offsets from it, inserts the records and moves next_offset before COMMIT. So offsets are
// dense per shard even when several adapter instances (processes) append to the same shard. Within one adapter,
// appends to a shard go through a group-commit queue (group-commit-queue.ts): while one transaction is in flight, later
// appends to that shard wait and all go into the next transaction (multi-row INSERTs, one COMMIT = one redo-log
// flush). Shards commit independently of each other, on different pool connections.
//
// Durability: append() resolves only after COMMIT returned, which with the server's innodb_flush_log_at_trx_commit=1
// (the default) means the redo log is on disk. Any error — SQL, time-out, lost connection — rejects every append of
// that transaction with WRITE_FAILED; a COMMIT cut off by a lost connection may in fact have committed, so a retrying
// producer may store a record twice (at-least-once), but a write is never reported as done unless it is. The next
// transaction reads next_offset from the database again, so a failure never leaves a gap in the offsets.
//
// Long polls (mysql-long-poll.ts): a read at the end of a shard waits on in-process waiters, woken by this adapter's
// appends the moment they commit. Appends by other processes are noticed by one shared poll (one query for all shards
// with waiting readers) every pollIntervalMs (default 200 ms), so a cross-process reader wakes within about that
// interval.
//
// Retention and the purge of deleted shards (mysql-retention.ts) delete rows apart from the write path: under a
// shard's row lock start_offset moves first (readers refuse what is below it), then the rows go in chunks.
//
// CRCs: records are encoded with the shared record codec at append time; its CRC-32 (over offset and fields) is stored
// in the crc column, and every read re-encodes the columns and checks them against it — the same CRC the memory and
// rocksdb adapters store for the same record.
import { createHash } from 'node:crypto';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { GroupCommitQueue, type GroupCommitStats, type QueuedWrite } from './group-commit-queue.js';
import { resolveMySqlOptions, type MySqlStorageOptions, type ResolvedMySqlOptions } from './mysql-config.js';
import { SCHEMA_DDL, SCHEMA_VERSION } from './mysql-schema.js';
import { mysqlReason, openMySqlPool } from './mysql-open.js';
import { checkCommitOffset, checkOffsetInRange, missingRecord } from './offset-range.js';
import { MySqlLongPoll } from './mysql-long-poll.js';
import { MySqlRetention } from './mysql-retention.js';
import { SHARD_COLUMNS, shardOf, type Shard, type ShardRow } from './mysql-shard-row.js';
import { assignOffset, encodeRecord, type RecordFields } from '@robustmq/protocol/journal';
import { decodeStoredRecord } from './stored-record.js';
import { byName, shardDescription, shardInfo } from './segments.js';
import { CheckedStorageAdapter, type IndexRead } from './checked-adapter.js';
import type {
  RecordHeader,
  ResolvedShardOptions,
  RetentionResult,
  ShardDescription,
  ShardInfo,
  StoredRecord,
} from './storage-adapter.js';
import { adapterClosed, shardExists, shardNotFound, StorageError } from './storage-error.js';
import { offsetMismatch, type ResolvedReadOptions } from './validation.js';

/** bytes of appends one transaction takes before the rest waits for the next one. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
const ER_DUP_ENTRY = 1062;

const RECORD_COLUMNS = 'r.`offset`, r.`timestamp`, r.record_key, r.tags, r.headers, r.payload, r.crc';

interface RecordRow {
  offset: number;
  timestamp: number;
  record_key: Buffer | null;
  tags: string;
  headers: string;
  payload: Buffer;
  crc: number;
}

interface AppendWrite extends QueuedWrite {
  fields: RecordFields[];
  /** encoded at the call (capturing the caller's payload); offset and CRC are filled in by the batch writer. */
  encoded: Buffer[];
  /** AppendOptions.expectedOffset, checked in the transaction that assigns offsets; -1 for none. */
  expectedOffset: number;
  resolve(offsets: number[]): void;
}

interface ShardQueue {
  queue: GroupCommitQueue<AppendWrite>;
  /** appends and exclusive tasks not settled yet; the queue is dropped when it reaches 0. */
  users: number;
}

function infoOf(shard: Shard): ShardInfo {
  return shardInfo(shard.name, shard.options, shard.startOffset, shard.nextOffset);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** a rough upper bound of the SQL text one record row adds (client-side escaping can double every byte). */
function rowSqlBytes(fields: RecordFields, encodedLength: number): number {
  return 2 * encodedLength + 2 * (fields.tags.length * 3 + fields.headers.length * 6) + 256;
}

export class MySqlStorageAdapter extends CheckedStorageAdapter {
  readonly type = 'mysql';
  private readonly queues = new Map<string, ShardQueue>();
  /** the highest next offset this adapter has seen committed per shard; lets a reader skip a wait it would miss. */
  private readonly knownNext = new Map<string, number>();
  private closing: Promise<void> | undefined;
  private readonly counters: GroupCommitStats = { batches: 0, writes: 0, largestBatch: 0 };

  private constructor(
    private readonly pool: Pool,
    private readonly options: ResolvedMySqlOptions,
    /** the largest SQL statement the server accepts (its max_allowed_packet, less headroom). */
    private readonly maxStatementBytes: number,
  ) {
    super();
    this.longPoll = new MySqlLongPoll({
      intervalMs: options.pollIntervalMs,
      fetchNextOffsets: (names) => this.fetchNextOffsets(names),
      onNext: (name, next) => {
        if (next > (this.knownNext.get(name) ?? -1)) this.knownNext.set(name, next);
      },
      unavailable: (err) => this.unavailable('waiting for new records', err),
    });
    this.retention = new MySqlRetention({
      pool,
      queryTimeoutMs: options.queryTimeoutMs,
      select: (sql, values, what) => this.select(sql, values, what),
      firstOffsetAtOrAfter: (on, id, timestamp) => this.firstOffsetAtOrAfter(on, id, timestamp),
      writeFailed: (what, err) => this.writeFailed(what, err),
    });
  }

  /** the waiting readers of long polls and the cross-process poll that wakes them. */
  private readonly longPoll: MySqlLongPoll;
  /** retention and the purge of deleted shards. */
  private readonly retention: MySqlRetention;

  /**
   * connects, creates the database and tables if missing (CREATE … IF NOT EXISTS), and returns the adapter. Fails
   * with UNAVAILABLE when the server cannot be reached, INVALID_ARGUMENT for bad options.
   */
  static async open(options: MySqlStorageOptions): Promise<MySqlStorageAdapter> {
    const o = resolveMySqlOptions(options);
    const where = `${o.user}@${o.host}:${o.port}`;
    const { pool, prepared: maxAllowedPacket } = await openMySqlPool(
      { ...o, connectTimeoutMs: Math.min(o.queryTimeoutMs, 10_000) },
      async (bootstrap) => {
        for (const ddl of SCHEMA_DDL) await bootstrap.query(ddl);
        await bootstrap.query('INSERT IGNORE INTO rmq_schema (id, version) VALUES (1, ?)', [SCHEMA_VERSION]);
        const [rows] = await bootstrap.query<Array<{ version: number } & RowDataPacket>>(
          'SELECT version FROM rmq_schema WHERE id = 1',
        );
        const version = Number(rows[0]?.version);
        if (version !== SCHEMA_VERSION) {
          throw new StorageError(
            'INVALID_ARGUMENT',
            `database '${o.database}' on ${where} holds storage schema version ${version}, this build uses ` +
              `${SCHEMA_VERSION}; use another database or a matching build`,
          );
        }
        const [packet] = await bootstrap.query<Array<{ m: number } & RowDataPacket>>(
          'SELECT @@max_allowed_packet AS m',
        );
        return Number(packet[0]?.m ?? 4 * 1024 * 1024);
      },
      (err) =>
        err instanceof StorageError
          ? err
          : new StorageError(
              'UNAVAILABLE',
              `cannot open MySQL storage in database '${o.database}' on ${where} (${mysqlReason(err)}); check ` +
                `that the server is running and reachable and that the user may create databases and tables`,
              { cause: err },
            ),
    );
    return new MySqlStorageAdapter(pool, o, Math.max(64 * 1024, maxAllowedPacket - 16 * 1024));
  }

  /** how well group commit is coalescing: transactions written, appends in them, the largest one. */
  get groupCommitStats(): GroupCommitStats {
    return { ...this.counters };
  }

  protected async createShardChecked(name: string, resolved: ResolvedShardOptions): Promise<ShardInfo> {
    return this.track(async () => {
      try {
        await this.pool.query({
          sql: 'INSERT INTO rmq_shards (name, max_records_per_segment, retention_ms) VALUES (?, ?, ?)',
          values: [Buffer.from(name, 'utf8'), resolved.maxRecordsPerSegment, resolved.retentionMs ?? null],
          timeout: this.options.queryTimeoutMs,
        });
      } catch (err) {
        if ((err as { errno?: number }).errno === ER_DUP_ENTRY) throw shardExists(name);
        throw this.writeFailed(`creating shard '${name}'`, err);
      }
      return shardInfo(name, resolved, 0, 0);
    });
  }

  protected async listShardsChecked(): Promise<ShardInfo[]> {
    return this.track(async () => {
      const rows = await this.select<ShardRow>(
        `SELECT ${SHARD_COLUMNS} FROM rmq_shards WHERE name IS NOT NULL`,
        [],
        'listing shards',
      );
      return rows.map((row) => infoOf(shardOf(row))).sort(byName);
    });
  }

  protected async describeShardChecked(name: string): Promise<ShardDescription> {
    return this.track(async () => {
      const shard = await this.shard(name);
      return shardDescription(infoOf(shard));
    });
  }

  protected async deleteShardChecked(name: string): Promise<void> {
    return this.track(async () => {
      // Exclusive on the shard's queue: appends this adapter accepted before the delete land (or fail) first.
      const id = await this.withQueue(name, (queue) =>
        queue.exclusive(async () => {
          const shard = await this.shard(name);
          let affected: number;
          try {
            // Once the name is gone the shard is gone; its rows are purged below (or, if that fails, by a later
            // enforceRetention), and a new shard of the same name gets a new id, so it starts empty either way.
            const [result] = await this.pool.query<ResultSetHeader>({
              sql: 'UPDATE rmq_shards SET name = NULL WHERE id = ? AND name = ?',
              values: [shard.id, Buffer.from(name, 'utf8')],
              timeout: this.options.queryTimeoutMs,
            });
            affected = result.affectedRows;
          } catch (err) {
            throw this.writeFailed(`deleting shard '${name}'`, err);
          }
          if (affected === 0) throw shardNotFound(name); // deleted by another process meanwhile
          return shard.id;
        }),
      );
      this.knownNext.delete(name);
      this.longPoll.fail(name, shardNotFound(name));
      await this.retention.purge(id, name);
    });
  }

  protected async appendChecked(
    shardName: string,
    fields: RecordFields[],
    expectedOffset: number,
  ): Promise<number[]> {
    return this.track(async () => {
      // Encode now with a placeholder offset: this captures the caller's buffers as they are at the call.
      const encoded = fields.map((f) => encodeRecord(0, f));
      let bytes = 0;
      encoded.forEach((buf, i) => {
        const size = rowSqlBytes(fields[i]!, buf.length);
        if (size > this.maxStatementBytes) {
          throw new StorageError(
            'WRITE_FAILED',
            `records[${i}] needs about ${size} bytes of SQL, more than the MySQL server's max_allowed_packet ` +
              `allows (${this.maxStatementBytes}); raise max_allowed_packet on the server or send smaller records`,
          );
        }
        bytes += buf.length;
      });
      return this.withQueue(
        shardName,
        (queue) =>
          new Promise<number[]>((resolve, reject) =>
            queue.submit({ fields, encoded, bytes, expectedOffset, resolve, reject }),
          ),
      );
    });
  }

  protected async readChecked(
    shardName: string,
    fromOffset: number,
    opts: ResolvedReadOptions,
  ): Promise<StoredRecord[]> {
    return this.track(async () => {
      let shard = await this.shard(shardName);
      checkOffsetInRange(shardName, fromOffset, shard.startOffset, shard.nextOffset);
      if (fromOffset === shard.nextOffset) {
        if (opts.waitMs === 0) return [];
        const woken = await this.waitForRecords(shard, fromOffset, opts.waitMs);
        if (!woken) return [];
        shard = woken;
      }
      const end = Math.min(shard.nextOffset, fromOffset + opts.maxRecords);
      // The window sums payload sizes in offset order so maxBytes is applied by the server: only the records that
      // fit (and always the first) are sent. in_range tells a range cut by maxBytes from one missing rows.
      const rows = await this.select<RecordRow & { in_range: number }>(
        `SELECT ${RECORD_COLUMNS}, w.in_range
           FROM (SELECT \`offset\`, SUM(payload_size) OVER (ORDER BY \`offset\`) AS running,
                        COUNT(*) OVER () AS in_range
                   FROM rmq_records WHERE shard_id = ? AND \`offset\` >= ? AND \`offset\` < ?) w
           JOIN rmq_records r ON r.shard_id = ? AND r.\`offset\` = w.\`offset\`
          WHERE w.running <= ? OR w.\`offset\` = ?
          ORDER BY r.\`offset\``,
        [shard.id, fromOffset, end, shard.id, opts.maxBytes, fromOffset],
        `reading shard '${shardName}'`,
      );
      const out: StoredRecord[] = [];
      for (const row of rows) {
        if (Number(row.offset) !== fromOffset + out.length)
          await this.missing(shard, fromOffset + out.length);
        out.push(this.decode(shard.name, row));
      }
      const inRange = rows.length > 0 ? Number(rows[0]!.in_range) : 0;
      // every offset below nextOffset is committed, so fewer rows than offsets means some were lost (or retention
      // removed them since the shard was read)
      if (inRange < end - fromOffset) await this.missing(shard, fromOffset + inRange);
      return out;
    });
  }

  protected async readIndexChecked({
    kind,
    shard: shardName,
    term,
    ...opts
  }: IndexRead): Promise<StoredRecord[]> {
    return this.track(async () => {
      const shard = await this.shard(shardName);
      const from = Math.max(opts.fromOffset, shard.startOffset);
      const what = `reading ${kind} of shard '${shardName}'`;
      if (kind === 'key') {
        const rows = await this.select<RecordRow>(
          `SELECT ${RECORD_COLUMNS} FROM rmq_records r
            WHERE r.shard_id = ? AND r.key_hash = ? AND r.\`offset\` >= ? AND r.record_key = ?
            ORDER BY r.\`offset\` LIMIT ?`,
          [shard.id, sha256(term), from, Buffer.from(term, 'utf8'), opts.maxRecords],
          what,
        );
        return rows.map((row) => this.decode(shard.name, row));
      }
      const rows = await this.select<RecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM rmq_record_tags t
           JOIN rmq_records r ON r.shard_id = t.shard_id AND r.\`offset\` = t.\`offset\`
          WHERE t.shard_id = ? AND t.tag_hash = ? AND t.\`offset\` >= ?
          ORDER BY t.\`offset\` LIMIT ?`,
        [shard.id, sha256(term), from, opts.maxRecords],
        what,
      );
      // the index is by SHA-256; checking the decoded tags keeps a (theoretical) collision out of the answer
      return rows.map((row) => this.decode(shard.name, row)).filter((r) => r.tags.includes(term));
    });
  }

  protected async offsetForTimestampChecked(
    shardName: string,
    timestamp: number,
  ): Promise<number | undefined> {
    return this.track(async () => {
      const shard = await this.shard(shardName);
      const offset = await this.firstOffsetAtOrAfter(this.pool, shard.id, timestamp);
      return offset === undefined ? undefined : Math.max(offset, shard.startOffset);
    });
  }

  protected async commitOffsetChecked(group: string, shardName: string, offset: number): Promise<void> {
    return this.track(async () => {
      const name = Buffer.from(shardName, 'utf8');
      // Two attempts: a miss may be a shard another process appended to between the statement and the check below.
      for (let attempt = 1; ; attempt++) {
        let affected: number;
        try {
          // one statement: the shard must exist and the offset must not be beyond its end *in the database*, which
          // may be ahead of anything this process has seen
          const [result] = await this.pool.query<ResultSetHeader>({
            sql: `INSERT INTO rmq_group_offsets (shard_id, group_name, \`offset\`)
                  SELECT id, ?, ? FROM rmq_shards WHERE name = ? AND next_offset >= ?
                  ON DUPLICATE KEY UPDATE \`offset\` = VALUES(\`offset\`)`,
            values: [Buffer.from(group, 'utf8'), offset, name, offset],
            timeout: this.options.queryTimeoutMs,
          });
          affected = result.affectedRows; // counts found rows (mysql2 sets FOUND_ROWS), so an unchanged offset is 1
        } catch (err) {
          throw this.writeFailed(`committing offset of group '${group}' on shard '${shardName}'`, err);
        }
        if (affected > 0) return;
        const shard = await this.shard(shardName); // SHARD_NOT_FOUND
        checkCommitOffset(shardName, offset, shard.nextOffset);
        if (attempt === 2) {
          throw new StorageError(
            'WRITE_FAILED',
            `committing offset ${offset} of group '${group}' on shard '${shardName}' changed no row twice; retry`,
          );
        }
      }
    });
  }

  protected async fetchOffsetChecked(group: string, shardName: string): Promise<number | undefined> {
    return this.track(async () => {
      const rows = await this.select<{ id: number; offset: number | null }>(
        `SELECT s.id, g.\`offset\` FROM rmq_shards s
           LEFT JOIN rmq_group_offsets g ON g.shard_id = s.id AND g.group_name = ?
          WHERE s.name = ?`,
        [Buffer.from(group, 'utf8'), Buffer.from(shardName, 'utf8')],
        `fetching offset of group '${group}'`,
      );
      if (rows.length === 0) throw shardNotFound(shardName);
      const offset = rows[0]!.offset;
      return offset === null ? undefined : Number(offset);
    });
  }

  protected async enforceRetentionChecked(now: number): Promise<RetentionResult[]> {
    return this.track(async () => {
      return this.retention.run(now);
    });
  }

  async close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      this.longPoll.stop();
      this.closing = (async () => {
        // accepted appends still complete (they are in flight); waiting reads end now
        await Promise.all([...this.queues.values()].map((q) => q.queue.drained()));
        this.longPoll.fail(undefined, adapterClosed(this.type));
        await this.idle();
        await this.pool.end().catch(() => {}); // nothing left to fail: every operation has settled
      })();
    }
    return this.closing;
  }

  /** one transaction for a batch of appends to one shard: lock the shard row, insert, move next_offset, commit. */
  private async writeBatch(shardName: string, writes: AppendWrite[]): Promise<void> {
    this.counters.batches++;
    this.counters.writes += writes.length;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, writes.length);
    const offsets: (number[] | undefined)[] = [];
    /** for a write refused by its expectedOffset: where the shard ended when it came up */
    const endAt = new Map<AppendWrite, number>();
    let conn: PoolConnection | undefined;
    let next = 0;
    try {
      conn = await this.pool.getConnection();
      await this.exec(conn, 'START TRANSACTION', []);
      const [rows] = await conn.query<Array<ShardRow & { max_timestamp: number } & RowDataPacket>>({
        sql: 'SELECT id, next_offset, max_timestamp FROM rmq_shards WHERE name = ? FOR UPDATE',
        values: [Buffer.from(shardName, 'utf8')],
        timeout: this.options.queryTimeoutMs,
      });
      if (rows.length === 0) {
        await this.exec(conn, 'ROLLBACK', []);
        for (const write of writes) write.reject(shardNotFound(shardName));
        return;
      }
      const id = Number(rows[0]!.id);
      next = Number(rows[0]!.next_offset);
      let maxTimestamp = Number(rows[0]!.max_timestamp);
      const records: unknown[][] = [];
      const recordBytes: number[] = [];
      const tags: unknown[][] = [];
      const times: unknown[][] = [];
      for (const write of writes) {
        if (write.expectedOffset >= 0 && write.expectedOffset !== next) {
          offsets.push(undefined); // refused below, after the transaction of the others
          endAt.set(write, next);
          continue;
        }
        const assigned: number[] = [];
        write.fields.forEach((f, i) => {
          const offset = next++;
          const buf = write.encoded[i]!;
          assignOffset(buf, offset);
          records.push([
            id,
            offset,
            f.timestamp,
            f.key === undefined ? null : Buffer.from(f.key, 'utf8'),
            f.key === undefined ? null : sha256(f.key),
            JSON.stringify(f.tags),
            JSON.stringify(f.headers.map((h) => [h.name, h.value])),
            buf.subarray(buf.length - f.payload.length), // the payload as captured at the call
            f.payload.length,
            buf.readUInt32BE(1),
          ]);
          recordBytes.push(rowSqlBytes(f, buf.length));
          for (const tag of new Set(f.tags)) tags.push([id, sha256(tag), offset]);
          if (f.timestamp > maxTimestamp) {
            maxTimestamp = f.timestamp;
            times.push([id, f.timestamp, offset]);
          }
          assigned.push(offset);
        });
        offsets.push(assigned);
      }
      await this.insertChunked(
        conn,
        'INSERT INTO rmq_records (shard_id, `offset`, `timestamp`, record_key, key_hash, tags, headers, payload, ' +
          'payload_size, crc) VALUES ?',
        records,
        recordBytes,
      );
      await this.insertChunked(
        conn,
        'INSERT INTO rmq_record_tags (shard_id, tag_hash, `offset`) VALUES ?',
        tags,
      );
      await this.insertChunked(
        conn,
        'INSERT INTO rmq_time_index (shard_id, `timestamp`, `offset`) VALUES ?',
        times,
      );
      await this.exec(conn, 'UPDATE rmq_shards SET next_offset = ?, max_timestamp = ? WHERE id = ?', [
        next,
        maxTimestamp,
        id,
      ]);
      await this.exec(conn, 'COMMIT', []);
    } catch (err) {
      // the connection's state is unknown (mid-transaction, timed out, lost): never hand it back to the pool
      conn?.destroy();
      conn = undefined;
      const failure = this.writeFailed(`appending to shard '${shardName}'`, err);
      for (const write of writes) write.reject(failure);
      return;
    } finally {
      conn?.release();
    }
    writes.forEach((write, i) => {
      const assigned = offsets[i];
      if (assigned) write.resolve(assigned);
      else write.reject(offsetMismatch(shardName, write.expectedOffset, endAt.get(write)!));
    });
    if (next > (this.knownNext.get(shardName) ?? -1)) this.knownNext.set(shardName, next);
    this.longPoll.notify(shardName, next);
  }

  /** multi-row INSERTs, each kept under the server's max_allowed_packet. */
  private async insertChunked(
    conn: PoolConnection,
    sql: string,
    rows: unknown[][],
    rowBytes?: number[],
  ): Promise<void> {
    let start = 0;
    while (start < rows.length) {
      let end = start;
      let bytes = sql.length;
      while (end < rows.length) {
        const size = rowBytes?.[end] ?? 128;
        if (end > start && bytes + size > this.maxStatementBytes) break;
        bytes += size;
        end++;
      }
      await this.exec(conn, sql, [rows.slice(start, end)]);
      start = end;
    }
  }

  private async exec(conn: PoolConnection, sql: string, values: unknown[]): Promise<void> {
    await conn.query({ sql, values, timeout: this.options.queryTimeoutMs });
  }

  private async firstOffsetAtOrAfter(
    on: Pool | PoolConnection,
    id: number,
    timestamp: number,
  ): Promise<number | undefined> {
    let rows: Array<{ offset: number }>;
    try {
      [rows] = await on.query<Array<{ offset: number } & RowDataPacket>>({
        sql: 'SELECT `offset` FROM rmq_time_index WHERE shard_id = ? AND `timestamp` >= ? ORDER BY `timestamp` LIMIT 1',
        values: [id, timestamp],
        timeout: this.options.queryTimeoutMs,
      });
    } catch (err) {
      throw this.unavailable('looking up a timestamp', err);
    }
    return rows[0] ? Number(rows[0].offset) : undefined;
  }

  /**
   * waits until fromOffset of the shard is readable or `ms` pass; returns the shard's fresh state, or undefined on
   * time-out. Woken at once by this adapter's appends, and by the poller for other processes' appends.
   */
  private async waitForRecords(shard: Shard, fromOffset: number, ms: number): Promise<Shard | undefined> {
    const deadline = Date.now() + ms;
    while (true) {
      this.checkOpen();
      if ((this.knownNext.get(shard.name) ?? -1) <= fromOffset) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) return undefined;
        if (!(await this.waitForAppend(shard.name, fromOffset, remaining))) return undefined;
      }
      const fresh = await this.shard(shard.name);
      if (fresh.id !== shard.id) throw shardNotFound(shard.name); // deleted (and re-created) meanwhile
      checkOffsetInRange(shard.name, fromOffset, fresh.startOffset, fresh.nextOffset);
      this.knownNext.set(shard.name, fresh.nextOffset);
      if (fresh.nextOffset > fromOffset) return fresh;
    }
  }

  private waitForAppend(shardName: string, fromOffset: number, ms: number): Promise<boolean> {
    return this.longPoll.wait(shardName, fromOffset, ms);
  }

  /** next_offset of the named shards that still exist: the long poll's one query. */
  private async fetchNextOffsets(names: string[]): Promise<Map<string, number>> {
    const [rows] = await this.pool.query<Array<{ name: Buffer; next_offset: number } & RowDataPacket>>({
      sql: 'SELECT name, next_offset FROM rmq_shards WHERE name IN (?)',
      values: [names.map((n) => Buffer.from(n, 'utf8'))],
      timeout: this.options.queryTimeoutMs,
    });
    return new Map(rows.map((row) => [row.name.toString('utf8'), Number(row.next_offset)]));
  }

  /** the queue of appends to one shard, kept only while something uses it. */
  private withQueue<T>(
    shardName: string,
    use: (queue: GroupCommitQueue<AppendWrite>) => Promise<T>,
  ): Promise<T> {
    let entry = this.queues.get(shardName);
    if (!entry) {
      entry = {
        queue: new GroupCommitQueue<AppendWrite>(
          (writes) => this.writeBatch(shardName, writes),
          MAX_BATCH_BYTES,
        ),
        users: 0,
      };
      this.queues.set(shardName, entry);
    }
    const used = entry;
    used.users++;
    const done = () => {
      if (--used.users === 0 && this.queues.get(shardName) === used) this.queues.delete(shardName);
    };
    const promise = use(used.queue);
    promise.then(done, done);
    return promise;
  }

  private async shard(name: string): Promise<Shard> {
    this.checkOpen();
    const rows = await this.select<ShardRow>(
      `SELECT ${SHARD_COLUMNS} FROM rmq_shards WHERE name = ?`,
      [Buffer.from(name, 'utf8')],
      `looking up shard '${name}'`,
    );
    if (rows.length === 0) throw shardNotFound(name);
    return shardOf(rows[0]!);
  }

  private async select<T>(sql: string, values: unknown[], what: string): Promise<T[]> {
    try {
      const [rows] = await this.pool.query<Array<T & RowDataPacket>>({
        sql,
        values,
        timeout: this.options.queryTimeoutMs,
      });
      return rows;
    } catch (err) {
      throw this.unavailable(what, err);
    }
  }

  /** rebuilds the encoded record from its columns with the stored CRC and lets the codec verify it. */
  private decode(shardName: string, row: RecordRow): StoredRecord {
    const offset = Number(row.offset);
    const where = `shard '${shardName}' offset ${offset}`;
    let buf: Buffer;
    try {
      const tags = JSON.parse(row.tags) as unknown;
      const headers = JSON.parse(row.headers) as unknown;
      if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) throw new Error('tags');
      if (
        !Array.isArray(headers) ||
        !headers.every((h) => Array.isArray(h) && h.length === 2 && h.every((s) => typeof s === 'string'))
      ) {
        throw new Error('headers');
      }
      const fields: RecordFields = {
        tags: tags as string[],
        timestamp: Number(row.timestamp),
        headers: (headers as Array<[string, string]>).map(([name, value]): RecordHeader => ({ name, value })),
        payload: row.payload,
      };
      if (row.record_key !== null) fields.key = row.record_key.toString('utf8');
      buf = encodeRecord(offset, fields);
    } catch (err) {
      throw new StorageError(
        'CORRUPT_RECORD',
        `stored record at ${where} is corrupt (its columns do not form a record: ${(err as Error).message}); ` +
          `restore the shard from a backup`,
        { cause: err },
      );
    }
    buf.writeUInt32BE(Number(row.crc) >>> 0, 1); // the stored CRC, which decodeStoredRecord checks against the bytes
    return decodeStoredRecord(buf, where);
  }

  /** a record below nextOffset is not there: removed by retention meanwhile, or lost. */
  private async missing(shard: Shard, offset: number): Promise<never> {
    const fresh = await this.shard(shard.name);
    throw missingRecord(shard.name, offset, fresh.startOffset, shard.nextOffset);
  }

  private writeFailed(what: string, err: unknown): StorageError {
    if (err instanceof StorageError) return err;
    if (this.closed && /pool is closed|closed state/i.test(mysqlReason(err))) return adapterClosed(this.type);
    return new StorageError(
      'WRITE_FAILED',
      `MySQL failed ${what} (${mysqlReason(err)}); nothing of this write is acknowledged — check the server and ` +
        `retry`,
      { cause: err },
    );
  }

  private unavailable(what: string, err: unknown): StorageError {
    if (err instanceof StorageError) return err;
    if (this.closed && /pool is closed|closed state/i.test(mysqlReason(err))) return adapterClosed(this.type);
    return new StorageError(
      'UNAVAILABLE',
      `MySQL failed ${what} (${mysqlReason(err)}); check that the server at ${this.options.host}:${this.options.port} ` +
        `is up, then retry`,
      { cause: err },
    );
  }
}
