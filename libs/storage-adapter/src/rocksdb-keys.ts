// The RocksDB key layout of the rocksdb StorageAdapter. Names, keys and tags are length-prefixed (u16 big-endian +
// UTF-8) rather than '/'-separated, because MQTT topics used as keys contain '/', and a plain separator would let
// shard "a" key "b/c" collide with shard "a/b" key "c". Offsets and timestamps are u64 big-endian so byte order is
// numeric order and a range scan walks offsets in order.
//
//   s/  str(shard)                    → shard meta, JSON { version, options, startOffset }
//   r/  str(shard) be64(offset)       → encoded record (record-codec.ts, CRC inside)
//   k/  str(shard) str(key) be64(off) → empty   (key index)
//   t/  str(shard) str(tag) be64(off) → empty   (tag index; a tag repeated in one record is indexed once)
//   ts/ str(shard) be64(ts)           → be64(offset): written each time the shard's running maximum timestamp grows;
//                                       the first entry with ts >= T names the first record with timestamp >= T
//   g/  str(shard) str(group)         → be64(committed offset). Shard before group (not g/<group>/<shard>) so that
//                                       deleting a shard removes every group's offset on it with one range.
const enc = (s: string) => Buffer.from(s, 'utf8');

function str(s: string): Buffer {
  const bytes = enc(s);
  const len = Buffer.allocUnsafe(2);
  len.writeUInt16BE(bytes.length, 0);
  return Buffer.concat([len, bytes]);
}

export function be64(n: number): Buffer {
  const buf = Buffer.allocUnsafe(8);
  writeBe64(buf, 0, n);
  return buf;
}

/** a u64 as two u32 halves: exact for every safe integer (offsets, timestamps), no BigInt on the append path. */
function writeBe64(buf: Buffer, at: number, n: number): void {
  buf.writeUInt32BE(Math.floor(n / 0x1_0000_0000) >>> 0, at);
  buf.writeUInt32BE(n >>> 0, at + 4);
}

export function readBe64(buf: Buffer, at = buf.length - 8): number {
  return buf.readUInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
}

const SHARD_META = enc('s/');
const RECORD = enc('r/');
const KEY_INDEX = enc('k/');
const TAG_INDEX = enc('t/');
const TIME_INDEX = enc('ts/');
const GROUP = enc('g/');

export const shardMetaPrefix = SHARD_META;
export const shardMetaKey = (shard: string) => Buffer.concat([SHARD_META, str(shard)]);
export function shardNameOfMetaKey(key: Buffer): string {
  const len = key.readUInt16BE(SHARD_META.length);
  return key.toString('utf8', SHARD_META.length + 2, SHARD_META.length + 2 + len);
}

/**
 * `(shard, n) => <prefixOf(shard)><n as u64 BE>`, keeping each shard's prefix (up to 1024 shards, then it starts over):
 * for keys made on the append path, where building the prefix would be most of the work.
 */
function keysWithCachedPrefix(prefixOf: (shard: string) => Buffer): (shard: string, n: number) => Buffer {
  const prefixes = new Map<string, Buffer>();
  return (shard, n) => {
    let prefix = prefixes.get(shard);
    if (prefix === undefined) {
      if (prefixes.size >= 1024) prefixes.clear();
      prefix = prefixOf(shard);
      prefixes.set(shard, prefix);
    }
    const key = Buffer.allocUnsafe(prefix.length + 8);
    prefix.copy(key, 0);
    writeBe64(key, prefix.length, n);
    return key;
  };
}

export const recordPrefix = (shard: string) => Buffer.concat([RECORD, str(shard)]);
/** every appended record needs its key, and building the prefix is most of it. */
export const recordKey = keysWithCachedPrefix(recordPrefix);

export const keyIndexShardPrefix = (shard: string) => Buffer.concat([KEY_INDEX, str(shard)]);
export const keyIndexPrefix = (shard: string, key: string) =>
  Buffer.concat([KEY_INDEX, str(shard), str(key)]);
export const keyIndexKey = (shard: string, key: string, offset: number) =>
  Buffer.concat([KEY_INDEX, str(shard), str(key), be64(offset)]);

export const tagIndexShardPrefix = (shard: string) => Buffer.concat([TAG_INDEX, str(shard)]);
export const tagIndexPrefix = (shard: string, tag: string) =>
  Buffer.concat([TAG_INDEX, str(shard), str(tag)]);
export const tagIndexKey = (shard: string, tag: string, offset: number) =>
  Buffer.concat([TAG_INDEX, str(shard), str(tag), be64(offset)]);

export const timeIndexPrefix = (shard: string) => Buffer.concat([TIME_INDEX, str(shard)]);
/** a batch whose records carry a new maximum timestamp (at low rates, nearly every batch) writes one time-index key. */
export const timeIndexKey = keysWithCachedPrefix(timeIndexPrefix);

export const groupPrefix = (shard: string) => Buffer.concat([GROUP, str(shard)]);
export const groupKey = (shard: string, group: string) => Buffer.concat([GROUP, str(shard), str(group)]);

/** every key range that belongs to one shard, meta excluded. */
export const shardDataPrefixes = (shard: string) => [
  recordPrefix(shard),
  keyIndexShardPrefix(shard),
  tagIndexShardPrefix(shard),
  timeIndexPrefix(shard),
  groupPrefix(shard),
];
