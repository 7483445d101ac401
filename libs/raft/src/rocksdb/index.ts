// @robustmq/raft/rocksdb: the durable RaftLogStore over a KvEngine (RocksDB), with its on-disk key and value codec.
export { RocksDbRaftStorage, type RocksDbRaftStorageOptions } from './rocksdb-storage.js';
