// @robustmq/storage-adapter: the StorageAdapter interface, its implementations and the factory that picks one.
// Test support (the conformance suite, a private MariaDB) is in @robustmq/storage-adapter/testing, never here; the
// journal data-port protocol and record codec are in @robustmq/protocol/journal.
export * from './storage-adapter.js';
export * from './storage-error.js';
export * from './memory-adapter.js';
export * from './rocksdb-adapter.js';
export * from './mysql-adapter.js';
export type { MySqlStorageOptions } from './mysql-config.js';
export * from './factory.js';
export type { GroupCommitStats } from './group-commit-queue.js';
export * from './journal-adapter.js';
export { mysqlReason, openMySqlPool, type MySqlDatabase } from './mysql-open.js';
