// Transport peers for the gRPC transport tests: a transport on its own loopback server that records what it
// receives, the heartbeat they exchange, and the admission check the auth and TLS tests share (a peer the server
// accepts gets through; what refused peers send never arrives).
import { createLogger } from '@robustmq/common';
import type { Scope } from '@robustmq/testing';
import { expect } from 'vitest';
import type { Message } from '../../src/message.js';
import { GrpcRaftTransport, type GrpcRaftTransportOptions } from '../../src/transport/index.js';
import { waitFor } from '../node/cluster.js';

const logger = createLogger({ service: 'raft-transport-test', level: 'silent' });

export const hb = (from: number, to: number, tick: number): Message => ({
  type: 'MsgHeartbeat',
  from,
  to,
  term: 1,
  commit: 0,
  context: new Uint8Array(),
  tick,
});

export interface Peer {
  id: number;
  t: GrpcRaftTransport;
  port: number;
  got: Message[];
}

/** A transport listening on 127.0.0.1:`port` (0: a free one), closed with `scope`. */
export async function listeningPeer(
  scope: Scope,
  id: number,
  options: Partial<GrpcRaftTransportOptions> = {},
  port = 0,
): Promise<Peer> {
  const t = scope.add(new GrpcRaftTransport({ selfId: id, logger, ...options }));
  const got: Message[] = [];
  t.onMessage((m) => got.push(m));
  return { id, t, port: await t.listen(`127.0.0.1:${port}`), got };
}

/** `friend` and `refused` all send to `server`: only the friend's messages arrive, before and after the refused
 * peers tried. */
export async function expectOnlyAdmitted(server: Peer, friend: Peer, refused: Peer[]): Promise<void> {
  for (const peer of [friend, ...refused]) peer.t.addPeer(server.id, `127.0.0.1:${server.port}`);
  friend.t.send([hb(friend.id, server.id, 1)]);
  await waitFor(() => server.got.length === 1, 5_000, 'the message from the admitted peer');
  for (let i = 0; i < 5; i++) {
    for (const peer of refused) peer.t.send([hb(peer.id, server.id, 100 * peer.id + i)]);
    await new Promise((r) => setTimeout(r, 40));
  }
  friend.t.send([hb(friend.id, server.id, 2)]);
  await waitFor(() => server.got.length === 2, 5_000, 'the second message from the admitted peer');
  expect(server.got.map((m) => m.from)).toEqual([friend.id, friend.id]);
}
