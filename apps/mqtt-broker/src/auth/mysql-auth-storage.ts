// AuthStorageAdapter over a MySQL/MariaDB server (`[auth] storage = "mysql"`): users with salted scrypt hashes, ACL
// rules and blacklist entries in three tables (mysql-auth-schema.ts) that operators fill with SQL. Passwords are
// checked with a query per CONNECT (a changed password counts at once); ACL rules and the blacklist are read whole by
// AccessControl on its refresh interval, like the placement implementation. Opening creates the database and tables
// when missing and fails with an error naming the server when it cannot be reached, so a broker never starts without
// its users.
import type { Logger } from '@robustmq/common';
import { parsePasswordHash, verifyAgainstNothing, verifyPassword } from '@robustmq/common';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { mysqlReason, openMySqlPool } from '@robustmq/storage-adapter';
import type {
  AclAction,
  AclRule,
  AclSubject,
  AuthStorageAdapter,
  BlacklistEntry,
  BlacklistType,
} from './auth-storage-adapter.js';
import { authSchemaDdl, type AuthTables } from './mysql-auth-schema.js';

export interface MySqlAuthOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  poolSize: number;
  tables: AuthTables;
}

/** how long a connect or a query may take before the CONNECT (or the refresh) fails instead of hanging. */
const TIMEOUT_MS = 10_000;

const ACTIONS: Record<string, AclAction> = { publish: 'PUBLISH', subscribe: 'SUBSCRIBE', all: 'ALL' };
const SUBJECTS: Record<string, AclSubject> = {
  user: 'SUBJECT_USER',
  client_id: 'SUBJECT_CLIENT_ID',
  ip: 'SUBJECT_IP',
  all: 'SUBJECT_ALL',
};
const BLACKLIST_TYPES: Record<string, BlacklistType> = {
  client_id: 'BLACKLIST_CLIENT_ID',
  user: 'BLACKLIST_USER',
  ip: 'BLACKLIST_IP',
  cidr: 'BLACKLIST_CIDR',
};

export class MySqlAuthStorage implements AuthStorageAdapter {
  private constructor(
    private readonly pool: Pool,
    private readonly tables: AuthTables,
    private readonly logger: Logger,
  ) {}

  static async open(o: MySqlAuthOptions, logger: Logger): Promise<MySqlAuthStorage> {
    const where = `${o.user}@${o.host}:${o.port}/${o.database}`;
    const { pool } = await openMySqlPool(
      { ...o, password: o.password === '' ? undefined : o.password, connectTimeoutMs: TIMEOUT_MS },
      async (bootstrap) => {
        for (const ddl of authSchemaDdl(o.tables)) await bootstrap.query(ddl);
      },
      (err) =>
        new Error(
          `[auth] storage = "mysql": cannot open the auth tables on ${where} (${mysqlReason(err)}); check that the ` +
            `server is running and reachable ([auth] mysql_url or mysql_host/mysql_port) and that the user may ` +
            `create tables`,
          { cause: err },
        ),
    );
    return new MySqlAuthStorage(pool, o.tables, logger);
  }

  async authenticate(
    username: string,
    password: string,
  ): Promise<{ authenticated: boolean; superuser: boolean }> {
    const [rows] = await this.pool.query<RowDataPacket[]>({
      sql: `SELECT password_hash, is_superuser FROM ${this.pool.escapeId(this.tables.user)} WHERE username = ?`,
      values: [username],
      timeout: TIMEOUT_MS,
    });
    const row = rows[0];
    if (!row) return { authenticated: await verifyAgainstNothing(password), superuser: false };
    let stored;
    try {
      stored = parsePasswordHash(String(row.password_hash));
    } catch (err) {
      // an operator's typo in one row must not look like an outage: that user cannot log in, and the log says why
      this.logger.warn(
        { username, table: this.tables.user, err: (err as Error).message },
        'MySQL user has an unreadable password_hash',
      );
      return { authenticated: await verifyAgainstNothing(password), superuser: false };
    }
    const ok = await verifyPassword(password, stored);
    return { authenticated: ok, superuser: ok && Number(row.is_superuser) !== 0 };
  }

  async listAcl(): Promise<AclRule[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>({
      sql: `SELECT id, permission, action, subject_type, subject_value, topic, priority FROM ${this.pool.escapeId(this.tables.acl)}`,
      timeout: TIMEOUT_MS,
    });
    const rules: AclRule[] = [];
    for (const row of rows) {
      const permission = String(row.permission).toUpperCase();
      const action = ACTIONS[String(row.action)];
      const subjectType = SUBJECTS[String(row.subject_type)];
      const topicFilter = String(row.topic ?? '');
      if (
        (permission !== 'ALLOW' && permission !== 'DENY') ||
        !action ||
        !subjectType ||
        topicFilter === ''
      ) {
        this.logger.warn(
          { table: this.tables.acl, id: String(row.id) },
          'skipping an ACL row the broker cannot read',
        );
        continue;
      }
      rules.push({
        id: String(row.id).padStart(20, '0'), // ties in priority fall back to id order, compared as strings
        permission,
        action,
        subjectType,
        subjectValue: String(row.subject_value ?? ''),
        topicFilter,
        priority: Number(row.priority),
      });
    }
    return rules;
  }

  async listBlacklist(): Promise<BlacklistEntry[]> {
    // the server converts expires_at to epoch ms itself, so the broker's and the server's time zones never matter
    const [rows] = await this.pool.query<RowDataPacket[]>({
      sql: `SELECT id, type, value, CAST(ROUND(UNIX_TIMESTAMP(expires_at) * 1000) AS SIGNED) AS expires_ms
              FROM ${this.pool.escapeId(this.tables.blacklist)}`,
      timeout: TIMEOUT_MS,
    });
    const entries: BlacklistEntry[] = [];
    for (const row of rows) {
      const type = BLACKLIST_TYPES[String(row.type)];
      if (!type || !row.value) {
        this.logger.warn(
          { table: this.tables.blacklist, id: String(row.id) },
          'skipping a blacklist row the broker cannot read',
        );
        continue;
      }
      entries.push({
        type,
        value: String(row.value),
        expiresAtMs: row.expires_ms === null ? 0 : Number(row.expires_ms),
      });
    }
    return entries;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
