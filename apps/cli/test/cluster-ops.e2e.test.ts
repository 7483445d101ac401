// Operating a real multi-process cluster: `robustmq cluster up|status|down` (3 placement members, 2 journal servers,
// 2 MQTT brokers and a Kafka broker on loopback, with admin and cluster tokens; kcat through the Kafka broker),
// `robust-ctl` against it — reads, writes, kicking a client, a leader transfer, and bad input (usage → exit 2, errors
// and an unreachable cluster → one line, exit 1) — and a real Prometheus (Debian's) scraping every member with the
// shipped rules, holding every metric the dashboard names.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { JournalStorageAdapter } from '@robustmq/storage-adapter';
import { buildTopology } from '../src/cluster/topology.js';
import {
  freePort,
  mosquitto,
  ROOT,
  runCommand,
  runNode,
  spawnProcess,
  waitFor,
  tempDir,
  removeDir,
} from '@robustmq/testing';

const dir = tempDir('cluster');
const clusterDir = join(dir, 'cluster');
const ADMIN_TOKEN = 'ops-admin-token';
const env = {
  ROBUSTMQ_HTTP_ADMIN_TOKEN: ADMIN_TOKEN,
  ROBUSTMQ_CLUSTER_AUTH_TOKEN: 'ops-cluster-token',
  ROBUSTMQ_LOG_LEVEL: 'warn',
};
const shape = { placement: 3, journal: 2, brokers: 2, kafkaBrokers: 1, host: '127.0.0.1' };
let offset = 0;
let placementHttp: string[] = [];
let brokerTcp: number[] = [];
let kafkaPort = 0;
let placementGrpc: string[] = [];

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** An offset that puts every member's ports on free ports below the ephemeral range (so port-0 tests never race it). */
async function freeOffset(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = 10_000 + Math.floor(Math.random() * 10_000);
    const ports = buildTopology({ ...shape, portOffset: candidate }).flatMap((m) => Object.values(m.ports));
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return candidate;
  }
  throw new Error('no free port block found');
}

async function run(
  script: string,
  args: string[],
  extraEnv: Record<string, string> = {},
  timeoutMs = 90_000,
) {
  const proc = runNode(script, args, { env: { ...env, ...extraEnv } });
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  const { code } = await proc.exited;
  clearTimeout(timer);
  return { code, output: proc.output() };
}

const ctl = (args: string[], extraEnv: Record<string, string> = {}) =>
  run('apps/cli/dist/robust-ctl.js', ['--placement', placementHttp.join(','), ...args], {
    ROBUSTMQ_ADMIN_TOKEN: ADMIN_TOKEN,
    ...extraEnv,
  });
/** `robustmq cluster up` on the test's dir and port block, with `args`. */
const clusterUp = (args: string[] = []) =>
  run('apps/cli/dist/robustmq.js', [
    'cluster',
    'up',
    '--dir',
    clusterDir,
    '--port-offset',
    String(offset),
    ...args,
  ]);
const ctlJson = async (args: string[]) => {
  const r = await ctl([...args, '--output', 'json']);
  expect(r.code, r.output).toBe(0);
  return JSON.parse(r.output);
};

beforeAll(async () => {
  offset = await freeOffset();
  const topology = buildTopology({ ...shape, portOffset: offset });
  placementHttp = topology
    .filter((m) => m.kind === 'placement-center')
    .map((m) => `127.0.0.1:${m.ports.http_port}`);
  placementGrpc = topology
    .filter((m) => m.kind === 'placement-center')
    .map((m) => `127.0.0.1:${m.ports.grpc_port}`);
  brokerTcp = topology.filter((m) => m.kind === 'mqtt-broker').map((m) => m.ports.tcp_port!);
  kafkaPort = topology.find((m) => m.kind === 'kafka-broker')!.ports.port!;
  const up = await clusterUp([
    '--placement',
    '3',
    '--journal',
    '2',
    '--brokers',
    '2',
    '--kafka-brokers',
    '1',
    '--timeout',
    '80000',
  ]);
  expect(up.code, up.output).toBe(0);
  expect(up.output).toMatch(/cluster up \(8 processes\)/);
  expect(up.output).toContain(`Kafka:                127.0.0.1:${kafkaPort}`);
}, 100_000);

afterAll(async () => {
  const down = await run('apps/cli/dist/robustmq.js', ['cluster', 'down', '--dir', clusterDir, '--purge']);
  removeDir(dir);
  expect(down.output).toMatch(/8 member\(s\) stopped/);
}, 60_000);

describe('robustmq cluster', { timeout: 60_000 }, () => {
  it('status lists every member healthy with its ports', async () => {
    const r = await run('apps/cli/dist/robustmq.js', ['cluster', 'status', '--dir', clusterDir]);
    expect(r.code, r.output).toBe(0);
    for (const name of [
      'placement-center-1',
      'placement-center-3',
      'journal-server-2',
      'mqtt-broker-2',
      'kafka-broker-1',
    ]) {
      expect(r.output).toMatch(new RegExp(`${name}\\s+\\d+\\s+healthy`));
    }
  });

  it('the Kafka broker serves kcat: produce, then consume back from the journal', async () => {
    const kcat = (args: string[], input = '') =>
      new Promise<string>((resolve, reject) => {
        const child = execFile(
          'kcat',
          ['-b', `127.0.0.1:${kafkaPort}`, ...args],
          { timeout: 30_000 },
          (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)),
        );
        child.stdin!.end(input);
      });
    await kcat(['-P', '-t', 'ops-kafka', '-K', ':'], 'a:1\nb:2\n');
    expect(await kcat(['-C', '-t', 'ops-kafka', '-o', 'beginning', '-e', '-q', '-f', '%k=%s\n'])).toBe(
      'a=1\nb=2\n',
    );
  });

  it('refuses a second `up` on the same dir and rejects bad flags with exit 2', async () => {
    const again = await clusterUp();
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/already running/);
    const bad = await run('apps/cli/dist/robustmq.js', ['cluster', 'up', '--placement', 'ten']);
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/--placement must be an integer/);
  });
});

describe('robust-ctl', { timeout: 90_000 }, () => {
  it('shows the placement group and the registered nodes', async () => {
    const status = await ctlJson(['cluster', 'status']);
    expect(status.members).toHaveLength(3);
    expect(status.leader).toBeGreaterThan(0);
    const table = await ctl(['cluster', 'status']);
    expect(table.output).toMatch(/^leader\s+\d/m);
    const nodes = await ctlJson(['nodes']);
    const kinds = nodes.nodes
      .map((n: { clusterType: string; nodeId: number }) => `${n.clusterType}/${n.nodeId}`)
      .sort();
    expect(kinds).toEqual([
      'JOURNAL_SERVER/1',
      'JOURNAL_SERVER/2',
      'KAFKA_BROKER/1',
      'MQTT_BROKER/1',
      'MQTT_BROKER/2',
    ]);
    const brokers = await ctl(['nodes', '--type', 'MQTT_BROKER']);
    expect(brokers.output).not.toMatch(/JOURNAL_SERVER/);
  });

  it('writes and reads KV entries, users, ACL, blacklist and broker rules', async () => {
    expect((await ctl(['kv', 'put', 'ops/a', 'one'])).code).toBe(0);
    expect((await ctlJson(['kv', 'get', 'ops/a'])).value).toBe('one');
    expect(
      (await ctlJson(['kv', 'list', '--prefix', 'ops/'])).items.map((i: { key: string }) => i.key),
    ).toEqual(['ops/a']);
    expect((await ctl(['kv', 'del', 'ops/a'])).output).toMatch(/ops\/a deleted/);
    // watching is gRPC: it takes the cluster token (from ROBUSTMQ_CLUSTER_AUTH_TOKEN here), and a wrong one is one line
    const grpc = ['--placement-grpc', placementGrpc.join(',')];
    const replay = await ctl([
      'kv',
      'watch',
      'ops/',
      ...grpc,
      '--from-revision',
      '1',
      '--count',
      '2',
      '-o',
      'json',
    ]);
    expect(
      replay.output
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type),
    ).toEqual(['PUT', 'DELETE']);
    const wrong = await ctl(['kv', 'watch', 'ops/', ...grpc, '--cluster-token', 'not-it', '--count', '1']);
    expect(wrong.code).toBe(1);
    expect(wrong.output.trim()).toMatch(
      /^robust-ctl: cannot watch through .*cluster auth token does not match[^\n]*$/,
    );

    expect((await ctl(['user', 'create', 'ops-alice', '--password', 'pw'])).code).toBe(0);
    expect((await ctlJson(['user', 'list'])).users.map((u: { username: string }) => u.username)).toContain(
      'ops-alice',
    );
    expect((await ctl(['user', 'update', 'ops-alice', '--superuser', 'true'])).code).toBe(0);
    expect((await ctlJson(['user', 'get', 'ops-alice'])).superuser).toBe(true);
    expect((await ctl(['user', 'delete', 'ops-alice'])).code).toBe(0);

    expect(
      (
        await ctl([
          'acl',
          'create',
          '--id',
          'ops-deny',
          '--permission',
          'DENY',
          '--action',
          'PUBLISH',
          '--subject-type',
          'SUBJECT_ALL',
          '--topic',
          'secret/#',
        ])
      ).code,
    ).toBe(0);
    expect((await ctlJson(['acl', 'get', 'ops-deny'])).topicFilter).toBe('secret/#');
    expect((await ctl(['acl', 'delete', 'ops-deny'])).code).toBe(0);

    expect(
      (await ctl(['blacklist', 'add', 'BLACKLIST_CIDR', '10.9.0.0/16', '--reason', 'ops'])).output,
    ).toMatch(/added/);
    expect((await ctlJson(['blacklist', 'list'])).entries).toMatchObject([
      { type: 'BLACKLIST_CIDR', value: '10.9.0.0/16', reason: 'ops' },
    ]);
    expect((await ctl(['blacklist', 'delete', 'BLACKLIST_CIDR', '10.9.0.0/16'])).code).toBe(0);

    expect(
      (
        await ctl([
          'topic-rewrite',
          'set',
          'rw1',
          '--action',
          'publish',
          '--source',
          'old/#',
          '--dest',
          'new/$1',
          '--regex',
          '^old/(.+)$',
        ])
      ).code,
    ).toBe(0);
    expect((await ctlJson(['topic-rewrite', 'list'])).rules).toMatchObject([
      { id: 'rw1', destTopic: 'new/$1' },
    ]);
    expect(
      (await ctl(['auto-subscribe', 'set', 'as1', '--topic', 'notice/#', '--qos', '1', '--no-local'])).code,
    ).toBe(0);
    expect(await ctlJson(['auto-subscribe', 'get', 'as1'])).toMatchObject({
      id: 'as1',
      topicFilter: 'notice/#',
      qos: 1,
      noLocal: true,
    });
    expect((await ctl(['auto-subscribe', 'delete', 'as1'])).code).toBe(0);
    expect((await ctl(['topic-rewrite', 'delete', 'rw1'])).code).toBe(0);
  });

  it('lists clients, sessions and subscriptions across brokers and kicks a client', async () => {
    // MQTT.js without reconnect, so the kick shows as the connection closing (mosquitto_sub would reconnect)
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerTcp[1]}`, {
      clientId: 'ops-sub',
      reconnectPeriod: 0,
    });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    try {
      await client.subscribeAsync('ops/#', { qos: 1 });
      const clients = await ctlJson(['clients']);
      expect(clients.brokers['2'].clients.map((c: { clientId: string }) => c.clientId)).toEqual(['ops-sub']);
      expect(clients.brokers['1'].clients).toEqual([]);
      expect((await ctl(['sessions'])).output).toMatch(/^2\s+ops-sub\s+true/m);
      expect((await ctl(['subscriptions'])).output).toMatch(/^2\s+ops-sub\s+ops\/#\s+1/m);
      const published = await mosquitto.pub({
        port: brokerTcp[1]!,
        topic: 'ops/kept',
        message: 'x',
        retain: true,
      });
      expect(published.code).toBe(0);
      expect((await ctl(['retained'])).output).toMatch(/^2\s+ops\/kept\s+0\s+1/m);

      const kicked = await ctl(['clients', 'kick', 'ops-sub']);
      expect(kicked.output).toMatch(/disconnected from broker 2/);
      await closed;
      const again = await ctl(['clients', 'kick', 'ops-sub']);
      expect(again.code).toBe(1);
      expect(again.output.trim()).toBe('robust-ctl: client "ops-sub" is not connected to any broker');
    } finally {
      client.end(true);
    }
  });

  it('lists journal shards, segments and replicas', async () => {
    // writes reach the leader whichever member answers first (followers answer NOT_LEADER, the next one is tried)
    const created = await ctl(['journal', 'create', 'ops', 'log', '--replicas', '2', '--acks', 'ACKS_ALL']);
    expect(created.code, created.output).toBe(0);
    expect((await ctl(['journal', 'create', 'ops', 'big', '--replicas', '5'])).output).toMatch(
      /FAILED_PRECONDITION/,
    );
    expect((await ctlJson(['journal', 'shards', '--namespace', 'ops'])).shards).toMatchObject([
      { namespace: 'ops', name: 'log' },
    ]);
    expect((await ctlJson(['journal', 'segments', 'ops', 'log'])).segments[0].replicas).toHaveLength(2);
    // records through the journal StorageAdapter (as a broker stores them) make a segment leader with a follower
    const storage = new JournalStorageAdapter({
      placementAddresses: placementGrpc,
      namespace: 'ops-storage',
      replicaCount: 2,
      acks: 'all',
      authToken: env.ROBUSTMQ_CLUSTER_AUTH_TOKEN,
    });
    try {
      await storage.createShard('ops-messages');
      expect(
        await storage.append('ops-messages', [{ payload: Buffer.from('a') }, { payload: Buffer.from('b') }]),
      ).toEqual([0, 1]);
    } finally {
      await storage.close();
    }
    const replicas = await ctlJson(['journal', 'replicas']);
    const roles = Object.values(
      replicas.journalServers as Record<string, { segments: { namespace: string; role: string }[] }>,
    ).flatMap((s) => s.segments.filter((g) => g.namespace === 'ops-storage').map((g) => g.role));
    expect(roles.sort()).toEqual(['follower', 'leader']);
    expect((await ctl(['journal', 'replicas'])).output).toMatch(
      /ops-storage\s+\S+\s+0\s+leader\s+\d+\s+2\s+2\s+\d+:0/,
    );
    expect((await ctl(['journal', 'segments', 'ops', 'nope'])).code).toBe(1);
  });

  it('transfers placement leadership to another member', async () => {
    const before = (await ctlJson(['cluster', 'status'])).leader as number;
    const target = before === 1 ? 2 : 1;
    const moved = await ctl(['members', 'transfer-leader', String(target)]);
    expect(moved.code, moved.output).toBe(0);
    await waitFor('new leader', async () =>
      (await ctlJson(['cluster', 'status'])).leader === target ? true : undefined,
    );
    const bad = await ctl(['members', 'remove', '9']);
    expect(bad.code).toBe(1);
    expect(bad.output.trim().split('\n')).toHaveLength(1);
  });

  it('answers bad usage with exit 2 and failures with one line and exit 1', async () => {
    for (const args of [
      ['no-such-command'],
      ['kv', 'get'],
      ['--output', 'yaml', 'nodes'],
      ['acl', 'create', '--permission', 'MAYBE'],
      ['kv', 'list', '--limit', '0'],
      ['user'],
    ]) {
      const r = await ctl(args);
      expect(r.code, args.join(' ')).toBe(2);
    }
    const unknownUser = await ctl(['user', 'get', 'nobody-here']);
    expect(unknownUser.code).toBe(1);
    expect(unknownUser.output.trim()).toMatch(
      /^robust-ctl: GET \/api\/v1\/mqtt\/users\/nobody-here: NOT_FOUND: .+$/,
    );
    const noToken = await ctl(['nodes'], { ROBUSTMQ_ADMIN_TOKEN: '' });
    expect(noToken.code).toBe(1);
    expect(noToken.output).toMatch(/--admin-token/);

    const closed = await freePort();
    const unreachable = await run('apps/cli/dist/robust-ctl.js', [
      '--placement',
      `127.0.0.1:${closed}`,
      'cluster',
      'status',
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.output.trim()).toBe(
      `robust-ctl: placement center unreachable: cannot reach http://127.0.0.1:${closed}: ECONNREFUSED`,
    );
    expect((await ctl(['--help'])).code).toBe(0);
  });
});

describe('monitoring', () => {
  it('a real Prometheus scrapes every member; the shipped rules load; every dashboard metric is in the scrape', async () => {
    const record = JSON.parse(readFileSync(join(clusterDir, 'cluster.json'), 'utf8')) as {
      members: { kind: string; ports: Record<string, number> }[];
    };
    const targets = (kind: string) =>
      record.members
        .filter((m) => m.kind === kind)
        .map((m) => `'127.0.0.1:${m.ports.http_port}'`)
        .join(', ');
    const shipped = readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8');
    // the shipped file with the compose service names replaced by this cluster's loopback ports
    const config = shipped
      .replace(/targets: \[[^\]]*placement-center[^\]]*\]/, `targets: [${targets('placement-center')}]`)
      .replace(/targets: \[[^\]]*journal-server[^\]]*\]/, `targets: [${targets('journal-server')}]`)
      .replace(/targets: \[[^\]]*mqtt-broker[^\]]*\]/, `targets: [${targets('mqtt-broker')}]`)
      .replace(/targets: \[[^\]]*kafka-broker[^\]]*\]/, `targets: [${targets('kafka-broker')}]`)
      .replace('scrape_interval: 10s', 'scrape_interval: 1s')
      .replace('evaluation_interval: 10s', 'evaluation_interval: 1s');
    writeFileSync(join(dir, 'prometheus.yml'), config);
    writeFileSync(join(dir, 'rules.yml'), readFileSync(join(ROOT, 'deploy/prometheus/rules.yml')));

    for (const args of [
      ['check', 'config', join(ROOT, 'deploy/prometheus/prometheus.yml')],
      ['check', 'rules', join(ROOT, 'deploy/prometheus/rules.yml')],
      ['check', 'config', join(dir, 'prometheus.yml')],
    ]) {
      const checked = await runCommand('promtool', args);
      expect(checked.code, checked.output).toBe(0);
    }

    const port = await freePort();
    const prometheus = spawnProcess('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    try {
      const api = async (path: string) =>
        (await (await fetch(`http://127.0.0.1:${port}${path}`)).json()) as {
          data: Record<string, unknown> & { result?: unknown[] };
        };
      await waitFor(
        'all 8 targets up',
        async () => {
          const body = await api('/api/v1/targets');
          const active = body.data.activeTargets as { health: string }[];
          return active.length === 8 && active.every((t) => t.health === 'up') ? true : undefined;
        },
        { timeoutMs: 30_000 },
      );
      const rules = await api('/api/v1/rules');
      expect((rules.data.groups as { rules: unknown[] }[])[0]!.rules).toHaveLength(6);

      const dashboard = readFileSync(join(ROOT, 'deploy/grafana/robustmq.json'), 'utf8');
      const rulesText = readFileSync(join(ROOT, 'deploy/prometheus/rules.yml'), 'utf8');
      const named = new Set(
        [
          ...`${dashboard}\n${rulesText}`.matchAll(
            /\b((?:placement|journal|mqtt|kafka|process|nodejs)_[a-z0-9_]+)/g,
          ),
        ].map((m) => m[1]!),
      );
      expect(named.size).toBeGreaterThan(20);
      const missing: string[] = [];
      for (const metric of named) {
        const body = await api(`/api/v1/series?match[]=${encodeURIComponent(metric)}`);
        if ((body.data as unknown as unknown[]).length === 0) missing.push(metric);
      }
      expect(missing).toEqual([]);
    } finally {
      prometheus.child.kill('SIGTERM');
    }
  }, 60_000);
});
