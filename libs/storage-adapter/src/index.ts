// @robustmq/storage-adapter: the StorageAdapter interface, its implementations and the factory that picks one.
// The conformance suite (src/conformance/suite.ts) is deliberately not exported here: it imports vitest.
export * from './storage-adapter.js';
export * from './storage-error.js';
export * from './memory-adapter.js';
export * from './rocksdb-adapter.js';
export * from './mysql-adapter.js';
export type { MySqlStorageOptions } from './mysql-config.js';
export * from './factory.js';
export type { GroupCommitStats } from './group-commit-queue.js';
// the journal cluster: its adapter, and the data-port protocol and client the journal server shares
export * from './journal-adapter.js';
export * from './journal-protocol.js';
export * from './journal-connection.js';
export { assignOffset, assignOffsetAt, decodeRecord, encodeRecord, encodeRecordBatch, readU64, restampOffsetAt, writeU64, type RecordFields } from './record-codec.js';
export { crc32, crc32Range, crc32WithNewPrefix } from './crc32.js';
export { advanceRetentionMark, readRetentionMark, retentionMarkKey } from './journal-catalog.js';
// test support (no vitest inside): a private MariaDB for the mysql tests of this package and of the broker
export {
  MARIADB_INSTALL_HINT,
  dropDatabase,
  freshDatabaseName,
  mysqlTestMode,
  startMariaDb,
  type MariaDbServer,
} from './testing/mariadb-server.js';
