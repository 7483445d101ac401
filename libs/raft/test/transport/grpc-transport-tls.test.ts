// GrpcRaftTransport on mutual TLS with a server of its own (listen()): peers with certificates from the cluster CA
// exchange messages, a peer presenting a certificate from another CA and a plaintext peer are refused at the
// handshake, so nothing they send is delivered.
import type { ClusterTls } from '@robustmq/common';
import { makeTestPki, testScope, type TestPki } from '@robustmq/testing';
import { beforeAll, it } from 'vitest';
import { expectOnlyAdmitted, listeningPeer } from './peers.js';

const scope = testScope();
let pki: TestPki;
let foreign: TestPki;

beforeAll(() => {
  pki = scope.add(makeTestPki());
  foreign = scope.add(makeTestPki('another-ca'));
});

/** Every node trusts the cluster CA; only the certificate differs. */
const material = (ca: TestPki, name: string): ClusterTls => scope.add(pki.clusterTls(ca.issue(name)));

it('delivers between peers of the cluster CA and refuses a foreign certificate and plaintext', async () => {
  const server = await listeningPeer(scope, 1, { tls: material(pki, 'node-1') });
  const friend = await listeningPeer(scope, 2, { tls: material(pki, 'node-2') });
  const impostor = await listeningPeer(scope, 3, { tls: material(foreign, 'node-3') });
  const plain = await listeningPeer(scope, 4);
  await expectOnlyAdmitted(server, friend, [impostor, plain]);
});
