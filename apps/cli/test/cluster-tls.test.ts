// A cluster on mutual TLS, in one process: three placement members (Raft), three journal servers and a broker, each
// with its own certificate from one test CA, `tls_require_client_cert = true` and the cluster token on top. Raft
// replicates, the journal servers and the broker register and heartbeat, a storage adapter appends (the journal
// servers replicating to each other over the data port), the broker keeps its messages on the journal, placement
// calls the broker (a delayed will) and the journal servers (a segment hand-over) — all over TLS. Every internal port refuses a plaintext client and a client whose
// certificate comes from another CA, and certificates replaced on disk are served without a restart.
import { connect as connectTls, type PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { ClusterTls } from '@robustmq/common';
import { clusterClientOptions, newKvClient } from '@robustmq/protocol';
import {
  makeTestPki,
  mqttClients,
  sleep,
  testScope,
  type TestNodeCert,
  type TestPki,
  willClient,
} from '@robustmq/testing';
import { startTestBroker, type TestBroker } from '@robustmq/testing/broker';
import {
  expectShardRoundTrip,
  journalAdapter,
  probeJournalData,
  useTestJournals,
} from '@robustmq/testing/journal';
import { startPlacementCluster, type TestPlacementCluster } from '@robustmq/testing/placement';
import { afterAll, beforeAll, expect, it } from 'vitest';

const TOKEN = 'tls-test-secret';
const HEARTBEAT_TIMEOUT_MS = 1_000;
const scope = testScope();
let pki: TestPki;
const certs = new Map<string, TestNodeCert>();
let placement: TestPlacementCluster;
let broker: TestBroker;
let tester: ClusterTls;
let intruder: ClusterTls;
const closers: Array<() => void> = [];
afterAll(() => {
  for (const c of closers) c();
});

/** `[cluster]` sections putting a service on mutual TLS (with the token on top) with certificate `name`. */
function tlsSections(name: string): Record<string, Record<string, unknown>> {
  const { cert, keys } = pki.clusterKeys(name);
  certs.set(name, cert);
  return { cluster: { auth_token: TOKEN, ...keys } };
}

/** A client's TLS material built the way a service builds its own from `[cluster]`. */
function clientTls(cert: TestNodeCert): ClusterTls {
  return scope.add(pki.clusterTls(cert));
}

beforeAll(async () => {
  pki = scope.add(makeTestPki('robustmq-cluster-ca'));
  const foreignPki = scope.add(makeTestPki('some-other-ca'));
  tester = clientTls(pki.issue('tester'));
  // trusts our CA (so it accepts our servers) but presents a certificate our CA never signed
  intruder = clientTls(foreignPki.issue('intruder'));
  placement = scope.add(
    await startPlacementCluster(3, {
      authToken: TOKEN,
      heartbeat: { timeout_ms: HEARTBEAT_TIMEOUT_MS, check_interval_ms: 100 },
      tickMs: 50,
      electionTicks: 10,
      fastScheduler: true,
      overrides: tlsSections('placement'),
    }),
  );
});
// a leader change here can only be placement's hand-over over the inner service
const journals = useTestJournals(
  3,
  () => ({
    placement: placement.addresses,
    handoverOnly: true,
    overrides: (id) => tlsSections(`journal-${id}`),
  }),
  scope,
);

beforeAll(async () => {
  // on the journal: its message log and sessions go through the journal adapter over TLS too
  broker = scope.add(
    await startTestBroker(
      {},
      {
        id: 1,
        placement: placement.addresses,
        sections: { ...tlsSections('broker-1'), storage: { type: 'journal' } },
      },
    ),
  );
}, 60_000);

const client = () => placement.client({ authToken: TOKEN, tls: tester, callTimeoutMs: 20_000 });
/** A storage adapter's token and TLS material (the tester's certificate). */
const secure = () => ({ authToken: TOKEN, tls: tester });
const mqtt = mqttClients(scope, () => broker.url, { protocolVersion: 5 });

async function clusterStatus(
  id: number,
): Promise<{ leader: number; commitIndex: number; appliedIndex: number }> {
  const res = await fetch(`http://127.0.0.1:${placement.member(id).handle!.ports.http}/api/v1/cluster`);
  return (await res.json()) as { leader: number; commitIndex: number; appliedIndex: number };
}

/** every cluster-internal gRPC port of the cluster, by what serves it. */
function grpcPorts(): [string, number][] {
  return [
    ...placement.members.map((m) => [`placement ${m.id}`, m.grpcPort] as [string, number]),
    ...[...journals].map(([id, j]) => [`journal ${id} inner`, j.ports.grpc] as [string, number]),
    ['broker inner', broker.handle.ports.grpc!],
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

/** The error code a Read on a data port gets ('OK' if none): who the port lets in. */
async function probeData(port: number, tls: ClusterTls | undefined): Promise<string> {
  const answer = await probeJournalData(`127.0.0.1:${port}`, { authToken: TOKEN, tls, namespace: 'tls' });
  return answer.split(':')[0]!;
}

/** The certificate a port presents (the handshake made with the tester's valid client certificate). */
function servedCert(port: number): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connectTls(
      { host: '127.0.0.1', port, secureContext: tester.secureContext(), ALPNProtocols: ['h2'] },
      () => {
        const cert = socket.getPeerCertificate();
        socket.destroy();
        resolve(cert);
      },
    );
    socket.on('error', reject);
  });
}

it('Raft replicates between the three members over TLS', async () => {
  await placement.leader();
  await client().kv.set('tls/replicated', 'v1');
  const { commitIndex } = await clusterStatus(1);
  for (const id of [1, 2, 3]) {
    await expect
      .poll(async () => (await clusterStatus(id)).appliedIndex, { timeout: 5_000 })
      .toBeGreaterThanOrEqual(commitIndex);
  }
  const leaders = await Promise.all([1, 2, 3].map(async (id) => (await clusterStatus(id)).leader));
  expect(new Set(leaders).size).toBe(1);
  expect(leaders[0]).toBeGreaterThan(0);
});

it('the journal servers and the broker register and keep heartbeating', async () => {
  const c = client();
  const registered = async () =>
    (await c.cluster.listNodes())
      .map((n) => `${n.clusterType}/${n.nodeId}@${String(n.registeredAtMs)}`)
      .sort();
  const before = await registered();
  expect(before.map((n) => n.split('@')[0])).toEqual([
    'JOURNAL_SERVER/1',
    'JOURNAL_SERVER/2',
    'JOURNAL_SERVER/3',
    'MQTT_BROKER/1',
  ]);
  // past twice the heartbeat timeout: still there, under the same registration (kept alive, not re-registered)
  await sleep(2 * HEARTBEAT_TIMEOUT_MS);
  expect(await registered()).toEqual(before);
});

it('a storage adapter appends and reads through placement and the data ports, replicas following over TLS', async () => {
  const adapter = journalAdapter(placement.addresses, 'tls', { acks: 'all', ...secure() });
  try {
    await expectShardRoundTrip(adapter);
  } finally {
    await adapter.close();
  }
});

it("placement's leader calls the broker over TLS (a delayed will it fires)", async () => {
  const c = client();
  const sub = await mqtt({ clientId: 'tls-will-sub' });
  await sub.subscribeAsync('tls/will', { qos: 1 });
  const got = new Promise<string>((resolve) =>
    sub.on('message', (_t, payload) => resolve(payload.toString())),
  );
  const dying = await mqtt(willClient('tls-dying', 'tls/will', 'gone'));
  await expect
    .poll(async () => (await c.mqtt.getResource('WILL_MESSAGE', 'tls-dying'))?.record, { timeout: 5_000 })
    .toBeDefined();
  dying.stream.destroy();
  dying.end(true);
  expect(await got).toBe('gone');
  // placement sent it (the broker's own fallback timer is cancelled once placement holds the will)
  await expect
    .poll(() => c.mqtt.getResource('WILL_MESSAGE', 'tls-dying'), { timeout: 5_000 })
    .toBeUndefined();
});

it('every internal port refuses plaintext clients', async () => {
  for (const [what, port] of grpcPorts()) {
    expect([what, await probeGrpc(port, grpc.credentials.createInsecure())]).toEqual([
      what,
      grpc.status.UNAVAILABLE,
    ]);
  }
  for (const [id, j] of journals) {
    expect([id, await probeData(j.ports.data, undefined)]).toEqual([id, 'UNAVAILABLE']);
  }
});

it('every internal port refuses a peer whose certificate comes from another CA, and admits ours', async () => {
  for (const [what, port] of grpcPorts()) {
    expect([what, await probeGrpc(port, intruder.channelCredentials())]).toEqual([
      what,
      grpc.status.UNAVAILABLE,
    ]);
    // with our CA's certificate the call gets through TLS and the token check to a handler
    expect([what, await probeGrpc(port, tester.channelCredentials())]).not.toEqual([
      what,
      grpc.status.UNAVAILABLE,
    ]);
  }
  for (const [id, j] of journals) {
    expect([id, await probeData(j.ports.data, intruder)]).toEqual([id, 'UNAVAILABLE']);
    expect([id, await probeData(j.ports.data, tester)]).toEqual([id, 'SHARD_NOT_FOUND']);
  }
});

it('certificates replaced on disk are served without a restart, and the cluster keeps working', async () => {
  const targets: [string, number][] = [
    ['placement', placement.member(1).grpcPort],
    ['journal-2', journals.get(2)!.ports.grpc],
    ['journal-2', journals.get(2)!.ports.data],
    ['broker-1', broker.handle.ports.grpc!],
  ];
  const before = new Map<number, string>();
  for (const [, port] of targets) before.set(port, (await servedCert(port)).serialNumber);
  const rotated = new Map<string, string>();
  for (const name of new Set(targets.map(([n]) => n))) {
    const fresh = pki.issue(`${name}-rotated`, certs.get(name)!);
    rotated.set(name, fresh.cert.toString());
  }
  for (const [name, port] of targets) {
    await expect
      .poll(async () => (await servedCert(port)).serialNumber, { timeout: 5_000 })
      .not.toBe(before.get(port));
    expect((await servedCert(port)).subject.CN).toBe(`${name}-rotated`);
  }
  // new connections everywhere (a fresh client and adapter) still work with the rotated certificates
  const adapter = journalAdapter(placement.addresses, 'tls2', { acks: 'all', ...secure() });
  try {
    await adapter.createShard('r');
    await adapter.append('r', [{ payload: Buffer.from('after-rotation') }]);
    expect((await adapter.read('r', 0, { maxRecords: 10 })).map((r) => r.payload.toString())).toEqual([
      'after-rotation',
    ]);
  } finally {
    await adapter.close();
  }
});

it("placement's hand-over reaches the journal servers' inner service over TLS when a segment leader shuts down", async () => {
  const adapter = journalAdapter(placement.addresses, 'handover', secure());
  await journals.expectHandoverOnLeaderStop(adapter, client(), 'handover', 10);
});
