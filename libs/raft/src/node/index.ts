// @robustmq/raft/node: RaftNode, the driver that runs the core with real time, storage and network, and the two
// seams it is given at construction — RaftLogStore (the RocksDB one is @robustmq/raft/rocksdb) and RaftTransport
// (the gRPC one is @robustmq/raft/transport). Loading this entry loads neither RocksDB nor gRPC.
export type { PersistableReady, PersistContext, RaftLogStore } from './log-store.js';
export type { RaftTransport } from './transport.js';
export {
  RaftNode,
  type MemberRole,
  type MemberStatus,
  type RaftApplication,
  type RaftNodeEvents,
  type RaftNodeOptions,
  type RaftNodeStatus,
} from './raft-node.js';
export { ProposalSupersededError, RaftNodeError, type RaftNodeErrorCode } from './errors.js';
