// The seam between a RaftNode and the network: ordered, lossy, best-effort delivery of core messages to peers.
import type { Message } from '../message.js';
import type { NodeId } from '../types.js';

/**
 * Raft tolerates loss, duplication and reordering across connections, so a transport may drop anything it cannot
 * deliver (an unreachable peer, a full buffer); within one peer it should keep order, or throughput collapses into
 * rejections and probes.
 */
export interface RaftTransport {
  /** Queues `messages` for their `to` peers; never blocks, never throws for an unreachable peer. */
  send(messages: readonly Message[]): void;
  /** Where received messages go; set once by the node. */
  onMessage(handler: (m: Message) => void): void;
  addPeer(id: NodeId, address: string): void;
  removePeer(id: NodeId): void;
  /** Address currently used for `id`, if known. */
  peerAddress(id: NodeId): string | undefined;
  close(): Promise<void>;
}
