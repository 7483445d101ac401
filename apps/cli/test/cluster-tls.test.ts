// A cluster on mutual TLS, in one process: three placement members (Raft), three journal servers and a broker, each
// with its own certificate from one test CA, `tls_require_client_cert = true` and the cluster token on top. Raft
// replicates, the journal servers and the broker register and heartbeat, a storage adapter appends (the journal
// servers replicating to each other over the data port), placement calls the broker (a delayed will) and the journal
// servers (a segment hand-over) — all over TLS. Every internal port refuses a plaintext client and a client whose
// certificate comes from another CA, and certificates replaced on disk are served without a restart.
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls, type PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { PlacementClient, clusterTls, createLogger, freePort, type ClusterAuthConfig, type ClusterTls } from '@robustmq/common';
import { loadJournalServerConfig, startJournalServer, type JournalServerHandle } from '@robustmq/journal-server';
import { loadMqttBrokerConfig, startMqttBroker, type MqttBrokerHandle } from '@robustmq/mqtt-broker';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';
import { clusterClientOptions, makeTestPki, newKvClient, type TestNodeCert, type TestPki } from '@robustmq/protocol';
import { JOURNAL_MESSAGE, JournalConnection, JournalStorageAdapter } from '@robustmq/storage-adapter';
import mqtt from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';

const TOKEN = 'tls-test-secret';
const logger = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'robustmq-cluster-tls-'));
let pki: TestPki;
let foreignPki: TestPki;
const certs = new Map<string, TestNodeCert>();
const placements = new Map<number, PlacementCenterHandle>();
const journals = new Map<number, JournalServerHandle>();
let broker: MqttBrokerHandle;
let placementAddresses: string[] = [];
let tester: ClusterTls;
let intruder: ClusterTls;
let client: PlacementClient;
const closers: Array<() => void> = [];

function clusterKeys(name: string): Partial<ClusterAuthConfig> {
  const cert = pki.issue(name);
  certs.set(name, cert);
  return {
    auth_token: TOKEN,
    tls_cert_file: cert.certFile,
    tls_key_file: cert.keyFile,
    tls_ca_file: pki.caFile,
    tls_require_client_cert: true,
    tls_reload_interval_ms: 200,
  };
}

/** A client's TLS material built the way a service builds its own from `[cluster]`. */
function clientTls(certFile: string, keyFile: string): ClusterTls {
  const base = { auth_token: '', auth_token_file: '', tls_require_client_cert: true, tls_reload_interval_ms: 5_000 };
  return clusterTls({ ...base, tls_cert_file: certFile, tls_key_file: keyFile, tls_ca_file: pki.caFile })!;
}

beforeAll(async () => {
  pki = makeTestPki('robustmq-cluster-ca');
  foreignPki = makeTestPki('some-other-ca');
  const grpcPorts = await Promise.all([1, 2, 3].map(() => freePort()));
  placementAddresses = grpcPorts.map((p) => `127.0.0.1:${p}`);
  const members = grpcPorts.map((p, i) => `${i + 1}@127.0.0.1:${p}`);
  await Promise.all(
    [1, 2, 3].map(async (id) => {
      const handle = await startPlacementCenter(
        loadPlacementCenterConfig({
          env: {},
          overrides: {
            node: { id, data_dir: join(dir, `pc${id}`) },
            network: { host: '127.0.0.1', grpc_port: grpcPorts[id - 1], http_port: 0 },
            cluster: { members, tick_ms: 50, election_ticks: 10, ...clusterKeys(`placement-${id}`) },
            scheduler: { leader_check_ms: 50, retry_ms: 200 },
          },
        }),
        { logger },
      );
      placements.set(id, handle);
    }),
  );
  const testerCert = pki.issue('tester');
  tester = clientTls(testerCert.certFile, testerCert.keyFile);
  // trusts our CA (so it accepts our servers) but presents a certificate our CA never signed
  const foreign = foreignPki.issue('intruder');
  intruder = clientTls(foreign.certFile, foreign.keyFile);
  client = new PlacementClient({ addresses: placementAddresses, authToken: TOKEN, tls: tester, callTimeoutMs: 20_000 });
  await client.kvSet('tls/ready', 'yes'); // a leader is elected and commits over TLS
  for (const id of [1, 2, 3]) {
    const handle = await startJournalServer(
      loadJournalServerConfig({
        env: {},
        overrides: {
          node: { id, data_dir: join(dir, `js${id}`) },
          network: { host: '127.0.0.1', data_port: 0, http_port: 0, grpc_port: 0 },
          placement: { addresses: placementAddresses, heartbeat_interval_ms: 300 },
          // long leases: a leader change here can only be placement's hand-over over the inner service
          replication: { leader_lease_ms: 600_000 },
          cluster: clusterKeys(`journal-${id}`),
        },
      }),
      { logger },
    );
    journals.set(id, handle);
  }
  broker = await startMqttBroker(
    loadMqttBrokerConfig({
      env: {},
      overrides: {
        node: { id: 1, data_dir: join(dir, 'broker') },
        network: { host: '127.0.0.1', tcp_port: 0, http_port: 0, ws_port: 0, grpc_port: 0 },
        placement: { enabled: true, addresses: placementAddresses, heartbeat_interval_ms: 200 },
        mqtt: { sys_interval_s: 0 },
        cluster: clusterKeys('broker-1'),
      },
    }),
    { logger },
  );
}, 60_000);

afterAll(async () => {
  for (const c of closers) c();
  await broker?.close();
  for (const j of journals.values()) await j.close();
  client?.close();
  for (const p of placements.values()) await p.close();
  tester?.close();
  intruder?.close();
  pki?.remove();
  foreignPki?.remove();
  rmSync(dir, { recursive: true, force: true });
});

async function clusterStatus(id: number): Promise<{ leader: number; commitIndex: number; appliedIndex: number }> {
  const res = await fetch(`http://127.0.0.1:${placements.get(id)!.ports.http}/api/v1/cluster`);
  return (await res.json()) as { leader: number; commitIndex: number; appliedIndex: number };
}

/** every cluster-internal gRPC port of the cluster, by what serves it. */
function grpcPorts(): [string, number][] {
  return [
    ...[...placements].map(([id, p]) => [`placement ${id}`, p.ports.grpc] as [string, number]),
    ...[...journals].map(([id, j]) => [`journal ${id} inner`, j.ports.grpc] as [string, number]),
    ['broker inner', broker.ports.grpc!],
  ];
}

/** One unary call (KV Get, UNIMPLEMENTED on services other than placement) with the given channel credentials:
 * resolves with the status code — UNAVAILABLE means the connection itself was refused. */
function probeGrpc(port: number, credentials: grpc.ChannelCredentials): Promise<grpc.status> {
  const c = newKvClient(`127.0.0.1:${port}`, credentials, clusterClientOptions(TOKEN));
  closers.push(() => c.close());
  return new Promise((resolve) =>
    c.Get({ key: 'tls/ready' }, { deadline: Date.now() + 5_000 }, (err) => {
      c.close();
      resolve(err ? err.code : grpc.status.OK);
    }),
  );
}

async function probeData(port: number, tls: ClusterTls | undefined): Promise<string> {
  const conn = new JournalConnection(`127.0.0.1:${port}`, { authToken: TOKEN, tls, connectTimeoutMs: 3_000 });
  try {
    const read = { namespace: 'tls', shard: 'none', segment: 0, offset: 0, maxRecords: 1, maxBytes: 1024, waitMs: 0 };
    return await conn.request(JOURNAL_MESSAGE.Read, read, [], 5_000).then(
      () => 'OK',
      (err: { code: string }) => err.code,
    );
  } finally {
    conn.close();
  }
}

/** The certificate a port presents (the handshake made with the tester's valid client certificate). */
function servedCert(port: number): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: '127.0.0.1', port, secureContext: tester.secureContext(), ALPNProtocols: ['h2'] }, () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      resolve(cert);
    });
    socket.on('error', reject);
  });
}

it('Raft replicates between the three members over TLS', async () => {
  await client.kvSet('tls/replicated', 'v1');
  const { commitIndex } = await clusterStatus(1);
  for (const id of [1, 2, 3]) {
    await expect.poll(async () => (await clusterStatus(id)).appliedIndex, { timeout: 5_000 }).toBeGreaterThanOrEqual(commitIndex);
  }
  const leaders = await Promise.all([1, 2, 3].map(async (id) => (await clusterStatus(id)).leader));
  expect(new Set(leaders).size).toBe(1);
  expect(leaders[0]).toBeGreaterThan(0);
});

it('the journal servers and the broker register and keep heartbeating', async () => {
  expect((await client.listNodes('JOURNAL_SERVER')).map((n) => n.nodeId).sort()).toEqual([1, 2, 3]);
  const [before] = await client.listNodes('MQTT_BROKER');
  expect(before?.nodeId).toBe(1);
  await expect.poll(async () => Number((await client.listNodes('MQTT_BROKER'))[0]?.lastHeartbeatMs), { timeout: 3_000 }).toBeGreaterThan(Number(before!.lastHeartbeatMs));
});

it('a storage adapter appends and reads through placement and the data ports, replicas following over TLS', async () => {
  const adapter = new JournalStorageAdapter({ placementAddresses, namespace: 'tls', replicaCount: 3, acks: 'all', authToken: TOKEN, tls: tester });
  try {
    await adapter.createShard('s');
    await adapter.append('s', [{ payload: Buffer.from('a') }, { payload: Buffer.from('b') }]);
    expect((await adapter.read('s', 0, { maxRecords: 10 })).map((r) => r.payload.toString())).toEqual(['a', 'b']);
  } finally {
    await adapter.close();
  }
});

it("placement's leader calls the broker over TLS (a delayed will it fires)", async () => {
  const url = `mqtt://127.0.0.1:${broker.ports.mqtt}`;
  const sub = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: 'tls-will-sub', reconnectPeriod: 0 });
  closers.push(() => sub.end(true));
  await sub.subscribeAsync('tls/will', { qos: 1 });
  const got = new Promise<string>((resolve) => sub.on('message', (_t, payload) => resolve(payload.toString())));
  const dying = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clientId: 'tls-dying',
    reconnectPeriod: 0,
    properties: { sessionExpiryInterval: 60 },
    will: { topic: 'tls/will', payload: Buffer.from('gone'), qos: 1, retain: false, properties: { willDelayInterval: 1 } },
  });
  await expect.poll(async () => (await client.getResource('WILL_MESSAGE', 'tls-dying'))?.record, { timeout: 5_000 }).toBeDefined();
  dying.stream.destroy();
  dying.end(true);
  expect(await got).toBe('gone');
  // placement sent it (the broker's own fallback timer is cancelled once placement holds the will)
  await expect.poll(() => client.getResource('WILL_MESSAGE', 'tls-dying'), { timeout: 5_000 }).toBeUndefined();
});

it('every internal port refuses plaintext clients', async () => {
  for (const [what, port] of grpcPorts()) {
    expect([what, await probeGrpc(port, grpc.credentials.createInsecure())]).toEqual([what, grpc.status.UNAVAILABLE]);
  }
  for (const [id, j] of journals) {
    expect([id, await probeData(j.ports.data, undefined)]).toEqual([id, 'UNAVAILABLE']);
  }
});

it('every internal port refuses a peer whose certificate comes from another CA, and admits ours', async () => {
  for (const [what, port] of grpcPorts()) {
    expect([what, await probeGrpc(port, intruder.channelCredentials())]).toEqual([what, grpc.status.UNAVAILABLE]);
    // with our CA's certificate the call gets through TLS and the token check to a handler
    expect([what, await probeGrpc(port, tester.channelCredentials())]).not.toEqual([what, grpc.status.UNAVAILABLE]);
  }
  for (const [id, j] of journals) {
    expect([id, await probeData(j.ports.data, intruder)]).toEqual([id, 'UNAVAILABLE']);
    expect([id, await probeData(j.ports.data, tester)]).toEqual([id, 'SHARD_NOT_FOUND']);
  }
});

it('certificates replaced on disk are served without a restart, and the cluster keeps working', async () => {
  const targets: [string, number][] = [
    ['placement-1', placements.get(1)!.ports.grpc],
    ['journal-2', journals.get(2)!.ports.grpc],
    ['journal-2', journals.get(2)!.ports.data],
    ['broker-1', broker.ports.grpc!],
  ];
  const before = new Map<number, string>();
  for (const [, port] of targets) before.set(port, (await servedCert(port)).serialNumber);
  const rotated = new Map<string, string>();
  for (const name of new Set(targets.map(([n]) => n))) {
    const fresh = pki.issue(`${name}-rotated`, certs.get(name)!);
    rotated.set(name, fresh.cert.toString());
  }
  for (const [name, port] of targets) {
    await expect.poll(async () => (await servedCert(port)).serialNumber, { timeout: 5_000 }).not.toBe(before.get(port));
    expect((await servedCert(port)).subject.CN).toBe(`${name}-rotated`);
  }
  // new connections everywhere (a fresh client and adapter) still work with the rotated certificates
  const adapter = new JournalStorageAdapter({ placementAddresses, namespace: 'tls2', replicaCount: 3, acks: 'all', authToken: TOKEN, tls: tester });
  try {
    await adapter.createShard('r');
    await adapter.append('r', [{ payload: Buffer.from('after-rotation') }]);
    expect((await adapter.read('r', 0, { maxRecords: 10 })).map((r) => r.payload.toString())).toEqual(['after-rotation']);
  } finally {
    await adapter.close();
  }
});

it("placement's hand-over reaches the journal servers' inner service over TLS when a segment leader shuts down", async () => {
  const adapter = new JournalStorageAdapter({ placementAddresses, namespace: 'handover', replicaCount: 3, acks: 'quorum', authToken: TOKEN, tls: tester });
  try {
    await adapter.createShard('h');
    const { name } = await adapter.placementShard('h');
    await adapter.append('h', Array.from({ length: 10 }, (_, i) => ({ payload: Buffer.from(`r${i}`) })));
    const [segment] = await client.listSegments('handover', name);
    await journals.get(segment!.leader)!.close();
    journals.delete(segment!.leader);
    await expect.poll(async () => (await client.listSegments('handover', name))[0]!.leader, { timeout: 15_000, interval: 100 }).not.toBe(segment!.leader);
    await adapter.append('h', Array.from({ length: 10 }, (_, i) => ({ payload: Buffer.from(`r${10 + i}`) })));
    const read = await adapter.read('h', 0, { maxRecords: 100 });
    expect(read.map((r) => r.payload.toString())).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
  } finally {
    await adapter.close();
  }
});
