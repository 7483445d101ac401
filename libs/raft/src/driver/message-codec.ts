// Maps the core's Message union to the transport's protobuf RaftMessage and back. Every field of every variant
// round-trips exactly; a message type the codec does not know is refused rather than guessed at.
import type { RaftMessage, RaftMessage__Output } from '@robustmq/protocol';
import type { Message, MessageType } from '../message.js';
import type { Entry, SnapshotMetadata } from '../types.js';

const EMPTY = new Uint8Array();

/** A Buffer view of the same bytes (no copy): entries can be large and are sent to every follower. */
function view(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function toEntries(entries: readonly Entry[]) {
  return entries.map((e) => ({ index: e.index, term: e.term, confChange: e.type === 'confChange', data: view(e.data) }));
}

function fromEntries(entries: RaftMessage__Output['entries']): Entry[] {
  // decoded Buffers are fresh per message, so they can be used as they are
  return entries.map((e) => ({ index: e.index, term: e.term, type: e.confChange ? 'confChange' : 'normal', data: e.data }));
}

function toSnapshotMetadata(m: SnapshotMetadata) {
  return { index: m.index, term: m.term, confState: { voters: [...m.confState.voters], learners: [...m.confState.learners] } };
}

function fromSnapshotMetadata(m: RaftMessage__Output['snapshot']): SnapshotMetadata {
  if (!m) throw new Error('MsgSnap without snapshot metadata');
  return { index: m.index, term: m.term, confState: { voters: m.confState?.voters ?? [], learners: m.confState?.learners ?? [] } };
}

export function messageToProto(m: Message): RaftMessage {
  const base = { type: m.type, from: m.from, to: m.to, term: m.term };
  switch (m.type) {
    case 'MsgApp':
      return { ...base, logTerm: m.logTerm, index: m.index, entries: toEntries(m.entries), commit: m.commit };
    case 'MsgAppResp':
      return { ...base, index: m.index, reject: m.reject, rejectHint: m.rejectHint, logTerm: m.logTerm };
    case 'MsgVote':
    case 'MsgPreVote':
      return { ...base, logTerm: m.logTerm, index: m.index, force: m.force };
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return { ...base, reject: m.reject };
    case 'MsgHeartbeat':
      return { ...base, commit: m.commit, context: view(m.context), tick: m.tick };
    case 'MsgHeartbeatResp':
      return { ...base, context: view(m.context), tick: m.tick };
    case 'MsgSnap':
      return { ...base, snapshot: toSnapshotMetadata(m.snapshot), offset: m.offset, data: view(m.data), done: m.done };
    case 'MsgSnapStatus':
      return { ...base, index: m.index, offset: m.offset, reject: m.reject };
    case 'MsgTimeoutNow':
      return base;
    case 'MsgReadIndex':
      return { ...base, context: view(m.context) };
    case 'MsgReadIndexResp':
      return { ...base, index: m.index, context: view(m.context) };
    case 'MsgTransferLeader':
      return { ...base, transferee: m.transferee };
  }
}

export function messageFromProto(p: RaftMessage__Output): Message {
  const base = { from: p.from, to: p.to, term: p.term };
  const type = p.type as MessageType;
  const context = p.context.length ? p.context : EMPTY;
  switch (type) {
    case 'MsgApp':
      return { ...base, type, logTerm: p.logTerm, index: p.index, entries: fromEntries(p.entries), commit: p.commit };
    case 'MsgAppResp':
      return { ...base, type, index: p.index, reject: p.reject, rejectHint: p.rejectHint, logTerm: p.logTerm };
    case 'MsgVote':
    case 'MsgPreVote':
      return { ...base, type, logTerm: p.logTerm, index: p.index, force: p.force };
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return { ...base, type, reject: p.reject };
    case 'MsgHeartbeat':
      return { ...base, type, commit: p.commit, context, tick: p.tick };
    case 'MsgHeartbeatResp':
      return { ...base, type, context, tick: p.tick };
    case 'MsgSnap':
      return { ...base, type, snapshot: fromSnapshotMetadata(p.snapshot), offset: p.offset, data: p.data, done: p.done };
    case 'MsgSnapStatus':
      return { ...base, type, index: p.index, offset: p.offset, reject: p.reject };
    case 'MsgTimeoutNow':
      return { ...base, type };
    case 'MsgReadIndex':
      return { ...base, type, context };
    case 'MsgReadIndexResp':
      return { ...base, type, index: p.index, context };
    case 'MsgTransferLeader':
      return { ...base, type, transferee: p.transferee };
    default:
      throw new Error(`unknown raft message type ${JSON.stringify(p.type)}`);
  }
}
