// Carries Raft messages between members over gRPC: one client stream per peer (in-order delivery), one batch per
// send() call per peer. A broken stream is dropped and reopened on the next send; messages in flight are lost,
// which Raft tolerates (it retries appends, heartbeats repair the rest).
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '@robustmq/common';
import {
  newRaftTransportClient,
  raftTransportDefinition,
  type RaftBatch,
  type RaftBatch__Output,
  type RaftTransportClient,
} from '@robustmq/protocol';
import type { Message } from '../message.js';
import type { NodeId } from '../types.js';
import { messageFromProto, messageToProto } from './message-codec.js';

export interface RaftTransport {
  send(messages: readonly Message[]): void;
  setPeer(id: NodeId, address: string): void;
  removePeer(id: NodeId): void;
  close(): void;
}

interface Peer {
  address: string;
  client: RaftTransportClient;
  stream?: grpc.ClientWritableStream<RaftBatch>;
}

/** Server side: routes incoming batches of one group to its handler. Several groups may share one gRPC server. */
export class RaftTransportServer {
  private readonly groups = new Map<string, (messages: Message[]) => void>();

  constructor(server: grpc.Server, private readonly logger?: Logger) {
    server.addService(raftTransportDefinition(), {
      Send: (call: grpc.ServerReadableStream<RaftBatch__Output, object>, callback: grpc.sendUnaryData<object>) => {
        call.on('data', (batch: RaftBatch__Output) => {
          const handler = this.groups.get(batch.group);
          if (!handler) return;
          try {
            handler(batch.messages.map(messageFromProto));
          } catch (err) {
            this.logger?.warn({ err, group: batch.group }, 'dropping a malformed raft batch');
          }
        });
        call.on('end', () => callback(null, {}));
        call.on('error', () => undefined);
      },
    });
  }

  register(group: string, handler: (messages: Message[]) => void): void {
    this.groups.set(group, handler);
  }

  unregister(group: string): void {
    this.groups.delete(group);
  }
}

export class GrpcRaftTransport implements RaftTransport {
  private readonly peers = new Map<NodeId, Peer>();
  private closed = false;

  constructor(
    private readonly group: string,
    peers: Map<NodeId, string>,
    private readonly logger?: Logger,
  ) {
    for (const [id, address] of peers) this.setPeer(id, address);
  }

  setPeer(id: NodeId, address: string): void {
    const existing = this.peers.get(id);
    if (existing?.address === address) return;
    if (existing) this.dropPeer(existing);
    this.peers.set(id, { address, client: newRaftTransportClient(address) });
  }

  removePeer(id: NodeId): void {
    const peer = this.peers.get(id);
    if (peer) this.dropPeer(peer);
    this.peers.delete(id);
  }

  private dropPeer(peer: Peer): void {
    peer.stream?.end();
    peer.stream = undefined;
    peer.client.close();
  }

  send(messages: readonly Message[]): void {
    if (this.closed || messages.length === 0) return;
    const byPeer = new Map<NodeId, Message[]>();
    for (const m of messages) {
      let list = byPeer.get(m.to);
      if (!list) byPeer.set(m.to, (list = []));
      list.push(m);
    }
    for (const [to, list] of byPeer) {
      const peer = this.peers.get(to);
      if (!peer) {
        this.logger?.debug({ to }, 'no address for raft peer; dropping messages');
        continue;
      }
      if (!peer.stream) {
        const stream = peer.client.Send((err) => {
          if (err && peer.stream === stream) peer.stream = undefined;
        });
        stream.on('error', () => {
          if (peer.stream === stream) peer.stream = undefined;
        });
        peer.stream = stream;
      }
      peer.stream.write({ group: this.group, messages: list.map(messageToProto) });
    }
  }

  close(): void {
    this.closed = true;
    for (const peer of this.peers.values()) this.dropPeer(peer);
    this.peers.clear();
  }
}
