// @robustmq/protocol/kafka: the Kafka wire protocol — primitive types, Kafka's message declarations (proto/kafka) and
// the engine that reads and writes them, request/response framing, record batches v2 with CRC-32C, and the compression
// codecs.
export * from './wire.js';
export * from './schema.js';
export * from './apis.js';
export * from './frames.js';
export * from './error-codes.js';
export * from './crc32c.js';
export * from './compression.js';
export * from './record-batch.js';
export * from './batch-bytes.js';
export * from './message-files.js';
export * from './message-types.js';
