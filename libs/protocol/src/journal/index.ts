// @robustmq/protocol/journal: the journal data port's wire format — frames, the pipelined client connection, the
// stored record codec with its CRC, and the retention mark both servers and clients read. Imported by the journal
// server and by the journal StorageAdapter; a subpath of its own so neither loads the gRPC definitions for it.
export * from './frames.js';
export * from './connection.js';
export { registerLocalDataServer, type LocalSocket } from './local-link.js';
export * from './record-codec.js';
export * from './producer-stamp.js';
export { crc32, crc32Portable, crc32Range, crc32WithNewPrefix } from './crc32.js';
export * from './retention-mark.js';
export * from './data-addresses.js';
