// @robustmq/storage-adapter/testing: test support only — the conformance suite every adapter passes (imports vitest)
// and a private MariaDB for the mysql tests of this package and of the broker. Never exported from the main index.
export * from './conformance-suite.js';
export * from './mariadb-server.js';
