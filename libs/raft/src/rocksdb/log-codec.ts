// On-disk layout of one Raft group in a KvEngine: key names and the binary encodings of entries and hard state.
import { invariant } from '../invariant.js';
import type { ConfState, Entry, HardState } from '../types.js';

/**
 * Every key of group `g` starts with `raft/<g>/`. Entry keys end in the big-endian index so a prefix scan returns the
 * log in order and a truncation is a range of keys; snapshot data is split into chunks so no single value is huge.
 */
export class GroupKeys {
  readonly prefix: Buffer;
  readonly hardState: Buffer;
  readonly snapshotMeta: Buffer;
  readonly entryPrefix: Buffer;
  readonly chunkPrefix: Buffer;

  constructor(readonly group: string) {
    invariant(group.length > 0 && !group.includes('/'), () => `bad raft group name "${group}"`);
    this.prefix = Buffer.from(`raft/${group}/`);
    this.hardState = Buffer.concat([this.prefix, Buffer.from('hs')]);
    this.snapshotMeta = Buffer.concat([this.prefix, Buffer.from('sm')]);
    this.entryPrefix = Buffer.concat([this.prefix, Buffer.from('e/')]);
    this.chunkPrefix = Buffer.concat([this.prefix, Buffer.from('sc/')]);
  }

  entry(index: number): Buffer {
    const k = Buffer.allocUnsafe(this.entryPrefix.length + 8);
    this.entryPrefix.copy(k, 0);
    writeU64(k, this.entryPrefix.length, index);
    return k;
  }

  indexOfEntryKey(key: Buffer): number {
    return readU64(key, this.entryPrefix.length);
  }

  chunk(n: number): Buffer {
    const k = Buffer.allocUnsafe(this.chunkPrefix.length + 4);
    this.chunkPrefix.copy(k, 0);
    k.writeUInt32BE(n, this.chunkPrefix.length);
    return k;
  }
}

const TWO_32 = 2 ** 32;

export function writeU64(buf: Buffer, off: number, v: number): void {
  invariant(Number.isSafeInteger(v) && v >= 0, () => `not a u64-safe integer: ${v}`);
  buf.writeUInt32BE(Math.floor(v / TWO_32), off);
  buf.writeUInt32BE(v >>> 0, off + 4);
}

export function readU64(buf: Uint8Array, off: number): number {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return b.readUInt32BE(off) * TWO_32 + b.readUInt32BE(off + 4);
}

const ENTRY_HEADER = 17;
const TYPE_NORMAL = 0;
const TYPE_CONF_CHANGE = 1;

/** [type u8][term u64][index u64][data]: the index is stored too so a misplaced value is caught on load. */
export function encodeEntry(e: Entry): Buffer {
  const buf = Buffer.allocUnsafe(ENTRY_HEADER + e.data.byteLength);
  buf[0] = e.type === 'confChange' ? TYPE_CONF_CHANGE : TYPE_NORMAL;
  writeU64(buf, 1, e.term);
  writeU64(buf, 9, e.index);
  buf.set(e.data, ENTRY_HEADER);
  return buf;
}

export function decodeEntry(buf: Buffer): Entry {
  invariant(
    buf.length >= ENTRY_HEADER,
    () => `stored raft entry is ${buf.length} bytes, shorter than its header`,
  );
  const t = buf[0];
  invariant(t === TYPE_NORMAL || t === TYPE_CONF_CHANGE, () => `stored raft entry has unknown type ${t}`);
  return {
    type: t === TYPE_CONF_CHANGE ? 'confChange' : 'normal',
    term: readU64(buf, 1),
    index: readU64(buf, 9),
    data: buf.subarray(ENTRY_HEADER),
  };
}

export function encodeHardState(hs: HardState): Buffer {
  const buf = Buffer.allocUnsafe(24);
  writeU64(buf, 0, hs.term);
  writeU64(buf, 8, hs.vote);
  writeU64(buf, 16, hs.commit);
  return buf;
}

export function decodeHardState(buf: Buffer): HardState {
  invariant(buf.length === 24, () => `stored hard state is ${buf.length} bytes, expected 24`);
  return { term: readU64(buf, 0), vote: readU64(buf, 8), commit: readU64(buf, 16) };
}

/** Snapshot metadata plus how its data is laid out in chunk keys. */
export interface StoredSnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
  readonly size: number;
  readonly chunks: number;
  /**
   * Index and term just below the first stored entry. Equal to (index, term) unless entries below the snapshot were
   * kept for lagging followers, in which case the log starts earlier than the snapshot.
   */
  readonly logStart: { readonly index: number; readonly term: number };
}

export function encodeSnapshotMeta(m: StoredSnapshotMeta): Buffer {
  return Buffer.from(JSON.stringify(m));
}

export function decodeSnapshotMeta(buf: Buffer): StoredSnapshotMeta {
  const m = JSON.parse(buf.toString('utf8')) as StoredSnapshotMeta;
  invariant(
    Number.isSafeInteger(m.index) &&
      Number.isSafeInteger(m.term) &&
      Number.isSafeInteger(m.size) &&
      Number.isSafeInteger(m.chunks) &&
      Number.isSafeInteger(m.logStart?.index) &&
      Number.isSafeInteger(m.logStart?.term) &&
      Array.isArray(m.confState?.voters) &&
      Array.isArray(m.confState?.learners),
    () => 'stored snapshot metadata is malformed',
  );
  return m;
}
