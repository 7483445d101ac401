// @robustmq/protocol: wire formats shared by the services — gRPC definitions generated from proto/ and the MQTT codec.
export * from './grpc/loader.js';
export * from './grpc/placement.js';
export * from './mqtt/codec.js';
export * from './grpc/raft.js';
export * from './grpc/journal-inner.js';
export * from './grpc/broker-inner.js';
export * from './grpc/server-lifecycle.js';
export * from './grpc/unary-handler.js';
export * from './grpc/same-turn-trailers.js';
export * from './grpc/cluster-auth.js';
export * from './grpc/cluster-clients.js';
export * from './mqtt/validate.js';
export * from './mqtt/properties.js';
export * from './tls/cluster-tls.js';
