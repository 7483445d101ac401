// `[auth] storage = "mysql"` end to end: a private MariaDB (the storage-adapter package's startMariaDb), a real broker
// whose users, ACL rules and blacklist live in MySQL tables it creates on start, rows written with plain SQL as an
// operator would, and MQTT.js clients checking the answers: CONNACK 0x86 / 4 for a bad password, SUBACK and PUBACK
// 0x87 for an ACL deny, 0x8A for a blacklisted client, a change picked up after the refresh interval; plus the
// start-up errors for an unknown storage type and an unreachable MySQL, and the hash-password tool of the how-to.
// Also `[storage] type = "mysql"`: the broker's messages and sessions in the same database, across a restart.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPasswordHash, hashPassword } from '@robustmq/common';
import {
  dropDatabase,
  freshDatabaseName,
  mysqlTestMode,
  startMariaDb,
  type MariaDbServer,
} from '@robustmq/storage-adapter/testing';
import { loadMqttBrokerConfig, startMqttBroker } from '../src/index.js';
import {
  buildOnce,
  collect,
  connackCode,
  connectClient,
  connectResult as connect,
  freePort,
  sleep,
  tempDir,
  testScope,
} from '@robustmq/testing';
import { startTestBroker } from '@robustmq/testing/broker';

const REFRESH_MS = 300;
const mode = mysqlTestMode(); // throws, with the apt-get hint, when MariaDB is missing and skipping was not asked for
const run = promisify(execFile);
const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
/** CONNECT options of `username` logging in with `password`. */
const login = (username: string, password: string, clientId: string, protocolVersion: 4 | 5 = 5) => ({
  protocolVersion,
  clientId,
  username,
  password,
});
/** CONNECT options of the user every test starts with. */
const alice = (clientId: string, protocolVersion: 4 | 5 = 5) =>
  login('alice', 'wonderland', clientId, protocolVersion);

function brokerConfig(auth: Record<string, unknown>, dataDir: string) {
  return loadMqttBrokerConfig({
    env: {},
    overrides: {
      node: { data_dir: dataDir },
      network: { host: '127.0.0.1', tcp_port: 0, http_port: 0, ws_enabled: false },
      placement: { enabled: false },
      storage: { type: 'memory' },
      mqtt: { sys_interval_s: 0 },
      auth: authSection(auth),
      log: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
    },
  });
}

function authSection(auth: Record<string, unknown>) {
  return {
    storage: 'mysql',
    allow_anonymous: false,
    acl_default: 'allow',
    refresh_interval_ms: REFRESH_MS,
    ...auth,
  };
}

if (mode === 'skip') {
  describe.skip('MySQL auth storage (ROBUSTMQ_SKIP_MYSQL=1 and MariaDB is not installed)', () => {
    it('needs MariaDB', () => {});
  });
} else {
  const scope = testScope();
  let server: MariaDbServer;
  let database: string;
  let sql: Connection;
  let url: string;
  const dataDir = tempDir('auth-mysql', scope);

  const addUser = async (username: string, password: string, superuser = false) =>
    sql.query('INSERT INTO mqtt_user (username, password_hash, is_superuser) VALUES (?, ?, ?)', [
      username,
      formatPasswordHash(await hashPassword(password)),
      superuser ? 1 : 0,
    ]);

  beforeAll(async () => {
    server = await startMariaDb();
    database = freshDatabaseName('robustmq_auth');
    // the broker creates the database and its tables on start
    const broker = await startTestBroker(
      {},
      {
        storage: 'memory',
        sections: { auth: authSection({ mysql_url: `${server.url}/${database}`, mysql_pool_size: 2 }) },
      },
    );
    scope.add(broker);
    url = broker.url;
    sql = await createConnection({ uri: `${server.url}/${database}` });
    await addUser('alice', 'wonderland');
    await addUser('root', 'toor', true);
    await sql.query(
      `INSERT INTO mqtt_acl (permission, action, subject_type, subject_value, topic, priority) VALUES
         ('allow', 'all', 'user', 'alice', 'users/%u/#', 1),
         ('deny', 'all', 'all', '', 'users/#', 2),
         ('deny', 'publish', 'client_id', 'ro', '#', 3)`,
    );
    await sql.query(
      `INSERT INTO mqtt_blacklist (type, value, expires_at) VALUES
         ('client_id', 'evil', NULL),
         ('user', 'alice', NOW() - INTERVAL 1 HOUR)`,
    );
    await sleep(REFRESH_MS * 3);
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await scope.close(); // the broker, before its database goes
    if (server && database) await dropDatabase(server.url, database);
    await server?.stop();
  }, 60_000);

  describe('MySQL auth storage', () => {
    it('creates its tables on start', async () => {
      const [rows] = await sql.query<RowDataPacket[]>('SHOW TABLES');
      expect(rows.map((r) => Object.values(r)[0]).sort()).toEqual([
        'mqtt_acl',
        'mqtt_blacklist',
        'mqtt_user',
      ]);
    });

    it('accepts a MySQL user with the right password and refuses a wrong one (0x86 in 5.0, 4 in 3.1.1)', async () => {
      for (const protocolVersion of [5, 4] as const)
        expect(await connackCode(url, alice(`good${protocolVersion}`, protocolVersion))).toBe(0);
      expect(await connackCode(url, login('alice', 'nope', 'b5'))).toBe(0x86);
      expect(await connackCode(url, login('alice', 'nope', 'b4', 4))).toBe(4);
      expect(await connackCode(url, login('nobody', 'x', 'u5'))).toBe(0x86);
      // anonymous clients are refused with allow_anonymous = false
      expect(await connackCode(url, { protocolVersion: 5, clientId: 'anon' })).toBe(0x87);
    });

    it('refuses a subscribe and a publish an ACL row denies (SUBACK / PUBACK 0x87) and lets a superuser through', async () => {
      const { client, code } = await connect(url, alice('a1'));
      expect(code).toBe(0);
      expect((await client.subscribeAsync('users/alice/inbox', { qos: 1 })).map((g) => g.qos)).toEqual([1]);
      await expect(client.subscribeAsync('users/bob/inbox', { qos: 1 })).rejects.toMatchObject({
        packet: { granted: [0x87] },
      });
      await expect(client.publishAsync('users/alice/inbox', 'mine', { qos: 1 })).resolves.toBeDefined();
      await expect(client.publishAsync('users/bob/inbox', 'theirs', { qos: 1 })).rejects.toMatchObject({
        code: 0x87,
      });
      await client.endAsync();

      // the client_id subject: 'ro' may subscribe but not publish
      const ro = await connect(url, alice('ro'));
      expect(ro.code).toBe(0);
      await expect(ro.client.publishAsync('free/topic', 'x', { qos: 1 })).rejects.toMatchObject({
        code: 0x87,
      });
      expect((await ro.client.subscribeAsync('free/topic', { qos: 1 })).map((g) => g.qos)).toEqual([1]);
      await ro.client.endAsync();

      const root = await connect(url, login('root', 'toor', 'r1'));
      expect(root.code).toBe(0);
      expect((await root.client.subscribeAsync('users/bob/inbox', { qos: 1 })).map((g) => g.qos)).toEqual([
        1,
      ]);
      await expect(root.client.publishAsync('users/bob/inbox', 'admin', { qos: 1 })).resolves.toBeDefined();
      await root.client.endAsync();
    });

    it('refuses a blacklisted client id (0x8A in 5.0, 5 in 3.1.1) but not an expired entry', async () => {
      expect(await connackCode(url, alice('evil'))).toBe(0x8a);
      expect(await connackCode(url, alice('evil', 4))).toBe(5);
      // alice's user entry expired an hour ago
      expect(await connackCode(url, alice('fine'))).toBe(0);
    });

    it('picks up rows changed in MySQL after the refresh interval', async () => {
      const carol = await connect(url, alice('c1'));
      expect(carol.code).toBe(0);
      expect((await carol.client.subscribeAsync('news/today', { qos: 1 })).map((g) => g.qos)).toEqual([1]);

      await sql.query(
        "INSERT INTO mqtt_acl (permission, action, subject_type, subject_value, topic, priority) VALUES ('deny', 'subscribe', 'all', '', 'news/#', 0)",
      );
      await sql.query("INSERT INTO mqtt_blacklist (type, value) VALUES ('client_id', 'late')");
      await sleep(REFRESH_MS * 3);
      await expect(carol.client.subscribeAsync('news/today', { qos: 1 })).rejects.toMatchObject({
        packet: { granted: [0x87] },
      });
      await carol.client.endAsync();
      expect(await connackCode(url, alice('late'))).toBe(0x8a);

      // passwords are checked against the table on each CONNECT: a new user counts at once
      await addUser('dave', 'new-user');
      expect(await connackCode(url, login('dave', 'new-user', 'd1'))).toBe(0);

      await sql.query("DELETE FROM mqtt_blacklist WHERE value = 'late'");
      await sleep(REFRESH_MS * 3);
      expect(await connackCode(url, alice('late'))).toBe(0);
    });

    it('refuses a user whose password_hash is not a hash, without failing other users', async () => {
      await sql.query("INSERT INTO mqtt_user (username, password_hash) VALUES ('typo', 'plaintext')");
      expect(await connackCode(url, login('typo', 'plaintext', 't1'))).toBe(0x86);
      expect(await connackCode(url, alice('t2'))).toBe(0);
    });

    it('accepts a user created with the hash-password tool, and the broker process refuses an unknown storage type', async () => {
      await buildOnce();
      const { stdout } = await run(process.execPath, [dist('auth/hash-password.js'), 's3cret']);
      await sql.query('INSERT INTO mqtt_user (username, password_hash) VALUES (?, ?)', [
        'erin',
        stdout.trim(),
      ]);
      expect(await connackCode(url, login('erin', 's3cret', 'e1', 4))).toBe(0);

      const failed = await run(process.execPath, [dist('main.js')], {
        env: { ...process.env, ROBUSTMQ_AUTH_STORAGE: 'ldap', ROBUSTMQ_PLACEMENT_ENABLED: 'false' },
      }).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stderr).toMatch(/auth\.storage.*must be one of "placement", "mysql"/);
    }, 180_000);
  });

  describe('start-up errors', () => {
    it('names the valid storage types for an unknown [auth] storage', async () => {
      expect(() => loadMqttBrokerConfig({ env: { ROBUSTMQ_AUTH_STORAGE: 'ldap' } })).toThrow(
        /auth\.storage.*must be one of "placement", "mysql"/,
      );
      // a config built in code, past the schema, is refused by the broker itself
      const config = { ...brokerConfig({}, dataDir) };
      config.auth = { ...config.auth, storage: 'ldap' as never };
      await expect(startMqttBroker(config)).rejects.toThrow(
        /unknown \[auth\] storage "ldap"; valid: "placement", "mysql"/,
      );
    });

    it('fails clearly when MySQL cannot be reached, and leaves nothing listening', async () => {
      const port = await freePort();
      const config = brokerConfig(
        { mysql_host: '127.0.0.1', mysql_port: port, mysql_database: 'unreachable' },
        dataDir,
      );
      const started = Date.now();
      await expect(startMqttBroker(config)).rejects.toThrow(
        new RegExp(
          `\\[auth\\] storage = "mysql": cannot open the auth tables on root@127\\.0\\.0\\.1:${port}/unreachable \\(ECONNREFUSED`,
        ),
      );
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it('connects as a MySQL user whose password comes from mysql_password, and names the failure when it is wrong', async () => {
      const user = `rmq_${process.pid}`;
      await sql.query(`CREATE USER IF NOT EXISTS ?@'127.0.0.1' IDENTIFIED BY 'p4ss'`, [user]);
      await sql.query(`GRANT ALL PRIVILEGES ON ${sql.escapeId(database)}.* TO ?@'127.0.0.1'`, [user]);
      try {
        const where = new URL(server.url);
        const url = `mysql://${user}@${where.hostname}:${where.port}/${database}`;
        const other = await startMqttBroker(
          brokerConfig({ mysql_url: url, mysql_password: 'p4ss' }, dataDir),
        );
        try {
          const ok = await connect(`mqtt://127.0.0.1:${other.ports.mqtt}`, alice('pw1'));
          expect(ok.code).toBe(0);
          await ok.client.endAsync();
        } finally {
          await other.close();
        }
        await expect(
          startMqttBroker(brokerConfig({ mysql_url: url, mysql_password: 'wrong' }, dataDir)),
        ).rejects.toThrow(
          /\[auth\] storage = "mysql": cannot open the auth tables on .*ER_ACCESS_DENIED_ERROR/,
        );
      } finally {
        await sql.query(`DROP USER IF EXISTS ?@'127.0.0.1'`, [user]);
      }
    });

    it('refuses a malformed mysql_url and table name, naming the key', () => {
      expect(() => loadMqttBrokerConfig({ env: { ROBUSTMQ_AUTH_MYSQL_URL: 'http://x/y' } })).toThrow(
        /auth\.mysql_url.*mysql:\/\//,
      );
      expect(() => loadMqttBrokerConfig({ env: { ROBUSTMQ_AUTH_MYSQL_ACL_TABLE: 'acl; DROP' } })).toThrow(
        /auth\.mysql_acl_table/,
      );
    });
  });

  describe('MySQL message storage', () => {
    it('[storage] type = "mysql" keeps messages and sessions in the database of the [auth] mysql_* keys, across a restart', async () => {
      const broker = await startTestBroker(
        {},
        {
          storage: 'memory',
          sections: {
            storage: { type: 'mysql' },
            auth: authSection({ mysql_url: `${server.url}/${database}`, mysql_pool_size: 2 }),
          },
        },
      );
      try {
        const sub = await connectClient(broker.url, {
          ...login('root', 'toor', 'mysql-sub', 4),
          clean: false,
        });
        await sub.subscribeAsync('stored/t', { qos: 1 });
        await sub.endAsync();
        const pub = await connectClient(broker.url, login('root', 'toor', 'mysql-pub', 4));
        await Promise.all(
          Array.from({ length: 100 }, (_, i) => pub.publishAsync('stored/t', String(i), { qos: 1 })),
        );
        await pub.endAsync();
        const [shards] = await sql.query<RowDataPacket[]>(
          'SELECT name, next_offset FROM rmq_shards ORDER BY name',
        );
        expect(shards.find((r) => String(r.name) === 'mqtt-messages')?.next_offset).toBeGreaterThanOrEqual(
          100,
        );
        await broker.restart();
        // listening before CONNECT: the queued messages may arrive in the CONNACK's read
        let got!: ReturnType<typeof collect>;
        const again = await connectClient(
          broker.url,
          { ...login('root', 'toor', 'mysql-sub', 4), clean: false },
          undefined,
          (c) => (got = collect(c)),
        );
        expect((await got.waitFor(100, 10_000)).map((m) => Number(m.payload))).toEqual(
          Array.from({ length: 100 }, (_, i) => i),
        );
        await again.endAsync();
      } finally {
        await broker.stop();
      }
    });
  });
}
