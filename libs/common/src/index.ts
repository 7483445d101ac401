// @robustmq/common: what every service shares — config loading, logging, metrics, HTTP conventions and the local
// key-value engine. The placement client is @robustmq/placement-client.
export * from './config/load.js';
export * from './config/schema-helpers.js';
export * from './config/cluster-auth.js';
export * from './log/logger.js';
export * from './metrics/registry.js';
export * from './metrics/stage-timings.js';
export * from './http/errors.js';
export * from './http/observability.js';
export * from './kv-engine/kv-engine.js';
export * from './kv-engine/rocksdb-engine.js';
export * from './net/listen.js';
export { z } from 'zod';
export * from './process/run-service.js';
export * from './process/service-descriptor.js';
export * from './http/http-server.js';
export * from './http/admin-auth.js';
export * from './auth/password-hash.js';
export * from './auth/scram.js';
export * from './cli/command.js';
export * from './net/fd-budget.js';
export * from './limits/limit-reporter.js';
export * from './net/stream-listeners.js';
export * from './net/client-tls.js';
export * from './limits/token-bucket.js';
export * from './net/coalescing-writer.js';
export * from './acl/topic-match.js';
export * from './acl/acl-rules.js';
