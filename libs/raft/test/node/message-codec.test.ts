// Every Message variant survives toProto → protobuf bytes → fromProto exactly (the bytes the gRPC transport sends).
import { raftTransportDefinition, type RaftBatch, type RaftBatch__Output } from '@robustmq/protocol';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/message.js';
import { MessageDecodeError, messageFromProto, messageToProto } from '../../src/transport/index.js';
import { decodeBatch, encodeBatch } from '../../src/transport/wire-codec.js';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

function roundTrip(m: Message): Message {
  const method = raftTransportDefinition().Send!;
  const wire = method.requestSerialize({ group: 'g', messages: [messageToProto(m)] } satisfies RaftBatch);
  const batch = method.requestDeserialize(wire) as RaftBatch__Output;
  expect(batch.group).toBe('g');
  expect(batch.messages).toHaveLength(1);
  return messageFromProto(batch.messages[0]!);
}

/** Compares with byte arrays as plain arrays, so Buffer vs Uint8Array does not matter. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const big = 2 ** 40 + 7; // beyond 32 bits: uint64 fields must not truncate

const cases: Message[] = [
  {
    type: 'MsgApp',
    from: 1,
    to: 2,
    term: big,
    logTerm: 4,
    index: big - 1,
    commit: 9,
    entries: [
      { index: big, term: big, type: 'normal', data: bytes(1, 2, 3) },
      { index: big + 1, term: big, type: 'confChange', data: bytes(123) },
      { index: big + 2, term: big, type: 'normal', data: bytes() },
    ],
  },
  { type: 'MsgApp', from: 1, to: 2, term: 3, logTerm: 0, index: 0, commit: 0, entries: [] },
  { type: 'MsgAppResp', from: 2, to: 1, term: 3, index: 17, reject: true, rejectHint: 12, logTerm: 2 },
  { type: 'MsgAppResp', from: 2, to: 1, term: 3, index: 17, reject: false, rejectHint: 0, logTerm: 0 },
  { type: 'MsgVote', from: 3, to: 1, term: 8, logTerm: 7, index: 100, force: true },
  { type: 'MsgPreVote', from: 3, to: 1, term: 8, logTerm: 7, index: 100, force: false },
  { type: 'MsgVoteResp', from: 1, to: 3, term: 8, reject: false },
  { type: 'MsgPreVoteResp', from: 1, to: 3, term: 8, reject: true },
  { type: 'MsgHeartbeat', from: 1, to: 2, term: 5, commit: 44, context: bytes(9, 9), tick: big },
  { type: 'MsgHeartbeatResp', from: 2, to: 1, term: 5, context: bytes(), tick: 77 },
  {
    type: 'MsgSnap',
    from: 1,
    to: 4,
    term: 6,
    snapshot: { index: 500, term: 5, confState: { voters: [1, 2, 3], learners: [4] } },
    offset: 1024,
    data: bytes(5, 6, 7, 8),
    done: true,
    total: 1028,
  },
  {
    type: 'MsgSnap',
    from: 1,
    to: 4,
    term: 6,
    snapshot: { index: 500, term: 5, confState: { voters: [1], learners: [] } },
    offset: 0,
    data: bytes(),
    done: false,
    total: 0,
  },
  { type: 'MsgSnapStatus', from: 4, to: 1, term: 6, index: 500, offset: 2048, reject: true },
  { type: 'MsgTimeoutNow', from: 1, to: 2, term: 6 },
  { type: 'MsgReadIndex', from: 2, to: 1, term: 6, context: bytes(1, 0, 0, 0, 2) },
  { type: 'MsgReadIndexResp', from: 1, to: 2, term: 6, index: 321, context: bytes(1, 0, 0, 0, 2) },
  { type: 'MsgTransferLeader', from: 3, to: 1, term: 6, transferee: 3 },
];

describe('raft message ⇄ protobuf', () => {
  for (const m of cases) {
    it(`round-trips ${m.type}${m.type === 'MsgApp' && m.entries.length === 0 ? ' (empty)' : ''}`, () => {
      const back = roundTrip(m);
      expect(plain(back)).toEqual(plain(m));
      expect(Object.keys(back).sort()).toEqual(Object.keys(m).sort());
    });
  }

  for (const m of cases) {
    it(`the fast wire codec is byte-compatible with proto-loader for ${m.type}`, () => {
      const method = raftTransportDefinition().Send!;
      // ours → proto-loader
      const ours = encodeBatch('grp', [m, m]);
      const viaLoader = method.requestDeserialize(ours) as RaftBatch__Output;
      expect(viaLoader.group).toBe('grp');
      expect(viaLoader.messages.map((x) => plain(messageFromProto(x)))).toEqual([plain(m), plain(m)]);
      // proto-loader → ours
      const theirs = method.requestSerialize({
        group: 'grp',
        messages: [messageToProto(m)],
      } satisfies RaftBatch);
      const back = decodeBatch(theirs);
      expect(back.group).toBe('grp');
      expect(back.messages.map(plain)).toEqual([plain(m)]);
      expect(Object.keys(back.messages[0]!).sort()).toEqual(Object.keys(m).sort());
    });
  }

  it('the fast decoder refuses every truncation of a batch with MessageDecodeError, never anything else', () => {
    const buf = encodeBatch('g', cases);
    expect(decodeBatch(buf).messages).toHaveLength(cases.length);
    let refused = 0;
    for (let cut = 1; cut < buf.length; cut++) {
      try {
        decodeBatch(buf.subarray(0, cut));
      } catch (e) {
        expect(e).toBeInstanceOf(MessageDecodeError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    // Random garbage too.
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let i = 0; i < 2000; i++) {
      const junk = Buffer.from(Array.from({ length: 1 + (i % 64) }, rnd));
      try {
        decodeBatch(junk);
      } catch (e) {
        expect(e).toBeInstanceOf(MessageDecodeError);
      }
    }
  });

  it('covers every message type', () => {
    const types = new Set(cases.map((c) => c.type));
    expect(types.size).toBe(14);
  });

  it('rejects an unknown type and a MsgSnap without metadata', () => {
    const method = raftTransportDefinition().Send!;
    const decode = (msg: object): Message => {
      const b = method.requestDeserialize(
        method.requestSerialize({ group: 'g', messages: [msg] }),
      ) as RaftBatch__Output;
      return messageFromProto(b.messages[0]!);
    };
    expect(() => decode({ type: 'MsgBogus', from: 1, to: 2 })).toThrow(MessageDecodeError);
    expect(() => decode({ type: 'MsgSnap', from: 1, to: 2 })).toThrow(/no snapshot metadata/);
  });
});
