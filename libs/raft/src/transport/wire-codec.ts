// A hand-written protobuf codec for RaftBatch (proto/raft.proto), Message ⇄ bytes with no intermediate objects.
// The generic proto-loader path (fromObject → encode, decode → toObject) cost a fifth of a node's CPU at high
// proposal rates; this one writes the same wire format and is checked against proto-loader in the tests.
import type { RaftMessage__Output } from '@robustmq/protocol';
import type { Message } from '../message.js';
import type { Entry, SnapshotMetadata } from '../types.js';
import { MessageDecodeError, messageFromProto } from './message-codec.js';

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

// RaftMessage field numbers.
const F_TYPE = 1;
const F_FROM = 2;
const F_TO = 3;
const F_TERM = 4;
const F_LOG_TERM = 5;
const F_INDEX = 6;
const F_ENTRIES = 7;
const F_COMMIT = 8;
const F_REJECT = 9;
const F_REJECT_HINT = 10;
const F_FORCE = 11;
const F_CONTEXT = 12;
const F_TICK = 13;
const F_SNAPSHOT = 14;
const F_OFFSET = 15;
const F_DATA = 16;
const F_DONE = 17;
const F_TRANSFEREE = 18;
const F_TOTAL = 19;

/** Every field any variant may carry; a variant simply lacks the others. */
interface AnyMessage {
  type: string;
  from: number;
  to: number;
  term: number;
  logTerm?: number;
  index?: number;
  entries?: readonly Entry[];
  commit?: number;
  reject?: boolean;
  rejectHint?: number;
  force?: boolean;
  context?: Uint8Array;
  tick?: number;
  snapshot?: SnapshotMetadata;
  offset?: number;
  data?: Uint8Array;
  done?: boolean;
  transferee?: number;
  total?: number;
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

const tagSize = (field: number): number => varintSize(field << 3);
/** Size of a non-zero varint field (zero fields are omitted, as proto3 does). */
const uintField = (field: number, v: number | undefined): number => (v ? tagSize(field) + varintSize(v) : 0);
const boolField = (field: number, v: boolean | undefined): number => (v ? tagSize(field) + 1 : 0);
const lenField = (field: number, len: number): number => tagSize(field) + varintSize(len) + len;

class Writer {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint(v: number): void {
    const b = this.buf;
    while (v >= 128) {
      b[this.pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    b[this.pos++] = v;
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  uint(field: number, v: number | undefined): void {
    if (!v) return;
    this.tag(field, VARINT);
    this.varint(v);
  }

  bool(field: number, v: boolean | undefined): void {
    if (!v) return;
    this.tag(field, VARINT);
    this.buf[this.pos++] = 1;
  }

  bytes(field: number, v: Uint8Array): void {
    this.tag(field, LEN);
    this.varint(v.byteLength);
    this.buf.set(v, this.pos);
    this.pos += v.byteLength;
  }
}

function entrySize(e: Entry): number {
  return (
    uintField(1, e.index) +
    uintField(2, e.term) +
    boolField(3, e.type === 'confChange') +
    (e.data.byteLength > 0 ? lenField(4, e.data.byteLength) : 0)
  );
}

function confStateSize(voters: readonly number[], learners: readonly number[]): number {
  let n = 0;
  let body = 0;
  for (const v of voters) body += varintSize(v);
  if (voters.length > 0) n += lenField(1, body);
  body = 0;
  for (const v of learners) body += varintSize(v);
  if (learners.length > 0) n += lenField(2, body);
  return n;
}

function snapshotSize(s: SnapshotMetadata): number {
  const cs = confStateSize(s.confState.voters, s.confState.learners);
  return uintField(1, s.index) + uintField(2, s.term) + lenField(3, cs);
}

/** Computes the message's size and caches the sizes of its nested parts for the write pass. */
function messageSize(m: AnyMessage, entrySizes: number[]): number {
  let n = lenField(F_TYPE, typeName(m.type).length) + uintField(F_FROM, m.from) + uintField(F_TO, m.to);
  n += uintField(F_TERM, m.term) + uintField(F_LOG_TERM, m.logTerm) + uintField(F_INDEX, m.index);
  if (m.entries) {
    for (const e of m.entries) {
      const s = entrySize(e);
      entrySizes.push(s);
      n += lenField(F_ENTRIES, s);
    }
  }
  n += uintField(F_COMMIT, m.commit) + boolField(F_REJECT, m.reject) + uintField(F_REJECT_HINT, m.rejectHint);
  n += boolField(F_FORCE, m.force);
  if (m.context && m.context.byteLength > 0) n += lenField(F_CONTEXT, m.context.byteLength);
  n += uintField(F_TICK, m.tick);
  if (m.snapshot) n += lenField(F_SNAPSHOT, snapshotSize(m.snapshot));
  n += uintField(F_OFFSET, m.offset);
  if (m.data && m.data.byteLength > 0) n += lenField(F_DATA, m.data.byteLength);
  n += boolField(F_DONE, m.done) + uintField(F_TRANSFEREE, m.transferee) + uintField(F_TOTAL, m.total);
  return n;
}

function writePacked(w: Writer, field: number, values: readonly number[]): void {
  if (values.length === 0) return;
  let body = 0;
  for (const v of values) body += varintSize(v);
  w.tag(field, LEN);
  w.varint(body);
  for (const v of values) w.varint(v);
}

/** Type names are few and fixed: encode each once. */
const typeBytes = new Map<string, Buffer>();

function typeName(t: string): Buffer {
  let b = typeBytes.get(t);
  if (!b) {
    b = Buffer.from(t);
    typeBytes.set(t, b);
  }
  return b;
}

function writeMessage(w: Writer, m: AnyMessage, entrySizes: number[], sizeAt: { i: number }): void {
  w.bytes(F_TYPE, typeName(m.type));
  w.uint(F_FROM, m.from);
  w.uint(F_TO, m.to);
  w.uint(F_TERM, m.term);
  w.uint(F_LOG_TERM, m.logTerm);
  w.uint(F_INDEX, m.index);
  if (m.entries) {
    for (const e of m.entries) {
      w.tag(F_ENTRIES, LEN);
      w.varint(entrySizes[sizeAt.i++]!);
      w.uint(1, e.index);
      w.uint(2, e.term);
      w.bool(3, e.type === 'confChange');
      if (e.data.byteLength > 0) w.bytes(4, e.data);
    }
  }
  w.uint(F_COMMIT, m.commit);
  w.bool(F_REJECT, m.reject);
  w.uint(F_REJECT_HINT, m.rejectHint);
  w.bool(F_FORCE, m.force);
  if (m.context && m.context.byteLength > 0) w.bytes(F_CONTEXT, m.context);
  w.uint(F_TICK, m.tick);
  if (m.snapshot) {
    const s = m.snapshot;
    w.tag(F_SNAPSHOT, LEN);
    w.varint(snapshotSize(s));
    w.uint(1, s.index);
    w.uint(2, s.term);
    w.tag(3, LEN);
    w.varint(confStateSize(s.confState.voters, s.confState.learners));
    writePacked(w, 1, s.confState.voters);
    writePacked(w, 2, s.confState.learners);
  }
  w.uint(F_OFFSET, m.offset);
  if (m.data && m.data.byteLength > 0) w.bytes(F_DATA, m.data);
  w.bool(F_DONE, m.done);
  w.uint(F_TRANSFEREE, m.transferee);
  w.uint(F_TOTAL, m.total);
}

/** Encodes a RaftBatch { group, messages }. */
export function encodeBatch(group: string, messages: readonly Message[]): Buffer {
  const ms = messages as readonly AnyMessage[];
  const entrySizes: number[] = [];
  const sizes = ms.map((m) => messageSize(m, entrySizes));
  let total = group.length > 0 ? lenField(1, Buffer.byteLength(group)) : 0;
  for (const s of sizes) total += lenField(2, s);
  const w = new Writer(Buffer.allocUnsafe(total));
  if (group.length > 0) w.bytes(1, Buffer.from(group));
  const sizeAt = { i: 0 };
  for (let i = 0; i < ms.length; i++) {
    w.tag(2, LEN);
    w.varint(sizes[i]!);
    writeMessage(w, ms[i]!, entrySizes, sizeAt);
  }
  if (w.pos !== total) throw new Error(`raft batch encoder wrote ${w.pos} bytes, expected ${total}`);
  return w.buf;
}

class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  varint(): number {
    let v = 0;
    let mul = 1;
    while (true) {
      if (this.pos >= this.end) throw new MessageDecodeError('truncated varint in raft batch');
      const b = this.buf[this.pos++]!;
      v += (b & 127) * mul;
      if (b < 128) return v;
      mul *= 128;
      if (mul > 2 ** 63) throw new MessageDecodeError('varint too long in raft batch');
    }
  }

  /** Returns [start, end) of a length-delimited field's body, checked against the enclosing bounds. */
  len(): [number, number] {
    const n = this.varint();
    const start = this.pos;
    if (start + n > this.end) throw new MessageDecodeError('length-delimited field overruns its raft batch');
    this.pos = start + n;
    return [start, start + n];
  }

  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === LEN) this.len();
    else if (wire === FIXED64) this.pos += 8;
    else if (wire === FIXED32) this.pos += 4;
    else throw new MessageDecodeError(`unknown protobuf wire type ${wire} in raft batch`);
    if (this.pos > this.end) throw new MessageDecodeError('truncated field in raft batch');
  }
}

function readPackedOrSingle(r: Reader, wire: number, out: number[]): void {
  if (wire === VARINT) {
    out.push(r.varint());
    return;
  }
  const [s, e] = r.len();
  const sub = new Reader(r.buf, s, e);
  while (sub.pos < e) out.push(sub.varint());
}

function decodeSnapshot(buf: Buffer, start: number, end: number): RaftMessage__Output['snapshot'] {
  const r = new Reader(buf, start, end);
  const voters: number[] = [];
  const learners: number[] = [];
  let index = 0;
  let term = 0;
  while (r.pos < end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === VARINT) index = r.varint();
    else if (field === 2 && wire === VARINT) term = r.varint();
    else if (field === 3 && wire === LEN) {
      const [s, e] = r.len();
      const c = new Reader(buf, s, e);
      while (c.pos < e) {
        const t = c.varint();
        if (t >> 3 === 1) readPackedOrSingle(c, t & 7, voters);
        else if (t >> 3 === 2) readPackedOrSingle(c, t & 7, learners);
        else c.skip(t & 7);
      }
    } else r.skip(wire);
  }
  return { index, term, confState: { voters, learners } };
}

const EMPTY = Buffer.alloc(0);

function decodeMessage(buf: Buffer, start: number, end: number): Message {
  const r = new Reader(buf, start, end);
  const p: RaftMessage__Output = {
    type: '',
    from: 0,
    to: 0,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    force: false,
    context: EMPTY,
    tick: 0,
    snapshot: null,
    offset: 0,
    data: EMPTY,
    done: false,
    transferee: 0,
    total: 0,
  };
  while (r.pos < end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === LEN) {
      const [s, e] = r.len();
      switch (field) {
        case F_TYPE:
          p.type = buf.toString('utf8', s, e);
          break;
        case F_ENTRIES:
          p.entries.push(decodeEntry(buf, s, e));
          break;
        case F_CONTEXT:
          p.context = buf.subarray(s, e);
          break;
        case F_SNAPSHOT:
          p.snapshot = decodeSnapshot(buf, s, e);
          break;
        case F_DATA:
          p.data = buf.subarray(s, e);
          break;
      }
      continue;
    }
    if (wire !== VARINT) {
      r.skip(wire);
      continue;
    }
    const v = r.varint();
    switch (field) {
      case F_FROM:
        p.from = v;
        break;
      case F_TO:
        p.to = v;
        break;
      case F_TERM:
        p.term = v;
        break;
      case F_LOG_TERM:
        p.logTerm = v;
        break;
      case F_INDEX:
        p.index = v;
        break;
      case F_COMMIT:
        p.commit = v;
        break;
      case F_REJECT:
        p.reject = v !== 0;
        break;
      case F_REJECT_HINT:
        p.rejectHint = v;
        break;
      case F_FORCE:
        p.force = v !== 0;
        break;
      case F_TICK:
        p.tick = v;
        break;
      case F_OFFSET:
        p.offset = v;
        break;
      case F_DONE:
        p.done = v !== 0;
        break;
      case F_TRANSFEREE:
        p.transferee = v;
        break;
      case F_TOTAL:
        p.total = v;
        break;
    }
  }
  return messageFromProto(p);
}

function decodeEntry(buf: Buffer, start: number, end: number): RaftMessage__Output['entries'][number] {
  const r = new Reader(buf, start, end);
  const e: RaftMessage__Output['entries'][number] = { index: 0, term: 0, confChange: false, data: EMPTY };
  while (r.pos < end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === VARINT) e.index = r.varint();
    else if (field === 2 && wire === VARINT) e.term = r.varint();
    else if (field === 3 && wire === VARINT) e.confChange = r.varint() !== 0;
    else if (field === 4 && wire === LEN) {
      const [s, x] = r.len();
      e.data = buf.subarray(s, x);
    } else r.skip(wire);
  }
  return e;
}

/** Decodes a RaftBatch; throws MessageDecodeError on malformed input (every length is checked first). */
export function decodeBatch(buf: Buffer): { group: string; messages: Message[] } {
  const r = new Reader(buf, 0, buf.length);
  let group = '';
  const messages: Message[] = [];
  while (r.pos < buf.length) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === LEN) {
      const [s, e] = r.len();
      group = buf.toString('utf8', s, e);
    } else if (field === 2 && wire === LEN) {
      const [s, e] = r.len();
      messages.push(decodeMessage(buf, s, e));
    } else r.skip(wire);
  }
  return { group, messages };
}
