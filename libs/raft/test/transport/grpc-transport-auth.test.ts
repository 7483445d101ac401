// GrpcRaftTransport with a cluster auth token on its own server: peers with the same token exchange messages, a peer
// without it or with another one is refused (its stream ends UNAUTHENTICATED) and nothing it sends is delivered.
import { createLogger } from '@robustmq/common';
import { afterEach, expect, it } from 'vitest';
import type { Message } from '../../src/message.js';
import { GrpcRaftTransport } from '../../src/transport/index.js';
import { waitFor } from '../node/cluster.js';

const logger = createLogger({ service: 'raft-transport-auth-test', level: 'silent' });
const hb = (from: number, to: number, tick: number): Message => ({
  type: 'MsgHeartbeat',
  from,
  to,
  term: 1,
  commit: 0,
  context: new Uint8Array(),
  tick,
});
const open: GrpcRaftTransport[] = [];

afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

async function make(
  id: number,
  authToken?: string,
): Promise<{ t: GrpcRaftTransport; port: number; got: Message[] }> {
  const t = new GrpcRaftTransport({ selfId: id, logger, authToken });
  open.push(t);
  const got: Message[] = [];
  t.onMessage((m) => got.push(m));
  return { t, port: await t.listen('127.0.0.1:0'), got };
}

it('delivers between peers with the same token and drops what peers without it send', async () => {
  const server = await make(1, 'raft-secret');
  const friend = await make(2, 'raft-secret');
  const stranger = await make(3);
  const impostor = await make(4, 'another-secret');
  for (const peer of [friend, stranger, impostor]) peer.t.addPeer(1, `127.0.0.1:${server.port}`);

  friend.t.send([hb(2, 1, 1)]);
  await waitFor(() => server.got.length === 1, 5_000, 'the message from the peer with the token');
  for (let i = 0; i < 5; i++) {
    stranger.t.send([hb(3, 1, 100 + i)]);
    impostor.t.send([hb(4, 1, 200 + i)]);
    await new Promise((r) => setTimeout(r, 40));
  }
  friend.t.send([hb(2, 1, 2)]);
  await waitFor(() => server.got.length === 2, 5_000, 'the second message from the peer with the token');
  expect(server.got.map((m) => m.from)).toEqual([2, 2]);
});
