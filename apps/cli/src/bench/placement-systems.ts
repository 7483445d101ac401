// The two metadata stores the placement benchmark compares, behind one small client interface: our placement
// center (PlacementClient over gRPC, with or without its auto-batching) and etcd 3.4 (the etcd3 npm client). Both are started here as real processes
// on loopback, 1 or 3 members, with fresh data directories.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';
import { freePort } from '@robustmq/common';
import { PlacementClient } from '@robustmq/placement-client';
import { trackChild } from './child-processes.js';

export const PLACEMENT_SYSTEMS = ['robustmq', 'robustmq-unbatched', 'etcd'] as const;
export type PlacementSystem = (typeof PLACEMENT_SYSTEMS)[number];

/** ROBUST_BENCH_PLACEMENT_MAIN runs another build's placement center (an A/B against a scratch copy of an older commit). */
const PLACEMENT_MAIN =
  process.env.ROBUST_BENCH_PLACEMENT_MAIN ||
  fileURLToPath(new URL('../../../placement-center/dist/main.js', import.meta.url));
/** Extra node flags for the placement members, e.g. PLACEMENT_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to
 * profile them (NODE_OPTIONS does not allow --cpu-prof). */
const NODE_ARGS = (process.env.PLACEMENT_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** The members inherit ROBUSTMQ_CLUSTER_AUTH_TOKEN from this process's environment; the clients must send it too. */
const AUTH_TOKEN = process.env.ROBUSTMQ_CLUSTER_AUTH_TOKEN || undefined;

export interface KvClient {
  put(key: string, value: Buffer): Promise<void>;
  /** a linearizable read */
  get(key: string): Promise<void>;
  close(): void;
}

export interface RunningCluster {
  system: PlacementSystem;
  members: number;
  pids: number[];
  newClient(): KvClient;
  stop(): Promise<void>;
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function startProcess(cmd: string, args: string[], log: string) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  trackChild(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) process.stderr.write(`${log} exited with ${code}: ${stderr}\n`);
  });
  return child;
}

async function stopAll(children: ReturnType<typeof startProcess>[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
        }),
    ),
  );
}

export async function startRobustmq(
  members: number,
  dir: string,
  options: { batching: boolean } = { batching: true },
): Promise<RunningCluster> {
  const ports = await Promise.all(
    Array.from({ length: members }, async () => ({ grpc: await freePort(), http: await freePort() })),
  );
  const memberList = ports.map((p, i) => `"${i + 1}@127.0.0.1:${p.grpc}"`).join(', ');
  const children = ports.map((p, i) => {
    const file = join(dir, `placement-${i + 1}.toml`);
    mkdirSync(join(dir, `placement-${i + 1}`), { recursive: true });
    writeFileSync(
      file,
      [
        '[node]',
        `id = ${i + 1}`,
        `data_dir = "${join(dir, `placement-${i + 1}`)}"`,
        '[network]',
        'host = "127.0.0.1"',
        `grpc_port = ${p.grpc}`,
        `http_port = ${p.http}`,
        ...(members > 1 ? ['[cluster]', `members = [${memberList}]`] : []),
        '[log]',
        'level = "warn"',
      ].join('\n'),
    );
    return startProcess(
      process.execPath,
      [...NODE_ARGS, PLACEMENT_MAIN, '--config', file],
      `placement member ${i + 1}`,
    );
  });
  const addresses = ports.map((p) => `127.0.0.1:${p.grpc}`);
  const probe = new PlacementClient({ addresses, callTimeoutMs: 2_000, authToken: AUTH_TOKEN });
  await waitUntil('placement to accept writes', async () => {
    await probe.kv.set('bench/ready', 'x');
    return true;
  });
  probe.close();
  return {
    system: options.batching ? 'robustmq' : 'robustmq-unbatched',
    members,
    pids: children.map((c) => c.pid!),
    newClient() {
      const client = new PlacementClient({
        addresses,
        callTimeoutMs: 10_000,
        batching: options.batching,
        authToken: AUTH_TOKEN,
      });
      return {
        put: (key, value) => client.kv.set(key, value),
        get: async (key) => {
          await client.kv.get(key);
        },
        close: () => client.close(),
      };
    },
    stop: () => stopAll(children),
  };
}

export function etcdAvailable(): boolean {
  return spawnSync('etcd', ['--version']).status === 0;
}

export async function startEtcd(members: number, dir: string): Promise<RunningCluster> {
  const ports = await Promise.all(
    Array.from({ length: members }, async () => ({ client: await freePort(), peer: await freePort() })),
  );
  const initialCluster = ports.map((p, i) => `m${i + 1}=http://127.0.0.1:${p.peer}`).join(',');
  const children = ports.map((p, i) =>
    startProcess(
      'etcd',
      [
        '--name',
        `m${i + 1}`,
        '--data-dir',
        join(dir, `etcd-${i + 1}`),
        '--listen-client-urls',
        `http://127.0.0.1:${p.client}`,
        '--advertise-client-urls',
        `http://127.0.0.1:${p.client}`,
        '--listen-peer-urls',
        `http://127.0.0.1:${p.peer}`,
        '--initial-advertise-peer-urls',
        `http://127.0.0.1:${p.peer}`,
        '--initial-cluster',
        initialCluster,
        '--initial-cluster-state',
        'new',
        '--log-level',
        'error',
      ],
      `etcd member ${i + 1}`,
    ),
  );
  const hosts = ports.map((p) => `http://127.0.0.1:${p.client}`);
  const probe = new Etcd3({ hosts });
  await waitUntil('etcd to accept writes', async () => {
    await probe.put('bench/ready').value('x');
    return true;
  });
  probe.close();
  return {
    system: 'etcd',
    members,
    pids: children.map((c) => c.pid!),
    newClient() {
      const client = new Etcd3({ hosts });
      return {
        put: async (key, value) => {
          await client.put(key).value(value);
        },
        get: async (key) => {
          await client.get(key).buffer();
        },
        close: () => client.close(),
      };
    },
    stop: () => stopAll(children),
  };
}
