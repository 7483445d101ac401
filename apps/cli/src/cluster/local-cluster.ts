// `robustmq cluster up|down|status`: the compose topology (3 placement members, 3 journal servers, MQTT and Kafka
// brokers) as local processes on loopback, each a stock `robustmq start --roles <kind>` with its own ports (topology.ts), data dir and
// log file under one cluster dir — the way to try a real cluster on one machine without Docker. <dir>/cluster.json
// records the members and their pids, so `status` and `down` work from any later shell.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeHealth, readPortsFile } from '../health.js';
import { buildTopology, type MemberSpec, type TopologyOptions } from './topology.js';

const ROBUSTMQ = fileURLToPath(new URL('../robustmq.js', import.meta.url));
export const CLUSTER_FILE = 'cluster.json';

export interface RunningMember extends MemberSpec {
  pid: number;
  dataDir: string;
  log: string;
}

export interface ClusterRecord {
  startedAt: string;
  options: TopologyOptions;
  members: RunningMember[];
}

export interface UpOptions extends TopologyOptions {
  dir: string;
  configDir: string;
  timeoutMs: number;
  env?: Record<string, string | undefined>;
  print?: (line: string) => void;
}

export class ClusterError extends Error {}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readClusterRecord(dir: string): ClusterRecord | undefined {
  const path = join(resolve(dir), CLUSTER_FILE);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as ClusterRecord;
}

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitHealthy(members: RunningMember[], host: string, deadline: number): Promise<void> {
  for (const m of members) {
    for (;;) {
      if (!isAlive(m.pid))
        throw new ClusterError(`${m.name} exited during start-up; last lines of ${m.log}:\n${tail(m.log)}`);
      let healthy = false;
      try {
        healthy = (
          await probeHealth(readPortsFile(m.dataDir), host === '0.0.0.0' ? '127.0.0.1' : host, 1000)
        ).every((r) => r.ok);
      } catch {
        // the ports file appears once the member has bound its ports
      }
      if (healthy) break;
      if (Date.now() > deadline)
        throw new ClusterError(`${m.name} not healthy in time; last lines of ${m.log}:\n${tail(m.log)}`);
      await sleep(200);
    }
  }
}

/** Waits until a placement member reports a leader, so journal servers and brokers register on the first try. */
async function waitLeader(
  member: RunningMember,
  host: string,
  adminToken: string | undefined,
  deadline: number,
): Promise<number> {
  const url = `http://${host}:${member.ports.http_port}/api/v1/cluster`;
  for (;;) {
    try {
      const res = await fetch(url, {
        headers: adminToken ? { authorization: `Bearer ${adminToken}` } : {},
        signal: AbortSignal.timeout(1000),
      });
      if (res.ok) {
        const body = (await res.json()) as { leader: number };
        if (body.leader > 0) return body.leader;
      }
    } catch {
      // not up yet
    }
    if (Date.now() > deadline)
      throw new ClusterError(
        `the placement group elected no leader in time; last lines of ${member.log}:\n${tail(member.log)}`,
      );
    await sleep(200);
  }
}

export async function clusterUp(options: UpOptions): Promise<ClusterRecord> {
  const dir = resolve(options.dir);
  const print = options.print ?? (() => {});
  const existing = readClusterRecord(dir);
  if (existing?.members.some((m) => isAlive(m.pid))) {
    throw new ClusterError(
      `a cluster is already running from ${dir} (robustmq cluster status --dir ${options.dir}; down it first)`,
    );
  }
  const env = options.env ?? process.env;
  if ((options.kafkaBrokers ?? 0) > 0 && options.journal === 0) {
    throw new ClusterError('--kafka-brokers needs --journal >= 1: Kafka partitions are journal shards');
  }
  const specs = buildTopology(options);
  const running: RunningMember[] = [];
  const { placement: p, journal: j, brokers: b, kafkaBrokers: k = 0, portOffset, host } = options;
  const record: ClusterRecord = {
    startedAt: new Date().toISOString(),
    options: { placement: p, journal: j, brokers: b, kafkaBrokers: k, portOffset, host },
    members: running,
  };
  mkdirSync(dir, { recursive: true });
  const save = () => writeFileSync(join(dir, CLUSTER_FILE), JSON.stringify(record, null, 2) + '\n');
  const probeHost = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  const deadline = Date.now() + options.timeoutMs;

  const launch = (spec: MemberSpec): RunningMember => {
    const dataDir = join(dir, spec.name);
    mkdirSync(dataDir, { recursive: true });
    const log = join(dataDir, 'robustmq.log');
    const fd = openSync(log, 'a');
    const child = spawn(
      process.execPath,
      [
        ROBUSTMQ,
        'start',
        '--roles',
        spec.kind,
        '--data-dir',
        dataDir,
        '--config-dir',
        resolve(options.configDir),
      ],
      { detached: true, stdio: ['ignore', fd, fd], env: { ...env, ...spec.env } },
    );
    closeSync(fd);
    child.unref();
    const member = { ...spec, pid: child.pid!, dataDir, log };
    running.push(member);
    save();
    print(`started ${spec.name} (pid ${child.pid}, log ${log})`);
    return member;
  };

  try {
    const placement = specs.filter((s) => s.kind === 'placement-center').map(launch);
    await waitHealthy(placement, options.host, deadline);
    const leader = await waitLeader(placement[0]!, probeHost, env.ROBUSTMQ_HTTP_ADMIN_TOKEN, deadline);
    print(`placement group up, leader node ${leader}`);
    const journals = specs.filter((s) => s.kind === 'journal-server').map(launch);
    await waitHealthy(journals, options.host, deadline);
    if (journals.length) print(`${journals.length} journal server(s) healthy`);
    const brokers = specs.filter((s) => s.kind === 'mqtt-broker').map(launch);
    await waitHealthy(brokers, options.host, deadline);
    if (brokers.length) print(`${brokers.length} MQTT broker(s) healthy`);
    const kafka = specs.filter((s) => s.kind === 'kafka-broker').map(launch);
    await waitHealthy(kafka, options.host, deadline);
    if (kafka.length) print(`${kafka.length} Kafka broker(s) healthy`);
  } catch (err) {
    await clusterDown(dir, { purge: false });
    throw err;
  }
  return record;
}

export interface MemberStatus {
  name: string;
  pid: number;
  alive: boolean;
  healthy: boolean;
  endpoints: string;
  detail: string;
}

export async function clusterStatus(
  dir: string,
): Promise<{ record: ClusterRecord; members: MemberStatus[] }> {
  const record = readClusterRecord(dir);
  if (!record)
    throw new ClusterError(
      `no cluster in ${resolve(dir)} (start one with: robustmq cluster up --dir ${dir})`,
    );
  const host = record.options.host === '0.0.0.0' ? '127.0.0.1' : record.options.host;
  const members = await Promise.all(
    record.members.map(async (m) => {
      const alive = isAlive(m.pid);
      let healthy = false;
      let detail = alive ? '' : 'not running';
      if (alive) {
        const [health] = await probeHealth(
          { pid: m.pid, roles: [m.kind], ports: { [m.kind]: { http: m.ports.http_port! } } },
          host,
          2000,
        );
        healthy = health!.ok;
        detail = health!.detail;
      }
      // the ports the member really bound (TLS and WSS only with a certificate), else the ones it was given
      let bound: Record<string, number> | undefined;
      try {
        bound = readPortsFile(m.dataDir).ports[m.kind];
      } catch {
        bound = undefined;
      }
      const endpoints = Object.entries(bound ?? m.ports)
        .map(([k, p]) => `${k.replace(/_port$/, '')}=${p}`)
        .join(' ');
      return { name: m.name, pid: m.pid, alive, healthy, endpoints, detail };
    }),
  );
  return { record, members };
}

/** Stops brokers first, then journal servers, then placement, so the data plane unregisters while placement is up. */
export async function clusterDown(
  dir: string,
  options: { purge: boolean; timeoutMs?: number; print?: (line: string) => void },
): Promise<number> {
  const abs = resolve(dir);
  const record = readClusterRecord(abs);
  const print = options.print ?? (() => {});
  let stopped = 0;
  if (record) {
    const order = ['kafka-broker', 'mqtt-broker', 'journal-server', 'placement-center'];
    for (const kind of order) {
      const members = record.members.filter((m) => m.kind === kind && isAlive(m.pid));
      for (const m of members) process.kill(m.pid, 'SIGTERM');
      const deadline = Date.now() + (options.timeoutMs ?? 15_000);
      for (const m of members) {
        while (isAlive(m.pid) && Date.now() < deadline) await sleep(100);
        if (isAlive(m.pid)) {
          process.kill(m.pid, 'SIGKILL');
          print(`${m.name} (pid ${m.pid}) did not stop in time: killed`);
        } else {
          print(`stopped ${m.name}`);
        }
        stopped++;
      }
    }
    rmSync(join(abs, CLUSTER_FILE), { force: true });
  }
  if (options.purge) rmSync(abs, { recursive: true, force: true });
  return stopped;
}
