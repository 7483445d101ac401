// Records kept in the placement state and their key layout in the local KV engine (one prefix per domain):
//   m/revision, m/applied        be64 counters, written in the same batch as the changes they describe
//   m/compacted                  be64: history at or below this revision has been dropped
//   kv/<key>                     KV entry: 0x01, be64 create revision, be64 mod revision, be64 version, raw value
//                                (layout 1; older members wrote JSON {v: base64 value, c, m, n}, still read)
//   h/<be64 revision>            KV change history for watches: 0x01, 0 put | 1 delete, be64 c, m, n, be32 key
//                                length, key, raw value (older: JSON {t: 'put'|'del', k, v?, c, m, n}, still read)
//   node/<type>/<cluster>/<id>   registered node (JSON StoredNode)
//   dedup/r/<request id>         result of a write that carried a request id (a retry gets it instead of a re-apply):
//                                0x01 + a compact binary form for KV results, JSON for the rest (older: all JSON)
//   dedup/i/<be64 index>         the request ids applied at that log index (be32 length + UTF-8 each), so old ones
//                                are dropped in log order; older members wrote dedup/i/<be64 index>/<id> (empty value)
//                                per id, still dropped the same way
//   mqtt/...                     MQTT metadata (see mqtt-records.ts)
//   journal/...                  journal shards, segments and consumer offsets (see journal-records.ts)
import { decodeJson, encodeJson, type CommandResult } from './commands.js';

export type { StoredNode } from './node-record.js';

export const KEY = {
  revision: 'm/revision',
  applied: 'm/applied',
  compacted: 'm/compacted',
  kv: 'kv/',
  history: 'h/',
  node: 'node/',
  dedup: 'dedup/r/',
  dedupIndex: 'dedup/i/',
} as const;

export function nodeKey(clusterType: string, clusterName: string, nodeId: number): string {
  // zero-padded so nodes list in id order
  return `${KEY.node}${clusterType}/${clusterName}/${String(nodeId).padStart(20, '0')}`;
}

export function historyKey(revision: number): Buffer {
  const key = Buffer.allocUnsafe(KEY.history.length + 8);
  key.write(KEY.history, 0, 'latin1');
  write64(key, KEY.history.length, revision);
  return key;
}

export function be64(n: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  write64(b, 0, n);
  return b;
}

export function readBe64(b: Buffer | undefined): number {
  return b && b.length === 8 ? read64(b, 0) : 0;
}

export interface KvEntry {
  key: string;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
}

// Layout version byte of the binary records. The JSON records written before it start with '{' (0x7b), so the
// first byte tells the two apart without a migration: a member upgraded in place reads its old state as it is.
const BINARY_V1 = 0x01;
const KV_HEADER = 1 + 8 * 3;

// Revisions and versions stay below 2^53; two 32-bit halves avoid the BigInt allocations of writeBigUInt64BE.
function write64(b: Buffer, offset: number, n: number): void {
  b.writeUInt32BE(Math.floor(n / 0x1_0000_0000), offset);
  b.writeUInt32BE(n >>> 0, offset + 4);
}

function read64(b: Buffer, offset: number): number {
  return b.readUInt32BE(offset) * 0x1_0000_0000 + b.readUInt32BE(offset + 4);
}

// Binary instead of JSON with a base64 value: one allocation and a copy of the value, no string building, and a
// 100-byte value stores in 125 bytes instead of ~190.
export function encodeKvEntry(e: Omit<KvEntry, 'key'>): Buffer {
  // from the shared pool: it lives until the write-behind queue writes it (the KV index keeps a string copy)
  const b = Buffer.allocUnsafe(KV_HEADER + e.value.length);
  b[0] = BINARY_V1;
  write64(b, 1, e.createRevision);
  write64(b, 9, e.modRevision);
  write64(b, 17, e.version);
  b.set(e.value, KV_HEADER);
  return b;
}

export function decodeKvEntry(key: string, data: Buffer): KvEntry {
  if (data[0] === BINARY_V1) {
    // the value is a view of the record read from the engine (records are never modified in place)
    return {
      key,
      value: data.subarray(KV_HEADER),
      createRevision: read64(data, 1),
      modRevision: read64(data, 9),
      version: read64(data, 17),
    };
  }
  const o = JSON.parse(data.toString()) as { v: string; c: number; m: number; n: number };
  return { key, value: Buffer.from(o.v, 'base64'), createRevision: o.c, modRevision: o.m, version: o.n };
}

export interface KvEvent {
  type: 'put' | 'delete';
  kv: KvEntry;
}

const EVENT_HEADER = 1 + 1 + 8 * 3 + 4;

export function encodeEvent(e: KvEvent): Buffer {
  const keyLength = Buffer.byteLength(e.kv.key);
  const value = e.type === 'put' ? e.kv.value : undefined;
  const b = Buffer.allocUnsafe(EVENT_HEADER + keyLength + (value ? value.length : 0));
  b[0] = BINARY_V1;
  b[1] = e.type === 'put' ? 0 : 1;
  write64(b, 2, e.kv.createRevision);
  write64(b, 10, e.kv.modRevision);
  write64(b, 18, e.kv.version);
  b.writeUInt32BE(keyLength, 26);
  b.write(e.kv.key, EVENT_HEADER, 'utf8');
  if (value) b.set(value, EVENT_HEADER + keyLength);
  return b;
}

export function decodeEvent(data: Buffer): KvEvent {
  if (data[0] === BINARY_V1) {
    const keyEnd = EVENT_HEADER + data.readUInt32BE(26);
    return {
      type: data[1] === 0 ? 'put' : 'delete',
      kv: {
        key: data.toString('utf8', EVENT_HEADER, keyEnd),
        value: data.subarray(keyEnd),
        createRevision: read64(data, 2),
        modRevision: read64(data, 10),
        version: read64(data, 18),
      },
    };
  }
  const o = JSON.parse(data.toString()) as {
    t: string;
    k: string;
    v?: string;
    c: number;
    m: number;
    n: number;
  };
  return {
    type: o.t === 'put' ? 'put' : 'delete',
    kv: {
      key: o.k,
      value: o.v ? Buffer.from(o.v, 'base64') : Buffer.alloc(0),
      createRevision: o.c,
      modRevision: o.m,
      version: o.n,
    },
  };
}

// Remembered results of the KV writes (by far the most frequent) in 10–11 bytes; every other result, and a failed
// compare-and-set that carries the current entry, stays JSON (encodeJson).
const RESULT_KV_SET = 1;
const RESULT_KV_DELETE = 2;
const RESULT_KV_CAS = 3;

export function encodeResult(result: CommandResult): Buffer {
  let b: Buffer;
  switch (result.type) {
    case 'kv.set':
      b = Buffer.allocUnsafe(10);
      b[1] = RESULT_KV_SET;
      write64(b, 2, result.revision);
      break;
    case 'kv.delete':
      b = Buffer.allocUnsafe(11);
      b[1] = RESULT_KV_DELETE;
      b[2] = result.deleted ? 1 : 0;
      write64(b, 3, result.revision);
      break;
    case 'kv.cas':
      if (result.current) return encodeJson(result);
      b = Buffer.allocUnsafe(11);
      b[1] = RESULT_KV_CAS;
      b[2] = result.succeeded ? 1 : 0;
      write64(b, 3, result.revision);
      break;
    default:
      return encodeJson(result);
  }
  b[0] = BINARY_V1;
  return b;
}

export function decodeResult(data: Buffer): CommandResult {
  if (data[0] !== BINARY_V1) return decodeJson(data) as CommandResult;
  switch (data[1]) {
    case RESULT_KV_SET:
      return { type: 'kv.set', revision: read64(data, 2) };
    case RESULT_KV_DELETE:
      return { type: 'kv.delete', deleted: data[2] === 1, revision: read64(data, 3) };
    case RESULT_KV_CAS:
      return { type: 'kv.cas', succeeded: data[2] === 1, revision: read64(data, 3) };
    default:
      throw new Error(`unknown remembered result kind ${data[1]}`);
  }
}

/** How long (in log indexes) a request id is remembered; a retry later than this would apply again. */
export const DEDUP_WINDOW = 100_000;

/** The key listing the request ids applied at one log index; also the scan bound for "indexes below this one". */
export function dedupIndexKey(index: number): Buffer {
  const b = Buffer.allocUnsafe(KEY.dedupIndex.length + 8);
  b.write(KEY.dedupIndex, 0, 'latin1');
  write64(b, KEY.dedupIndex.length, index);
  return b;
}

// One key per log index for all the request ids applied there (commands proposed together share an index), instead
// of one key per id: a batch of 1,000 retried-safe writes adds one index key, not 1,000.
export function encodeRequestIds(ids: string[]): Buffer {
  let length = 0;
  for (const id of ids) length += 4 + Buffer.byteLength(id);
  const b = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const id of ids) {
    const n = b.write(id, offset + 4, 'utf8');
    b.writeUInt32BE(n, offset);
    offset += 4 + n;
  }
  return b;
}

/** The request ids an index key names: the per-index list, or the older layout's single id in the key. */
export function requestIdsOfIndexKey(key: Buffer, value: Buffer): string[] {
  const base = KEY.dedupIndex.length + 8;
  if (key.length > base) return [key.toString('utf8', base + 1)]; // older dedup/i/<be64 index>/<id>, empty value
  const ids: string[] = [];
  for (let offset = 0; offset < value.length;) {
    const n = value.readUInt32BE(offset);
    ids.push(value.toString('utf8', offset + 4, offset + 4 + n));
    offset += 4 + n;
  }
  return ids;
}
