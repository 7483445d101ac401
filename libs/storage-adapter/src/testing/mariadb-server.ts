// Test support: a private MariaDB server per test run, so the mysql tests (this package's storage adapter, the
// broker's MySQL auth storage) never depend on (or touch) a system service. Exported from
// @robustmq/storage-adapter/testing (never the package index) so every project's tests start MariaDB the same way. It initialises a temp data dir with
// mariadb-install-db, starts mariadbd on a free 127.0.0.1 port, waits until it accepts connections, and on stop()
// sends SIGTERM, waits for the exit and removes the dir.
//
// Environment:
//   ROBUSTMQ_MYSQL_URL=mysql://user:pass@host:port   use that server instead of starting one (the user must be allowed
//                                                     to CREATE and DROP databases)
//   ROBUSTMQ_SKIP_MYSQL=1                             skip the mysql tests when MariaDB is not installed
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createConnection } from 'mysql2/promise';

export interface MariaDbServer {
  /** mysql://user:password@host:port — without a database; tests append their own. */
  url: string;
  /** stops the server and removes its data dir (a no-op for ROBUSTMQ_MYSQL_URL). */
  stop(): Promise<void>;
}

export const MARIADB_INSTALL_HINT =
  'MariaDB is not installed: the mysql tests start a private MariaDB server and need the binaries ' +
  '`mariadbd` and `mariadb-install-db`. Install them with `apt-get install mariadb-server` (no running service is ' +
  'needed), or point the tests at a server with ROBUSTMQ_MYSQL_URL=mysql://user:pass@host:3306, or set ' +
  'ROBUSTMQ_SKIP_MYSQL=1 to skip these tests.';

function findBinary(names: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/usr/local/sbin'];
  for (const name of names) {
    for (const dir of dirs) {
      if (!dir) continue;
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not in this directory
      }
    }
  }
  return undefined;
}

interface Binaries {
  server: string;
  installDb: string;
}

function findBinaries(): Binaries | undefined {
  const server = findBinary(['mariadbd', 'mysqld']);
  const installDb = findBinary(['mariadb-install-db', 'mysql_install_db']);
  return server && installDb ? { server, installDb } : undefined;
}

/**
 * what the mysql tests should do on this machine: use a given server, start a private one, or skip. Throws with
 * MARIADB_INSTALL_HINT when MariaDB is missing and skipping was not asked for, so a CI machine without it fails loudly.
 */
export function mysqlTestMode(): 'url' | 'private' | 'skip' {
  if (process.env.ROBUSTMQ_MYSQL_URL) return 'url';
  if (findBinaries()) return 'private';
  if (process.env.ROBUSTMQ_SKIP_MYSQL === '1') return 'skip';
  throw new Error(MARIADB_INSTALL_HINT);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${command} failed (${signal ?? `exit ${code}`}); its output (${logFile}):\n${output.slice(-4000)}`,
          ),
        );
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function tail(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).slice(-4000);
  } catch {
    return '(no log)';
  }
}

/** starts a private MariaDB (or returns the ROBUSTMQ_MYSQL_URL server). Call stop() in afterAll. */
export async function startMariaDb(): Promise<MariaDbServer> {
  const given = process.env.ROBUSTMQ_MYSQL_URL;
  if (given) return { url: given.replace(/\/+$/, ''), stop: async () => {} };
  const binaries = findBinaries();
  if (!binaries) throw new Error(MARIADB_INSTALL_HINT);

  const dir = await mkdtemp(join(tmpdir(), 'robustmq-mariadb-'));
  const dataDir = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // mariadbd refuses to run as root unless told to; as anyone else it runs as that user
  const userArgs = asRoot ? ['--user=root'] : [];
  // small redo log and buffer pool: this server holds a few MB of test data
  const sizing = ['--innodb-log-file-size=16M', '--innodb-buffer-pool-size=64M'];
  try {
    await run(
      binaries.installDb,
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
        ...userArgs,
        ...sizing,
      ],
      join(dir, 'install.log'),
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const logFile = join(dir, 'server.log');
    const child = spawn(
      binaries.server,
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'sock')}`,
        `--pid-file=${join(dir, 'mariadbd.pid')}`,
        `--log-error=${logFile}`,
        ...userArgs,
        '--skip-log-bin',
        '--skip-name-resolve',
        // the adapter's durability promise rests on this: a COMMIT is on disk before it is acknowledged
        '--innodb-flush-log-at-trx-commit=1',
        '--max-connections=500',
        ...sizing,
      ],
      { stdio: 'ignore' },
    );
    // a crashed test run must not leave a server behind
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const url = `mysql://root@127.0.0.1:${port}`;
    const stop = async () => {
      process.removeListener('exit', killOnExit);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited(child);
      clearTimeout(timer);
    };
    try {
      await waitUntilReady(child, port, logFile);
      return {
        url,
        stop: async () => {
          await stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      await stop();
      const log = await tail(logFile);
      // another process may have taken the port between freePort() and the bind: try a new one
      if (attempt < 3 && /Address already in use|Can't start server: Bind/i.test(log)) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`${(err as Error).message}\nmariadbd log (${logFile}):\n${log}`, { cause: err });
    }
  }
}

async function waitUntilReady(child: ChildProcess, port: number, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `mariadbd exited (${child.signalCode ?? `exit ${child.exitCode}`}) before accepting connections`,
      );
    }
    try {
      const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 2_000 });
      await conn.end();
      return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `mariadbd did not accept connections on 127.0.0.1:${port} within 60 s (last error: ${String(lastError)}); ` +
      `see ${logFile}`,
  );
}

/** a database name no other test run uses. */
export function freshDatabaseName(prefix = 'robustmq_test'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** drops a database the tests created, through a connection of its own. */
export async function dropDatabase(url: string, database: string): Promise<void> {
  const conn = await createConnection({ uri: url });
  try {
    await conn.query(`DROP DATABASE IF EXISTS ${conn.escapeId(database)}`);
  } finally {
    await conn.end();
  }
}
