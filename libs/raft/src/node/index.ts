// Public API of the real-I/O side of @robustmq/raft: RocksDB log storage, the transport seam and its gRPC
// implementation, and RaftNode, the driver that runs the core over them.
export {
  RocksDbRaftStorage,
  type PersistableReady,
  type RocksDbRaftStorageOptions,
} from './rocksdb-storage.js';
export type { RaftTransport } from './transport.js';
export { GrpcRaftTransport, type GrpcRaftTransportOptions } from '../transport/grpc-transport.js';
export { messageFromProto, messageToProto, MessageDecodeError } from '../transport/message-codec.js';
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
