// GrpcRaftTransport with a cluster auth token on its own server: peers with the same token exchange messages, a peer
// without it or with another one is refused (its stream ends UNAUTHENTICATED) and nothing it sends is delivered.
import { testScope } from '@robustmq/testing';
import { it } from 'vitest';
import { expectOnlyAdmitted, listeningPeer } from './peers.js';

const scope = testScope();

it('delivers between peers with the same token and drops what peers without it send', async () => {
  const server = await listeningPeer(scope, 1, { authToken: 'raft-secret' });
  const friend = await listeningPeer(scope, 2, { authToken: 'raft-secret' });
  const stranger = await listeningPeer(scope, 3);
  const impostor = await listeningPeer(scope, 4, { authToken: 'another-secret' });
  await expectOnlyAdmitted(server, friend, [stranger, impostor]);
});
