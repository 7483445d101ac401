// The wire messages between Raft peers: a discriminated union of plain data, so a transport can map each to protobuf.
import type { Entry, NodeId, SnapshotMetadata } from './types.js';

interface MessageBase {
  readonly from: NodeId;
  readonly to: NodeId;
  /** Sender's term (for pre-vote requests: the term the sender would campaign in). */
  readonly term: number;
}

/** Leader → follower: append `entries` after (`index`, `logTerm`); also carries the leader's commit index. */
export interface MsgApp extends MessageBase {
  readonly type: 'MsgApp';
  readonly logTerm: number;
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

/**
 * Follower → leader. Accept: `index` is the last index now known to match the leader. Reject: `index` is the
 * rejected MsgApp's index and (`rejectHint`, `logTerm`) is the follower's best guess of where the logs may agree,
 * so the leader can skip a whole term per round trip instead of one entry.
 */
export interface MsgAppResp extends MessageBase {
  readonly type: 'MsgAppResp';
  readonly index: number;
  readonly reject: boolean;
  readonly rejectHint: number;
  readonly logTerm: number;
}

/** Candidate → voter. `force` is set by a leadership transfer: the voter must not ignore it because of its lease. */
export interface MsgVote extends MessageBase {
  readonly type: 'MsgVote' | 'MsgPreVote';
  readonly logTerm: number;
  readonly index: number;
  readonly force: boolean;
}

export interface MsgVoteResp extends MessageBase {
  readonly type: 'MsgVoteResp' | 'MsgPreVoteResp';
  readonly reject: boolean;
}

/**
 * Leader → follower liveness + commit propagation. `commit` is min(follower match, leader commit), so a follower
 * never learns a commit index beyond what it is known to hold. `context` carries a ReadIndex round; `tick` is the
 * leader's clock when sent, echoed back so the leader can date a quorum's acknowledgement (lease reads).
 */
export interface MsgHeartbeat extends MessageBase {
  readonly type: 'MsgHeartbeat';
  readonly commit: number;
  readonly context: Uint8Array;
  readonly tick: number;
}

export interface MsgHeartbeatResp extends MessageBase {
  readonly type: 'MsgHeartbeatResp';
  readonly context: Uint8Array;
  readonly tick: number;
}

/** Leader → follower: one chunk of an InstallSnapshot transfer; `data` holds bytes [offset, offset+data.length). */
export interface MsgSnap extends MessageBase {
  readonly type: 'MsgSnap';
  readonly snapshot: SnapshotMetadata;
  readonly offset: number;
  readonly data: Uint8Array;
  readonly done: boolean;
  /**
   * The whole image's size in bytes, so that the receiver can place each chunk in one buffer as it arrives instead of
   * joining them all at the last chunk (0: not said — a sender from before this field; the chunks are joined then).
   */
  readonly total: number;
}

/**
 * Follower → leader after a snapshot chunk: `offset` is the next byte the follower expects for the snapshot at
 * `index`. `reject` means the chunk did not fit (lost or reordered) and the leader should resend from `offset`.
 */
export interface MsgSnapStatus extends MessageBase {
  readonly type: 'MsgSnapStatus';
  readonly index: number;
  readonly offset: number;
  readonly reject: boolean;
}

/** Leader → transferee: campaign now, skipping pre-vote and the election timeout. */
export interface MsgTimeoutNow extends MessageBase {
  readonly type: 'MsgTimeoutNow';
}

/** Follower → leader: please start a ReadIndex round for `context` on my behalf. */
export interface MsgReadIndex extends MessageBase {
  readonly type: 'MsgReadIndex';
  readonly context: Uint8Array;
}

/** Leader → follower: the read for `context` is linearizable once `index` is applied. */
export interface MsgReadIndexResp extends MessageBase {
  readonly type: 'MsgReadIndexResp';
  readonly index: number;
  readonly context: Uint8Array;
}

/** Any node → leader: transfer leadership to `transferee`. */
export interface MsgTransferLeader extends MessageBase {
  readonly type: 'MsgTransferLeader';
  readonly transferee: NodeId;
}

export type Message =
  | MsgApp
  | MsgAppResp
  | MsgVote
  | MsgVoteResp
  | MsgHeartbeat
  | MsgHeartbeatResp
  | MsgSnap
  | MsgSnapStatus
  | MsgTimeoutNow
  | MsgReadIndex
  | MsgReadIndexResp
  | MsgTransferLeader;

export type MessageType = Message['type'];

/** Distributes Omit over the union so each variant keeps its own fields. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A message as the core builds it before stamping `from` (and `term`, unless set explicitly). */
export type OutgoingMessage = DistributiveOmit<Message, 'from' | 'term'> & { readonly term?: number };

/**
 * Messages that assert something about the sender's durable state (a vote, an accepted log suffix) and so may only
 * leave once the Ready that produced them has been persisted.
 */
export function mustSendAfterPersist(type: MessageType): boolean {
  return type === 'MsgAppResp' || type === 'MsgVoteResp' || type === 'MsgPreVoteResp';
}

export function isResponseType(type: MessageType): boolean {
  return (
    type === 'MsgAppResp' ||
    type === 'MsgVoteResp' ||
    type === 'MsgPreVoteResp' ||
    type === 'MsgHeartbeatResp' ||
    type === 'MsgSnapStatus' ||
    type === 'MsgReadIndexResp'
  );
}
