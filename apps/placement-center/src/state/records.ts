// Records kept in the placement state and their key layout in the local KV engine (one prefix per domain):
//   m/revision, m/applied        be64 counters, written in the same batch as the changes they describe
//   m/compacted                  be64: history at or below this revision has been dropped
//   kv/<key>                     KV entry: JSON {v: base64 value, c: create revision, m: mod revision, n: version}
//   h/<be64 revision>            KV change history for watches: JSON {t: 'put'|'del', k, v?, c, m, n}
//   node/<type>/<cluster>/<id>   registered node (JSON StoredNode)
//   dedup/r/<request id>         result of a write that carried a request id (a retry gets it instead of a re-apply)
//   dedup/i/<be64 index>/<id>    the same, by log index, so old entries are dropped in log order
//   mqtt/...                     MQTT metadata (see mqtt-records.ts)
//   journal/...                  journal shards, segments and consumer offsets (see journal-records.ts)
export interface StoredNode {
  clusterType: string;
  clusterName: string;
  nodeId: number;
  host: string;
  ports: Record<string, number>;
  labels: Record<string, string>;
  registeredAtMs: number;
}

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
  const key = Buffer.alloc(KEY.history.length + 8);
  key.write(KEY.history, 0);
  key.writeBigUInt64BE(BigInt(revision), KEY.history.length);
  return key;
}

export function be64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

export function readBe64(b: Buffer | undefined): number {
  return b && b.length === 8 ? Number(b.readBigUInt64BE()) : 0;
}

export interface KvEntry {
  key: string;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
}

export function encodeKvEntry(e: Omit<KvEntry, 'key'>): Buffer {
  return Buffer.from(JSON.stringify({ v: e.value.toString('base64'), c: e.createRevision, m: e.modRevision, n: e.version }));
}

export function decodeKvEntry(key: string, data: Buffer): KvEntry {
  const o = JSON.parse(data.toString()) as { v: string; c: number; m: number; n: number };
  return { key, value: Buffer.from(o.v, 'base64'), createRevision: o.c, modRevision: o.m, version: o.n };
}

export interface KvEvent {
  type: 'put' | 'delete';
  kv: KvEntry;
}

export function encodeEvent(e: KvEvent): Buffer {
  return Buffer.from(
    JSON.stringify({
      t: e.type === 'put' ? 'put' : 'del',
      k: e.kv.key,
      ...(e.type === 'put' ? { v: e.kv.value.toString('base64') } : {}),
      c: e.kv.createRevision,
      m: e.kv.modRevision,
      n: e.kv.version,
    }),
  );
}

export function decodeEvent(data: Buffer): KvEvent {
  const o = JSON.parse(data.toString()) as { t: string; k: string; v?: string; c: number; m: number; n: number };
  return {
    type: o.t === 'put' ? 'put' : 'delete',
    kv: { key: o.k, value: o.v ? Buffer.from(o.v, 'base64') : Buffer.alloc(0), createRevision: o.c, modRevision: o.m, version: o.n },
  };
}

/** How long (in log indexes) a request id is remembered; a retry later than this would apply again. */
export const DEDUP_WINDOW = 100_000;

export function dedupIndexKey(index: number, requestId: string): Buffer {
  return Buffer.concat([Buffer.from(KEY.dedupIndex), be64(index), Buffer.from('/' + requestId)]);
}
