// GrpcRaftTransport on loopback: per-peer order, shared servers with several groups, dropping for unreachable peers
// and reconnecting when a peer comes back.
import * as grpc from '@grpc/grpc-js';
import { createLogger } from '@robustmq/common';
import { testScope } from '@robustmq/testing';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/message.js';
import { GrpcRaftTransport } from '../../src/transport/index.js';
import { hb, listeningPeer } from '../transport/peers.js';
import { waitFor } from './cluster.js';

const logger = createLogger({ service: 'raft-transport-test', level: 'silent' });

describe('GrpcRaftTransport', () => {
  const scope = testScope('each');
  const make = (id: number, port = 0) => listeningPeer(scope, id, {}, port);

  it('delivers in order per peer, in batches', async () => {
    const a = await make(1);
    const b = await make(2);
    a.t.addPeer(2, `127.0.0.1:${b.port}`);
    for (let i = 0; i < 50; i++) a.t.send(Array.from({ length: 20 }, (_, j) => hb(1, 2, i * 20 + j)));
    await waitFor(() => b.got.length === 1000, 5000, 'all messages');
    expect(b.got.map((m) => (m as { tick: number }).tick)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('splits a large send into batches under the receiver message limit', async () => {
    const a = await make(1);
    const b = await make(2);
    a.t.addPeer(2, `127.0.0.1:${b.port}`);
    const data = new Uint8Array(20_000).fill(3);
    // 300 appends of 20 kB: 6 MB for one peer in one call, beyond gRPC's default 4 MiB receive limit.
    a.t.send(
      Array.from({ length: 300 }, (_, i) => ({
        type: 'MsgApp' as const,
        from: 1,
        to: 2,
        term: 1,
        logTerm: 1,
        index: i,
        commit: 0,
        entries: [{ index: i + 1, term: 1, type: 'normal' as const, data }],
      })),
    );
    await waitFor(() => b.got.length === 300, 10_000, 'all appends');
    expect(b.got.map((m) => (m as { index: number }).index)).toEqual(
      Array.from({ length: 300 }, (_, i) => i),
    );
  });

  it('drops messages to unknown or unreachable peers without throwing, and reconnects when the peer returns', async () => {
    const a = await make(1);
    const b = await make(2);
    a.t.send([hb(1, 9, 0)]); // no address for 9
    a.t.addPeer(2, `127.0.0.1:${b.port}`);
    a.t.send([hb(1, 2, 1)]);
    await waitFor(() => b.got.length === 1, 5000, 'first message');
    await b.t.close();
    for (let i = 0; i < 5; i++) {
      a.t.send([hb(1, 2, 100 + i)]);
      await new Promise((r) => setTimeout(r, 20));
    }
    const b2 = await make(2, b.port);
    await waitFor(
      () => {
        a.t.send([hb(1, 2, 7)]);
        return b2.got.length > 0;
      },
      10_000,
      'delivery after the peer restarts',
    );
    expect(b2.got.at(-1)).toMatchObject({ type: 'MsgHeartbeat', tick: 7 });
  });

  it('routes by group when several groups share one server', async () => {
    const server = new grpc.Server();
    scope.defer(() => server.forceShutdown(), 'shared gRPC server');
    const ga = scope.add(new GrpcRaftTransport({ selfId: 2, group: 'a', server, logger }));
    const gb = scope.add(new GrpcRaftTransport({ selfId: 2, group: 'b', server, logger }));
    expect(() => new GrpcRaftTransport({ selfId: 3, group: 'a', server, logger })).toThrow(
      /already has a transport/,
    );
    const gotA: Message[] = [];
    const gotB: Message[] = [];
    ga.onMessage((m) => gotA.push(m));
    gb.onMessage((m) => gotB.push(m));
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    // node 1 of each group, sending to node 2 of that group on the shared server
    const sender = (group: string) =>
      scope.add(
        new GrpcRaftTransport({ selfId: 1, group, logger, peers: new Map([[2, `127.0.0.1:${port}`]]) }),
      );
    const sa = sender('a');
    const sb = sender('b');
    sa.send([hb(1, 2, 1)]);
    sb.send([hb(1, 2, 2), hb(1, 2, 3)]);
    await waitFor(() => gotA.length === 1 && gotB.length === 2, 5000, 'both groups');
    expect(gotA.map((m) => (m as { tick: number }).tick)).toEqual([1]);
    expect(gotB.map((m) => (m as { tick: number }).tick)).toEqual([2, 3]);
  });
});
