// RaftTransport over gRPC: one long-lived client stream per peer (order kept per peer), inbound batches routed by group.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@robustmq/common';
import {
  clusterChannelCredentials,
  clusterClientOptions,
  clusterServerCredentials,
  clusterServerOptions,
  type ClusterTls,
} from '@robustmq/protocol';
import type { Message } from '../message.js';
import type { RaftTransport } from '../node/transport.js';
import type { NodeId } from '../types.js';
import { decodeBatch, encodeBatch } from './wire-codec.js';

/** What one stream write carries: a RaftBatch (proto/raft.proto) before encoding. */
interface OutgoingBatch {
  readonly group: string;
  readonly messages: readonly Message[];
}

/**
 * The RaftTransport service of proto/raft.proto with our own codec (wire-codec.ts) instead of proto-loader's: same
 * path and bytes, a fraction of the CPU. Requests are decoded in the handler, not by gRPC, so one malformed batch
 * is logged and dropped instead of killing the stream.
 */
const SERVICE = {
  Send: {
    path: '/robustmq.raft.RaftTransport/Send',
    requestStream: true,
    responseStream: false,
    requestSerialize: (b: OutgoingBatch): Buffer => encodeBatch(b.group, b.messages),
    requestDeserialize: (buf: Buffer): Buffer => buf,
    responseSerialize: (): Buffer => Buffer.alloc(0),
    responseDeserialize: (): Record<string, never> => ({}),
  },
} satisfies grpc.ServiceDefinition;

interface RaftTransportClient extends grpc.Client {
  Send(callback: (err: grpc.ServiceError | null) => void): grpc.ClientWritableStream<OutgoingBatch>;
}

const RaftTransportClient = grpc.makeGenericClientConstructor(SERVICE, 'RaftTransport') as unknown as new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ClientOptions,
) => RaftTransportClient;

export interface GrpcRaftTransportOptions {
  selfId: NodeId;
  /** Raft group name; several groups may share one gRPC server (default "default"). */
  group?: string;
  peers?: ReadonlyMap<NodeId, string>;
  /** A server to add the RaftTransport service to (e.g. the placement center's); without one, call listen(). */
  server?: grpc.Server;
  logger: Logger;
  /** Per peer: bytes written but not yet handed to the socket above which new messages are dropped (64 MiB). */
  maxBufferedBytes?: number;
  /** The cluster secret sent to peers and, on a server of the transport's own, required from them. A shared
   * server checks it itself (see clusterServerOptions). */
  authToken?: string | undefined;
  /** Cluster TLS for the streams to peers and, on a server of the transport's own, for listen(). A shared server is
   * bound by its owner with its own credentials. */
  tls?: ClusterTls | undefined;
}

/** Per-server registry so several groups can share one service registration. */
const registries = new WeakMap<grpc.Server, Map<string, GrpcRaftTransport>>();

function register(server: grpc.Server, group: string, t: GrpcRaftTransport): void {
  let groups = registries.get(server);
  if (!groups) {
    const reg = new Map<string, GrpcRaftTransport>();
    groups = reg;
    registries.set(server, reg);
    const handlers: grpc.UntypedServiceImplementation = {
      Send(call: grpc.ServerReadableStream<Buffer, unknown>, callback: grpc.sendUnaryData<unknown>) {
        call.on('data', (buf: Buffer) => {
          let batch: { group: string; messages: Message[] };
          try {
            batch = decodeBatch(buf);
          } catch (err) {
            // Nobody to blame by id (the batch did not decode): log and drop, Raft resends.
            for (const t of reg.values()) t.malformed(err);
            return;
          }
          reg.get(batch.group)?.receive(batch.messages);
        });
        call.on('end', () => callback(null, {}));
        // A peer going away mid-stream is normal; it reconnects with a new stream.
        call.on('error', () => undefined);
      },
    };
    server.addService(SERVICE, handlers);
  }
  if (groups.has(group)) throw new Error(`raft group "${group}" already has a transport on this gRPC server`);
  groups.set(group, t);
}

function unregister(server: grpc.Server, group: string): void {
  const groups = registries.get(server);
  if (!groups) return;
  groups.delete(group);
  if (groups.size === 0) {
    registries.delete(server);
    server.removeService(SERVICE);
  }
}

/** Batches are cut at about this size; one message (≤ maxSizePerMsg / a snapshot chunk, 1 MiB) may exceed it. */
const MAX_BATCH_BYTES = 2 * 1024 * 1024;

/** A peer whose buffer stays full this long gets a new stream. */
const STUCK_STREAM_MS = 5_000;

/** Rough wire size of a message, for the per-peer buffer limit. */
function approxSize(m: Message): number {
  let n = 64;
  if (m.type === 'MsgApp') for (const e of m.entries) n += e.data.byteLength + 24;
  else if (m.type === 'MsgSnap') n += m.data.byteLength;
  return n;
}

class PeerLink {
  client: RaftTransportClient | undefined;
  stream: grpc.ClientWritableStream<OutgoingBatch> | undefined;
  bufferedBytes = 0;
  reachable = true;
  dropped = 0;
  /** When the buffer was first found full (undefined while it drains). */
  fullSince: number | undefined;

  constructor(readonly address: string) {}
}

export class GrpcRaftTransport implements RaftTransport {
  readonly selfId: NodeId;
  readonly group: string;
  private readonly links = new Map<NodeId, PeerLink>();
  private handler: ((m: Message) => void) | undefined;
  private readonly server: grpc.Server;
  private readonly ownServer: boolean;
  private readonly logger: Logger;
  private readonly maxBufferedBytes: number;
  private readonly authToken: string | undefined;
  private readonly tls: ClusterTls | undefined;
  private closed = false;

  constructor(opts: GrpcRaftTransportOptions) {
    this.selfId = opts.selfId;
    this.group = opts.group ?? 'default';
    this.logger = opts.logger;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 64 * 1024 * 1024;
    this.authToken = opts.authToken;
    this.tls = opts.tls;
    this.ownServer = opts.server === undefined;
    this.server = opts.server ?? new grpc.Server(clusterServerOptions(opts.authToken));
    register(this.server, this.group, this);
    for (const [id, address] of opts.peers ?? []) this.addPeer(id, address);
  }

  /** Binds the transport's own server (only when no shared server was given); returns the bound port. */
  listen(address = '127.0.0.1:0'): Promise<number> {
    if (!this.ownServer) throw new Error('this transport shares a gRPC server; bind that server instead');
    return new Promise((resolve, reject) =>
      this.server.bindAsync(address, clusterServerCredentials(this.tls), (err, port) =>
        err ? reject(new Error(`raft transport cannot listen on ${address}: ${err.message}`)) : resolve(port),
      ),
    );
  }

  onMessage(handler: (m: Message) => void): void {
    this.handler = handler;
  }

  addPeer(id: NodeId, address: string): void {
    if (id === this.selfId) return;
    const cur = this.links.get(id);
    if (cur?.address === address) return;
    if (cur) this.closeLink(cur);
    this.links.set(id, new PeerLink(address));
  }

  removePeer(id: NodeId): void {
    const link = this.links.get(id);
    if (!link) return;
    this.closeLink(link);
    this.links.delete(id);
  }

  peerAddress(id: NodeId): string | undefined {
    return this.links.get(id)?.address;
  }

  send(messages: readonly Message[]): void {
    if (this.closed || messages.length === 0) return;
    // Group by peer so each peer gets one batch (one protobuf frame) per call, in the order given.
    const byPeer = new Map<NodeId, { msgs: Message[]; bytes: number }>();
    for (const m of messages) {
      const size = approxSize(m);
      let b = byPeer.get(m.to);
      if (b && b.bytes + size > MAX_BATCH_BYTES) {
        // Stay under the receiver's message limit (gRPC's default is 4 MiB): a catching-up follower can be owed
        // hundreds of MsgApps at once.
        this.write(m.to, b.msgs, b.bytes);
        b = undefined;
      }
      if (!b) {
        b = { msgs: [], bytes: 0 };
        byPeer.set(m.to, b);
      }
      b.msgs.push(m);
      b.bytes += size;
    }
    for (const [to, b] of byPeer) this.write(to, b.msgs, b.bytes);
  }

  /** Called by the server side with the messages of a batch addressed to this group. */
  receive(messages: readonly Message[]): void {
    const h = this.handler;
    if (!h || this.closed) return;
    for (const m of messages) {
      if (m.to !== this.selfId) {
        this.logger.warn({ to: m.to, self: this.selfId }, 'dropping raft message addressed to another node');
        continue;
      }
      h(m);
    }
  }

  malformed(err: unknown): void {
    this.logger.warn({ err, group: this.group }, 'dropping malformed raft batch');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const link of this.links.values()) this.closeLink(link);
    this.links.clear();
    unregister(this.server, this.group);
    if (this.ownServer) this.server.forceShutdown();
  }

  private write(to: NodeId, msgs: Message[], bytes: number): void {
    const link = this.links.get(to);
    if (!link) {
      this.logger.debug({ to, group: this.group }, 'no address for raft peer; dropping messages');
      return;
    }
    if (link.bufferedBytes + bytes > this.maxBufferedBytes) {
      // The peer is not draining (slow or gone): drop, Raft resends what matters. A stream that stays stuck (a
      // silently dead connection never errors) is cancelled so the next send opens a fresh one.
      const now = Date.now();
      link.fullSince ??= now;
      if (now - link.fullSince > STUCK_STREAM_MS) {
        this.logger.warn({ to, address: link.address }, 'raft peer stream stuck; reconnecting');
        link.stream?.cancel();
        link.stream = undefined;
        link.bufferedBytes = 0;
        link.fullSince = undefined;
      } else {
        if (link.dropped++ % 1000 === 0) {
          this.logger.warn({ to, bytes: link.bufferedBytes }, 'raft peer buffer full; dropping');
        }
        return;
      }
    } else {
      link.fullSince = undefined;
    }
    const stream = this.streamFor(to, link);
    link.bufferedBytes += bytes;
    stream.write({ group: this.group, messages: msgs }, (err: unknown) => {
      if (link.stream === stream) link.bufferedBytes -= bytes;
      if (!err) link.reachable = true;
    });
  }

  private streamFor(to: NodeId, link: PeerLink): grpc.ClientWritableStream<OutgoingBatch> {
    if (link.stream) return link.stream;
    link.client ??= new RaftTransportClient(
      link.address,
      clusterChannelCredentials(this.tls),
      clusterClientOptions(this.authToken, {
        'grpc.max_send_message_length': 256 * 1024 * 1024,
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 1000,
      }),
    );
    const stream = link.client.Send((err) => {
      if (link.stream === stream) {
        link.stream = undefined;
        link.bufferedBytes = 0;
      }
      if (err && !this.closed && link.reachable) {
        // There is no unreachable-report in the core: the leader's progress tracking notices on its own.
        link.reachable = false;
        this.logger.info(
          { to, address: link.address, code: err.code, details: err.details },
          'raft peer unreachable; dropping until it returns',
        );
      }
    });
    stream.on('error', () => undefined);
    link.stream = stream;
    return stream;
  }

  private closeLink(link: PeerLink): void {
    const s = link.stream;
    link.stream = undefined;
    s?.end();
    link.client?.close();
    link.client = undefined;
  }
}
