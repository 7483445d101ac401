// @robustmq/raft/segment: the durable RaftLogStore over append-only segment files (fdatasync, no RocksDB).
export {
  SegmentLogStore,
  type SegmentLogFlush,
  type SegmentLogIo,
  type SegmentLogStoreOptions,
} from './segment-log-store.js';
