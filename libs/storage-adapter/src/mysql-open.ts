// Opening a MySQL database the one way every user of one does it (the MySQL storage adapter, the broker's auth
// tables): a bootstrap connection creates the database if it is missing and runs the caller's DDL, then a pool on
// that database serves the queries. A server that cannot be reached or refuses the user fails here, at start-up,
// with the reason in words, rather than on the first query.
import { createConnection, createPool, type Connection, type Pool } from 'mysql2/promise';

export interface MySqlDatabase {
  host: string;
  port: number;
  user: string;
  /** absent = log in without a password. */
  password?: string | undefined;
  database: string;
  /** connections in the pool (also the idle ones kept). */
  poolSize: number;
  connectTimeoutMs: number;
}

/** `code: message` of a mysql2 / socket error (the code first: it is what to search for). */
export function mysqlReason(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown[] };
  let message = typeof e?.message === 'string' ? e.message : '';
  // a refused connection to "localhost" arrives as an AggregateError (IPv4 and IPv6) with an empty message
  if (!message && Array.isArray(e?.errors) && e.errors.length > 0)
    message = String((e.errors[0] as { message?: unknown })?.message ?? e.errors[0]);
  if (!message) message = String(err);
  return typeof e?.code === 'string' && !message.startsWith(e.code) ? `${e.code}: ${message}` : message;
}

/**
 * Creates `db.database` if missing, runs `prepare` on a connection using it (DDL, schema checks; its result is
 * returned as `prepared`), then opens the pool. Any failure of the bootstrap is passed to `fail`, whose error is
 * thrown.
 */
export async function openMySqlPool<T>(
  db: MySqlDatabase,
  prepare: (bootstrap: Connection) => Promise<T>,
  fail: (err: unknown) => Error,
): Promise<{ pool: Pool; prepared: T }> {
  const connection = {
    host: db.host,
    port: db.port,
    user: db.user,
    ...(db.password === undefined ? {} : { password: db.password }),
    charset: 'utf8mb4',
    connectTimeout: db.connectTimeoutMs,
    enableKeepAlive: true,
  };
  let prepared: T;
  try {
    const bootstrap = await createConnection(connection);
    try {
      await bootstrap.query(
        `CREATE DATABASE IF NOT EXISTS ${bootstrap.escapeId(db.database)} CHARACTER SET utf8mb4`,
      );
      await bootstrap.query(`USE ${bootstrap.escapeId(db.database)}`);
      prepared = await prepare(bootstrap);
    } finally {
      await bootstrap.end().catch(() => bootstrap.destroy());
    }
  } catch (err) {
    throw fail(err);
  }
  const pool = createPool({
    ...connection,
    database: db.database,
    connectionLimit: db.poolSize,
    maxIdle: db.poolSize,
    waitForConnections: true,
  });
  return { pool, prepared };
}
