// Plain-data types shared by the Raft core, its storage and its callers; every field maps 1:1 onto a future protobuf.

/** A node id. Ids are positive integers; 0 (NONE) means "nobody". Ids are never reused after removal. */
export type NodeId = number;
export const NONE: NodeId = 0;

export type EntryType = 'normal' | 'confChange';

export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** The state that must be durable before any message that depends on it leaves the node. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: NONE, commit: 0 });

/** Cluster membership: voters count towards quorums, learners only receive the log. Both lists are sorted. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export const EMPTY_CONF_STATE: ConfState = Object.freeze({ voters: [], learners: [] });

export interface SnapshotMetadata {
  readonly index: number;
  readonly term: number;
  /** Membership as of `index` (the latest configuration entry at or below it). */
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  /** Application state machine image at `metadata.index`; opaque to Raft. */
  readonly data: Uint8Array;
}

export type StateType = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** Volatile state the application may want to observe (who leads, what we are); never persisted. */
export interface SoftState {
  readonly lead: NodeId;
  readonly raftState: StateType;
}

/** A completed ReadIndex request: once the application has applied `index`, reads for `requestCtx` are linearizable. */
export interface ReadState {
  readonly index: number;
  readonly requestCtx: Uint8Array;
}

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === NONE && hs.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** Bytes an entry contributes to message/ready size limits (payload only, like etcd). */
export function entryPayloadSize(e: Entry): number {
  return e.data.byteLength;
}
