// The RocksDB key layout of a journal server's local state. Segment files hold the records; RocksDB holds what can
// be rebuilt from them (indexes, checkpoint) plus the replica's own metadata (epoch history, seal), per segment:
//   m/<seg>                          replica metadata (JSON)
//   c/<seg>                          index checkpoint: offsets and bytes of the file already indexed (JSON)
//   o/<seg>/<offset 20>              sparse offset index → file position
//   t/<seg>/<ts 20><offset 20>       time index: an entry wherever the running maximum timestamp rises
//   k/<seg>/<u16 len><key><u64 off>  key index → file position
//   g/<seg>/<u16 len><tag><u64 off>  tag index → file position
//   p/<seg>/<producer id 20>         idempotent producer's floor and requests (producer-table.ts, JSON)
// where <seg> is "<namespace>/<shard>/<seq 20>"; names never contain '/', so prefixes of different segments never mix.
export const pad = (n: number) => String(n).padStart(20, '0');

export function segKey(namespace: string, shard: string, seq: number): string {
  return `${namespace}/${shard}/${pad(seq)}`;
}

export const metaKey = (seg: string) => `m/${seg}`;
export const checkpointKey = (seg: string) => `c/${seg}`;
export const offsetPrefix = (seg: string) => `o/${seg}/`;
export const offsetKey = (seg: string, offset: number) => `o/${seg}/${pad(offset)}`;
export const timePrefix = (seg: string) => `t/${seg}/`;
export const timeKey = (seg: string, ts: number, offset: number) => `t/${seg}/${pad(ts)}${pad(offset)}`;

function termKey(kind: 'k' | 'g', seg: string, term: string, offset?: number): Buffer {
  const prefix = Buffer.from(`${kind}/${seg}/`, 'utf8');
  const t = Buffer.from(term, 'utf8');
  const out = Buffer.allocUnsafe(prefix.length + 2 + t.length + (offset === undefined ? 0 : 8));
  prefix.copy(out, 0);
  out.writeUInt16BE(t.length, prefix.length);
  t.copy(out, prefix.length + 2);
  if (offset !== undefined) out.writeBigUInt64BE(BigInt(offset), prefix.length + 2 + t.length);
  return out;
}

export const keyIndexKey = (seg: string, key: string, offset?: number) => termKey('k', seg, key, offset);
export const tagIndexKey = (seg: string, tag: string, offset?: number) => termKey('g', seg, tag, offset);
export const termOffset = (k: Buffer) => Number(k.readBigUInt64BE(k.length - 8));

export function u64(n: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

export const producerPrefix = (seg: string) => `p/${seg}/`;
export const producerKey = (seg: string, producerId: number) => producerPrefix(seg) + pad(producerId);

export const ALL_PREFIXES = (seg: string) => [
  `o/${seg}/`,
  `t/${seg}/`,
  `k/${seg}/`,
  `g/${seg}/`,
  producerPrefix(seg),
];
