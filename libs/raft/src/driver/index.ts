// The real-I/O drivers around the pure core: RocksDB storage, gRPC transport and the node runner.
export * from './message-codec.js';
export * from './rocksdb-storage.js';
export * from './grpc-transport.js';
export * from './raft-node.js';
