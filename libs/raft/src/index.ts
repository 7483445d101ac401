// Public API of @robustmq/raft: the pure Raft core and its storage seam — no I/O, no native modules. The rest are
// subpaths, each loaded only by who needs it: /node (RaftNode and its seams), /segment (the Raft log of its own:
// segment files), /rocksdb (log storage in RocksDB), /transport (gRPC), /sim (the deterministic simulator),
// /linearizability (the history checker).
export * from './types.js';
export * from './message.js';
export * from './errors.js';
export { RaftInvariantError, invariant } from './invariant.js';
export type { Storage, WritableStorage } from './storage.js';
export { MemoryStorage, normalizeConfState } from './memory-storage.js';
export type { RaftConfig } from './config.js';
export type { ReadOnlyOption } from './read-only.js';
export type { Ready } from './ready.js';
export { RawNode, type Status, type PeerStatus, type WriteInProgress } from './raw-node.js';
export type { ProposalResult } from './raft.js';
export type { ProgressState } from './progress.js';
export {
  applyConfChange,
  confStateEqual,
  decodeConfChangeEntry,
  encodeConfChangeEntry,
  type ConfChange,
  type ConfChangeEntryData,
  type ConfChangeType,
} from './conf-change.js';
export { Xoshiro128, type Rng } from './rng.js';
