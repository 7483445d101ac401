// @robustmq/protocol/kafka: the Kafka wire protocol — primitive types, message declarations and the engine that reads
// and writes them, request/response framing, record batches v2 with CRC-32C, and the compression codecs.
export * from './wire.js';
export * from './schema.js';
export * from './apis.js';
export * from './frames.js';
export * from './error-codes.js';
export * from './crc32c.js';
export * from './compression.js';
export * from './record-batch.js';
export * from './batch-bytes.js';
export * from './messages/api-versions.js';
export * from './messages/metadata.js';
export * from './messages/produce.js';
export * from './messages/fetch.js';
export * from './messages/list-offsets.js';
export * from './messages/topics-admin.js';
export * from './messages/sasl.js';
export * from './messages/group.js';
export * from './messages/init-producer-id.js';
