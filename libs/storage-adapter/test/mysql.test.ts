// Runs the StorageAdapter conformance suite against the mysql adapter on a private MariaDB server started for this
// run (src/testing/mariadb-server.ts; or ROBUSTMQ_MYSQL_URL), each test in a fresh database dropped afterwards, plus what
// only this adapter promises: group commit, several adapters on one database, cross-process long polls, and never
// acknowledging a write whose connection was lost.
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runStorageConformance } from '../src/testing/conformance-suite.js';
import { expectAppendsCoalesced } from '../src/testing/group-commit-check.js';
import { createStorageAdapter } from '../src/factory.js';
import { MemoryStorageAdapter } from '../src/memory-adapter.js';
import { MySqlStorageAdapter } from '../src/mysql-adapter.js';
import {
  dropDatabase,
  freshDatabaseName,
  mysqlTestMode,
  startMariaDb,
  type MariaDbServer,
} from '../src/testing/mariadb-server.js';

const mode = mysqlTestMode(); // throws, with the apt-get hint, when MariaDB is missing and skipping was not asked for

if (mode === 'skip') {
  describe.skip('mysql storage adapter (ROBUSTMQ_SKIP_MYSQL=1 and MariaDB is not installed)', () => {
    it('needs MariaDB', () => {});
  });
} else {
  let server: MariaDbServer;
  beforeAll(async () => {
    const started = Date.now();
    server = await startMariaDb();
    console.log(
      `mysql tests: ${mode === 'url' ? 'using' : 'started'} ${server.url} in ${Date.now() - started} ms`,
    );
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  const open = (database: string, extra: { pollIntervalMs?: number; queryTimeoutMs?: number } = {}) =>
    MySqlStorageAdapter.open({ url: `${server.url}/${database}`, poolSize: 4, ...extra });

  runStorageConformance('mysql', async () => {
    const database = freshDatabaseName();
    let current = await open(database);
    return {
      adapter: current,
      reopen: async () => {
        await current.close();
        current = await open(database);
        return current;
      },
      corrupt: async (shard, offset) => {
        const conn = await createConnection({ uri: `${server.url}/${database}` });
        try {
          const [rows] = await conn.query<RowDataPacket[]>(
            `SELECT r.shard_id, r.payload FROM rmq_records r JOIN rmq_shards s ON s.id = r.shard_id
              WHERE s.name = ? AND r.\`offset\` = ?`,
            [Buffer.from(shard), offset],
          );
          const row = rows[0];
          if (!row) throw new Error(`test setup: no record ${offset} in shard ${shard}`);
          const payload = Buffer.from(row.payload as Buffer);
          payload[payload.length - 1]! ^= 0xff;
          await conn.query('UPDATE rmq_records SET payload = ? WHERE shard_id = ? AND `offset` = ?', [
            payload,
            row.shard_id,
            offset,
          ]);
        } finally {
          await conn.end();
        }
        return current;
      },
      cleanup: async () => {
        await current.close();
        await dropDatabase(server.url, database);
      },
    };
  });

  describe('MySqlStorageAdapter specifics', () => {
    let database: string;
    const opened: MySqlStorageAdapter[] = [];
    const track = async (p: Promise<MySqlStorageAdapter>) => {
      const adapter = await p;
      opened.push(adapter);
      return adapter;
    };
    beforeEach(() => {
      database = freshDatabaseName();
    });
    afterEach(async () => {
      for (const adapter of opened.splice(0)) await adapter.close();
      await dropDatabase(server.url, database);
    });

    it('coalesces concurrent appends to a shard into one transaction (group commit)', async () => {
      await expectAppendsCoalesced(await track(open(database)));
    });

    it('keeps offsets dense when two adapters (processes) append to the same shard', async () => {
      const a = await track(open(database));
      const b = await track(open(database));
      await a.createShard('s');
      const appendMany = (adapter: MySqlStorageAdapter, tag: string) =>
        Promise.all(
          Array.from({ length: 10 }, async (_, p) => {
            const got: number[] = [];
            for (let i = 0; i < 10; i++) {
              got.push(
                ...(await adapter.append('s', [
                  { payload: Buffer.from(`${tag}${p}:${i}`) },
                  { payload: Buffer.from('x') },
                ])),
              );
            }
            return got;
          }),
        );
      const [fromA, fromB] = await Promise.all([appendMany(a, 'a'), appendMany(b, 'b')]);
      const all = [...fromA.flat(), ...fromB.flat()].sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: 400 }, (_, i) => i));
      expect((await b.describeShard('s')).nextOffset).toBe(400);
      expect((await a.read('s', 0, { maxRecords: 1000 })).map((r) => r.offset)).toEqual(all);
    });

    it("wakes a long poll for another adapter's append within the poll interval", async () => {
      const reader = await track(open(database, { pollIntervalMs: 100 }));
      const writer = await track(open(database));
      await writer.createShard('s');
      const waiting = reader.read('s', 0, { waitMs: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 150));
      const appendedAt = Date.now();
      await writer.append('s', [{ payload: Buffer.from('elsewhere') }]);
      const got = await waiting;
      expect(got.map((r) => r.payload.toString())).toEqual(['elsewhere']);
      expect(Date.now() - appendedAt).toBeLessThan(1_000);
      // and a shard deleted by another adapter fails the waiting read
      const gone = reader.read('s', 1, { waitMs: 10_000 });
      const expectation = expect(gone).rejects.toMatchObject({ code: 'SHARD_NOT_FOUND' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await writer.deleteShard('s');
      await expectation;
    });

    it('rejects an append whose connection is lost mid-transaction with WRITE_FAILED and keeps offsets dense', async () => {
      const adapter = await track(open(database));
      await adapter.createShard('s');
      expect(await adapter.append('s', [{ payload: Buffer.from('kept') }])).toEqual([0]);
      const admin = await createConnection({ uri: `${server.url}/${database}` });
      try {
        // an uncommitted row at offset 1 makes the append's INSERT wait inside its transaction (the shard row is
        // locked, nothing is committed); then its connection is killed
        const [shards] = await admin.query<RowDataPacket[]>("SELECT id FROM rmq_shards WHERE name = 's'");
        await admin.query('START TRANSACTION');
        await admin.query(
          `INSERT INTO rmq_records (shard_id, \`offset\`, \`timestamp\`, tags, headers, payload, payload_size, crc)
           VALUES (?, 1, 0, '[]', '[]', '', 0, 0)`,
          [shards[0]!.id],
        );
        const lost = adapter.append('s', [{ payload: Buffer.from('lost') }]);
        const outcome = lost.then(
          () => 'acknowledged',
          (err: { code?: string; message?: string }) => `${err.code}: ${err.message}`,
        );
        let victim: number | undefined;
        for (let i = 0; i < 200 && victim === undefined; i++) {
          const [rows] = await admin.query<RowDataPacket[]>(
            "SELECT id FROM information_schema.processlist WHERE db = ? AND info LIKE 'INSERT INTO rmq_records (shard_id, `offset`, `timestamp`, record_key%'",
            [database],
          );
          victim = rows[0]?.id as number | undefined;
          if (victim === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(victim).toBeDefined();
        await admin.query(`KILL CONNECTION ${Number(victim)}`);
        expect(await outcome).toMatch(
          /^WRITE_FAILED: MySQL failed appending to shard 's' .*nothing of this write is acknowledged/,
        );
      } finally {
        await admin.query('ROLLBACK');
        await admin.end();
      }
      expect((await adapter.describeShard('s')).nextOffset).toBe(1);
      expect((await adapter.read('s', 0)).map((r) => r.payload.toString())).toEqual(['kept']);
      expect(await adapter.append('s', [{ payload: Buffer.from('next') }])).toEqual([1]);
    });

    it('commits the same group offset twice, and sees appends made by another adapter when checking the range', async () => {
      const a = await track(open(database));
      const b = await track(open(database));
      await a.createShard('s');
      await a.append('s', [{ payload: Buffer.from('0') }]);
      await a.commitOffset('g', 's', 1);
      await a.commitOffset('g', 's', 1);
      expect(await b.fetchOffset('g', 's')).toBe(1);
      await b.append('s', [{ payload: Buffer.from('1') }]);
      await a.commitOffset('g', 's', 2); // beyond anything a appended itself
      expect(await a.fetchOffset('g', 's')).toBe(2);
      await expect(a.commitOffset('g', 's', 3)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    });

    it('stores the same CRC as the memory adapter for the same record', async () => {
      const adapter = await track(open(database));
      const memory = new MemoryStorageAdapter();
      const record = {
        key: 'k/1',
        tags: ['a', 'b'],
        timestamp: 1_700_000_000_000,
        headers: [{ name: 'h', value: 'v' }],
        payload: Buffer.from('same bytes ✓'),
      };
      for (const s of [adapter, memory]) {
        await s.createShard('s');
        await s.append('s', [{ payload: Buffer.from('first') }, record]);
      }
      const [fromMysql] = await adapter.read('s', 1);
      const [fromMemory] = await memory.read('s', 1);
      await memory.close();
      expect(fromMysql!.crc).toBe(fromMemory!.crc);
      expect(fromMysql).toEqual(fromMemory);
    });

    it('is what createStorageAdapter builds for type mysql', async () => {
      const adapter = await createStorageAdapter({ type: 'mysql', url: `${server.url}/${database}` });
      try {
        expect(adapter.type).toBe('mysql');
        await adapter.createShard('s');
        expect((await adapter.listShards()).map((s) => s.name)).toEqual(['s']);
      } finally {
        await adapter.close();
      }
    });

    it('fails to open with UNAVAILABLE naming the server when nothing listens there', async () => {
      await expect(
        MySqlStorageAdapter.open({ host: '127.0.0.1', port: 1, database, queryTimeoutMs: 2_000 }),
      ).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/127\.0\.0\.1:1 .*ECONNREFUSED.*server is running/),
      });
    });
  });
}
