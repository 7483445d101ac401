#!/usr/bin/env node
// `robustmq`: the command that runs RobustMQ. `robustmq start` runs all three services in this process.
import { ConfigError, InvalidArgumentError, cliProgram } from '@robustmq/common';
import { resolve } from 'node:path';
import { probeHealth, readPortsFile, removePortsFile, writePortsFile } from './health.js';
import { ROLES, startServices, type Role } from './start.js';
import { ClusterError, clusterDown, clusterStatus, clusterUp } from './cluster/local-cluster.js';
import { MAX_MEMBERS } from './cluster/topology.js';

function parseRoles(value: string): Role[] {
  const roles = value.split(',').map((r) => r.trim());
  for (const role of roles) {
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new InvalidArgumentError(`unknown role "${role}"; valid roles: ${ROLES.join(', ')}`);
    }
  }
  return roles as Role[];
}

// usage errors exit 2, like a bad configuration, so scripts can tell them from a failed start (cliProgram)
const program = cliProgram('robustmq', 'RobustMQ-TS: a cloud-native message queue').version('0.1.0');

program
  .command('start')
  .description('start services in this process (default: all three, single node, data under ./data)')
  .option('-r, --roles <roles>', `comma-separated roles to run (${ROLES.join(', ')})`, parseRoles, [...ROLES])
  .option('-d, --data-dir <dir>', "parent directory of every role's data", './data')
  .option('-c, --config-dir <dir>', 'directory holding <role>.toml config files', './config')
  .option(
    '-p, --placement <addresses>',
    'placement gRPC addresses (host:port,...) when no placement role runs here',
    (v) => v.split(',').map((a) => a.trim()),
  )
  .option('-l, --log-level <level>', 'log level for every role (overrides config)')
  .action(
    async (opts: {
      roles: Role[];
      dataDir: string;
      configDir: string;
      placement?: string[];
      logLevel?: string;
    }) => {
      let services: Awaited<ReturnType<typeof startServices>>;
      try {
        services = await startServices({
          roles: opts.roles,
          dataDir: opts.dataDir,
          configDir: opts.configDir,
          ...(opts.placement ? { placement: opts.placement } : {}),
          ...(opts.logLevel ? { logLevel: opts.logLevel } : {}),
        });
      } catch (err) {
        process.stderr.write(
          `robustmq: ${err instanceof ConfigError ? '' : 'failed to start: '}${(err as Error).message}\n`,
        );
        process.exit(err instanceof ConfigError ? 2 : 1);
      }
      const dataDir = resolve(opts.dataDir);
      try {
        writePortsFile(dataDir, {
          pid: process.pid,
          roles: opts.roles,
          ports: services.ports as Record<string, Record<string, number>>,
        });
      } catch (err) {
        process.stderr.write(
          `robustmq: cannot write the ports file for \`robustmq health\`: ${(err as Error).message}\n`,
        );
      }
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) process.exit(130);
        stopping = true;
        process.stderr.write(`robustmq: ${signal} received, stopping\n`);
        removePortsFile(dataDir);
        services.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`robustmq: error while stopping: ${(err as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    },
  );

program
  .command('health')
  .description(
    'exit 0 when every role of the `robustmq start` using this data dir answers 200 on /health (container probe)',
  )
  .option('-d, --data-dir <dir>', 'the data dir given to `robustmq start`', './data')
  .option('--host <host>', 'host the HTTP ports are reached at', '127.0.0.1')
  .option('--timeout <ms>', 'per-request timeout', (v) => positiveInt('--timeout', v), 3000)
  .action(async (opts: { dataDir: string; host: string; timeout: number }) => {
    let results;
    try {
      results = await probeHealth(readPortsFile(resolve(opts.dataDir)), opts.host, opts.timeout);
    } catch (err) {
      process.stderr.write(`robustmq health: ${(err as Error).message}\n`);
      process.exit(1);
    }
    for (const r of results)
      process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.role} ${r.url}: ${r.detail}\n`);
    process.exit(results.every((r) => r.ok) ? 0 : 1);
  });

const cluster = program
  .command('cluster')
  .description(
    'a multi-node cluster as local processes on loopback (the docker-compose topology without Docker)',
  );

cluster
  .command('up')
  .description(
    'start placement members, journal servers and brokers, each `robustmq start --roles <kind>` in its own process',
  )
  .option('--dir <dir>', 'cluster dir: one data dir and log per member, and cluster.json', './data/cluster')
  .option('-c, --config-dir <dir>', 'directory holding <role>.toml config files', './config')
  .option(
    '--placement <n>',
    'placement-center members (1 = no Raft)',
    (v) => memberCount('--placement', v, 1),
    3,
  )
  .option('--journal <n>', 'journal servers', (v) => memberCount('--journal', v, 0), 3)
  .option('--brokers <n>', 'MQTT brokers', (v) => memberCount('--brokers', v, 0), 3)
  .option(
    '--kafka-brokers <n>',
    'Kafka brokers (need --journal >= 1)',
    (v) => memberCount('--kafka-brokers', v, 0),
    0,
  )
  .option(
    '--port-offset <n>',
    'added to every port (member n of a kind: default port + 10·(n-1) + offset)',
    (v) => portOffset(v),
    0,
  )
  .option('--host <host>', 'bind and advertise host', '127.0.0.1')
  .option(
    '--timeout <ms>',
    'how long to wait for every member to be healthy',
    (v) => positiveInt('--timeout', v),
    60_000,
  )
  .action(
    async (opts: {
      dir: string;
      configDir: string;
      placement: number;
      journal: number;
      brokers: number;
      kafkaBrokers: number;
      portOffset: number;
      host: string;
      timeout: number;
    }) => {
      const print = (line: string) => process.stdout.write(`${line}\n`);
      try {
        const record = await clusterUp({ ...opts, timeoutMs: opts.timeout, print });
        print(`cluster up (${record.members.length} processes); robustmq cluster status --dir ${opts.dir}`);
        const endpoints = (kind: string, key: string) =>
          record.members
            .filter((m) => m.kind === kind)
            .map((m) => `${opts.host}:${m.ports[key]}`)
            .join(', ');
        print(`  placement admin HTTP: ${endpoints('placement-center', 'http_port')}`);
        if (opts.brokers) print(`  MQTT (TCP):           ${endpoints('mqtt-broker', 'tcp_port')}`);
        if (opts.kafkaBrokers) print(`  Kafka:                ${endpoints('kafka-broker', 'port')}`);
      } catch (err) {
        process.stderr.write(`robustmq cluster up: ${(err as Error).message}\n`);
        process.exit(1);
      }
    },
  );

cluster
  .command('status')
  .description('each member: running, healthy, ports (exit 1 when any is down)')
  .option('--dir <dir>', 'cluster dir given to `cluster up`', './data/cluster')
  .action(async (opts: { dir: string }) => {
    try {
      const { members } = await clusterStatus(opts.dir);
      const rows = members.map((m) => [
        m.name,
        String(m.pid),
        m.alive ? (m.healthy ? 'healthy' : 'unhealthy') : 'down',
        m.endpoints,
        m.detail,
      ]);
      const header = ['MEMBER', 'PID', 'STATE', 'PORTS', 'HEALTH'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const row of [header, ...rows])
        process.stdout.write(
          row
            .map((c, i) => c.padEnd(widths[i]!))
            .join('  ')
            .trimEnd() + '\n',
        );
      process.exit(members.every((m) => m.healthy) ? 0 : 1);
    } catch (err) {
      process.stderr.write(`robustmq cluster status: ${(err as Error).message}\n`);
      process.exit(err instanceof ClusterError ? 1 : 2);
    }
  });

cluster
  .command('down')
  .description('stop every member (brokers, then journal servers, then placement)')
  .option('--dir <dir>', 'cluster dir given to `cluster up`', './data/cluster')
  .option('--purge', 'also delete the cluster dir (all data and logs)', false)
  .action(async (opts: { dir: string; purge: boolean }) => {
    const stopped = await clusterDown(opts.dir, {
      purge: opts.purge,
      print: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`${stopped} member(s) stopped${opts.purge ? `, ${opts.dir} deleted` : ''}\n`);
  });

function memberCount(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > MAX_MEMBERS)
    throw new InvalidArgumentError(`${flag} must be an integer from ${min} to ${MAX_MEMBERS}`);
  return n;
}

function portOffset(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 50_000)
    throw new InvalidArgumentError('--port-offset must be an integer from 0 to 50000');
  return n;
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive integer`);
  return n;
}

await program.parseAsync();
