// Exact mapping between the core's Message union and the RaftMessage protobuf (proto/raft.proto), both ways.
import type { RaftMessage, RaftMessage__Output } from '@robustmq/protocol';
import type { Message, MessageType } from '../message.js';
import type { Entry, SnapshotMetadata } from '../types.js';

const EMPTY = new Uint8Array(0);

type RaftEntry = NonNullable<RaftMessage['entries']>[number];

/** A leader sends the same entry objects to every follower: convert each once. */
const entryCache = new WeakMap<Entry, RaftEntry>();

function entryToProto(e: Entry): RaftEntry {
  let p = entryCache.get(e);
  if (!p) {
    p = { index: e.index, term: e.term, confChange: e.type === 'confChange', data: e.data };
    entryCache.set(e, p);
  }
  return p;
}

/** Only the fields of `m`'s variant are set, so the encoding is as small as protobuf allows. */
export function messageToProto(m: Message): RaftMessage {
  const base = { type: m.type, from: m.from, to: m.to, term: m.term };
  switch (m.type) {
    case 'MsgApp':
      return {
        ...base,
        logTerm: m.logTerm,
        index: m.index,
        entries: m.entries.map(entryToProto),
        commit: m.commit,
      };
    case 'MsgAppResp':
      return { ...base, index: m.index, reject: m.reject, rejectHint: m.rejectHint, logTerm: m.logTerm };
    case 'MsgVote':
    case 'MsgPreVote':
      return { ...base, logTerm: m.logTerm, index: m.index, force: m.force };
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return { ...base, reject: m.reject };
    case 'MsgHeartbeat':
      return { ...base, commit: m.commit, context: m.context, tick: m.tick };
    case 'MsgHeartbeatResp':
      return { ...base, context: m.context, tick: m.tick };
    case 'MsgSnap':
      return {
        ...base,
        snapshot: {
          index: m.snapshot.index,
          term: m.snapshot.term,
          confState: {
            voters: [...m.snapshot.confState.voters],
            learners: [...m.snapshot.confState.learners],
          },
        },
        offset: m.offset,
        data: m.data,
        done: m.done,
        total: m.total,
      };
    case 'MsgSnapStatus':
      return { ...base, index: m.index, offset: m.offset, reject: m.reject };
    case 'MsgTimeoutNow':
      return base;
    case 'MsgReadIndex':
      return { ...base, context: m.context };
    case 'MsgReadIndexResp':
      return { ...base, index: m.index, context: m.context };
    case 'MsgTransferLeader':
      return { ...base, transferee: m.transferee };
  }
}

export class MessageDecodeError extends Error {
  readonly code = 'RAFT_MESSAGE_MALFORMED';
  constructor(message: string) {
    super(message);
    this.name = 'MessageDecodeError';
  }
}

/** Decodes a received message; throws MessageDecodeError for an unknown type or a snapshot message without metadata. */
export function messageFromProto(p: RaftMessage__Output): Message {
  const base = { from: p.from, to: p.to, term: p.term };
  const type = p.type as MessageType;
  switch (type) {
    case 'MsgApp':
      return {
        type,
        ...base,
        logTerm: p.logTerm,
        index: p.index,
        entries: p.entries.map((e): Entry => ({
          index: e.index,
          term: e.term,
          type: e.confChange ? 'confChange' : 'normal',
          data: e.data ?? EMPTY,
        })),
        commit: p.commit,
      };
    case 'MsgAppResp':
      return {
        type,
        ...base,
        index: p.index,
        reject: p.reject,
        rejectHint: p.rejectHint,
        logTerm: p.logTerm,
      };
    case 'MsgVote':
    case 'MsgPreVote':
      return { type, ...base, logTerm: p.logTerm, index: p.index, force: p.force };
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return { type, ...base, reject: p.reject };
    case 'MsgHeartbeat':
      return { type, ...base, commit: p.commit, context: p.context ?? EMPTY, tick: p.tick };
    case 'MsgHeartbeatResp':
      return { type, ...base, context: p.context ?? EMPTY, tick: p.tick };
    case 'MsgSnap': {
      const s = p.snapshot;
      if (!s) throw new MessageDecodeError(`MsgSnap from ${p.from} carries no snapshot metadata`);
      const snapshot: SnapshotMetadata = {
        index: s.index,
        term: s.term,
        confState: { voters: s.confState?.voters ?? [], learners: s.confState?.learners ?? [] },
      };
      return {
        type,
        ...base,
        snapshot,
        offset: p.offset,
        data: p.data ?? EMPTY,
        done: p.done,
        total: p.total ?? 0,
      };
    }
    case 'MsgSnapStatus':
      return { type, ...base, index: p.index, offset: p.offset, reject: p.reject };
    case 'MsgTimeoutNow':
      return { type, ...base };
    case 'MsgReadIndex':
      return { type, ...base, context: p.context ?? EMPTY };
    case 'MsgReadIndexResp':
      return { type, ...base, index: p.index, context: p.context ?? EMPTY };
    case 'MsgTransferLeader':
      return { type, ...base, transferee: p.transferee };
    default:
      throw new MessageDecodeError(`unknown raft message type "${p.type}" from node ${p.from}`);
  }
}
