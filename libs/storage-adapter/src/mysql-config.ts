// Configuration of the mysql StorageAdapter: where the server is (a URL or host/port/user/password/database), how many
// connections to pool, and the timings of long polls and queries. Checked here, once, with errors naming the field,
// because it usually comes from a TOML file.
import { StorageError } from './storage-error.js';

export interface MySqlStorageOptions {
  /** mysql://user:password@host:3306/database (mariadb:// too). Either this or `host`. */
  url?: string;
  host?: string;
  /** default 3306. */
  port?: number;
  /** default 'root'. */
  user?: string;
  password?: string;
  /** the database holding the tables; created if missing. Default 'robustmq'. Letters, digits, `_` and `$`. */
  database?: string;
  /** connections in the pool; default 10. Appends to one shard use one connection at a time (group commit). */
  poolSize?: number;
  /**
   * how often a long-polling read re-checks the database for records appended by *other* processes (appends through
   * this adapter wake readers at once); default 200 ms.
   */
  pollIntervalMs?: number;
  /** a query that takes longer fails (an append with WRITE_FAILED); default 30 000 ms. */
  queryTimeoutMs?: number;
}

export interface ResolvedMySqlOptions {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  poolSize: number;
  pollIntervalMs: number;
  queryTimeoutMs: number;
}

export const MYSQL_DEFAULTS = {
  port: 3306,
  user: 'root',
  database: 'robustmq',
  poolSize: 10,
  pollIntervalMs: 200,
  queryTimeoutMs: 30_000,
} as const;

function invalid(message: string): StorageError {
  return new StorageError('INVALID_ARGUMENT', `storage type 'mysql': ${message}`);
}

function positiveInt(name: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0 || n > max) {
    throw invalid(`${name} must be an integer in [1, ${max}], got ${JSON.stringify(value)}`);
  }
  return n;
}

function optionalString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a string, got ${typeof value}`);
  return value;
}

/** resolves URL or host form, with defaults; INVALID_ARGUMENT naming the field for anything malformed. */
export function resolveMySqlOptions(options: MySqlStorageOptions | undefined): ResolvedMySqlOptions {
  const o = options ?? {};
  let host = optionalString('host', o.host);
  let port: unknown = o.port;
  let user = optionalString('user', o.user);
  let password = optionalString('password', o.password);
  let database = optionalString('database', o.database);
  const url = optionalString('url', o.url);
  if (url !== undefined) {
    if (host !== undefined) throw invalid('give either url or host, not both');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid(
        `url ${JSON.stringify(url)} is not a URL; expected mysql://user:password@host:3306/database`,
      );
    }
    if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
      throw invalid(`url must start with mysql:// or mariadb://, got '${parsed.protocol}//'`);
    }
    host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    if (parsed.port) port = Number(parsed.port);
    if (parsed.username) user = decodeURIComponent(parsed.username);
    if (parsed.password) password = decodeURIComponent(parsed.password);
    const path = decodeURIComponent(parsed.pathname.replace(/^\/+/, ''));
    if (path) {
      if (database !== undefined && database !== path)
        throw invalid('the url names a database and so does database');
      database = path;
    }
  }
  if (host === undefined || host.length === 0) {
    throw invalid(
      'needs url (mysql://user:password@host:3306/database) or host: where the MySQL/MariaDB server is',
    );
  }
  database ??= MYSQL_DEFAULTS.database;
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(database)) {
    throw invalid(`database ${JSON.stringify(database)} must be 1–64 letters, digits, '_' or '$'`);
  }
  return {
    host,
    port: positiveInt('port', port, MYSQL_DEFAULTS.port, 65_535),
    user: user ?? MYSQL_DEFAULTS.user,
    password,
    database,
    poolSize: positiveInt('poolSize', o.poolSize, MYSQL_DEFAULTS.poolSize, 1_000),
    pollIntervalMs: positiveInt('pollIntervalMs', o.pollIntervalMs, MYSQL_DEFAULTS.pollIntervalMs, 60_000),
    queryTimeoutMs: positiveInt('queryTimeoutMs', o.queryTimeoutMs, MYSQL_DEFAULTS.queryTimeoutMs),
  };
}
