// @robustmq/storage-adapter/testing: test support only — the conformance suite every adapter passes (imports vitest),
// the group-commit check of the adapters that batch, and a private MariaDB for the mysql tests of this package and of the broker. Never exported from the main index.
export * from './conformance-suite.js';
export * from './group-commit-check.js';
export * from './mariadb-server.js';
