// GrpcRaftTransport on mutual TLS with a server of its own (listen()): peers with certificates from the cluster CA
// exchange messages, a peer presenting a certificate from another CA and a plaintext peer are refused at the
// handshake, so nothing they send is delivered.
import { clusterTls, createLogger, type ClusterTls } from '@robustmq/common';
import { makeTestPki, testScope, type TestPki } from '@robustmq/testing';
import { beforeAll, expect, it } from 'vitest';
import type { Message } from '../../src/message.js';
import { GrpcRaftTransport } from '../../src/transport/index.js';
import { waitFor } from '../node/cluster.js';

const logger = createLogger({ service: 'raft-transport-tls-test', level: 'silent' });
const hb = (from: number, to: number, tick: number): Message => ({
  type: 'MsgHeartbeat',
  from,
  to,
  term: 1,
  commit: 0,
  context: new Uint8Array(),
  tick,
});
const scope = testScope();
let pki: TestPki;
let foreign: TestPki;

beforeAll(() => {
  pki = scope.add(makeTestPki());
  foreign = scope.add(makeTestPki('another-ca'));
});

function material(ca: TestPki, name: string): ClusterTls {
  const cert = ca.issue(name);
  const base = {
    auth_token: '',
    auth_token_file: '',
    tls_require_client_cert: true,
    tls_reload_interval_ms: 5_000,
  };
  // every node trusts the cluster CA; only the certificate differs
  return scope.add(
    clusterTls({
      ...base,
      tls_cert_file: cert.certFile,
      tls_key_file: cert.keyFile,
      tls_ca_file: pki.caFile,
    })!,
  );
}

async function make(
  id: number,
  tls: ClusterTls | undefined,
): Promise<{ t: GrpcRaftTransport; port: number; got: Message[] }> {
  const t = scope.add(new GrpcRaftTransport({ selfId: id, logger, tls }));
  const got: Message[] = [];
  t.onMessage((m) => got.push(m));
  return { t, port: await t.listen('127.0.0.1:0'), got };
}

it('delivers between peers of the cluster CA and refuses a foreign certificate and plaintext', async () => {
  const server = await make(1, material(pki, 'node-1'));
  const friend = await make(2, material(pki, 'node-2'));
  const impostor = await make(3, material(foreign, 'node-3'));
  const plain = await make(4, undefined);
  for (const peer of [friend, impostor, plain]) peer.t.addPeer(1, `127.0.0.1:${server.port}`);

  friend.t.send([hb(2, 1, 1)]);
  await waitFor(() => server.got.length === 1, 5_000, 'the message from the peer with a cluster certificate');
  for (let i = 0; i < 5; i++) {
    impostor.t.send([hb(3, 1, 100 + i)]);
    plain.t.send([hb(4, 1, 200 + i)]);
    await new Promise((r) => setTimeout(r, 40));
  }
  friend.t.send([hb(2, 1, 2)]);
  await waitFor(
    () => server.got.length === 2,
    5_000,
    'the second message from the peer with a cluster certificate',
  );
  expect(server.got.map((m) => m.from)).toEqual([2, 2]);
});
