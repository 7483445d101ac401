// The small key-value engine interface our services store local state through, so RocksDB can be swapped out.
export type Bytes = Buffer | string;

export type BatchOp = { type: 'put'; key: Bytes; value: Bytes } | { type: 'del'; key: Bytes };

export interface WriteOptions {
  /** fsync the write-ahead log before resolving; the default for anything acknowledged to a client. */
  sync?: boolean;
}

export interface ScanOptions {
  /** only keys starting with this prefix. */
  prefix?: Bytes;
  /** keys strictly greater than this. */
  gt?: Bytes;
  gte?: Bytes;
  lt?: Bytes;
  limit?: number;
  reverse?: boolean;
}

/**
 * A range as it was when the reader was opened (a point-in-time view: later writes are not seen), read in batches of
 * many entries, each batch one trip to the engine's thread. close() must be called unless next() returned undefined.
 */
export interface KvRangeReader {
  /** The next entries in key order, or undefined at the end (the reader is closed then). */
  next(): Promise<[Buffer, Buffer][] | undefined>;
  close(): Promise<void>;
}

export interface KvEngine {
  get(key: Bytes): Promise<Buffer | undefined>;
  /** several point reads in one call (one trip to the engine's thread instead of one per key). */
  getMany?(keys: Bytes[]): Promise<(Buffer | undefined)[]>;
  put(key: Bytes, value: Bytes, options?: WriteOptions): Promise<void>;
  delete(key: Bytes, options?: WriteOptions): Promise<void>;
  /** applies all operations atomically. */
  batch(ops: BatchOp[], options?: WriteOptions): Promise<void>;
  /** entries in key order (or reverse) within the given range. */
  scan(options: ScanOptions): AsyncIterable<[Buffer, Buffer]>;
  /** Deletes every key of the range (unsynced; a later synced write makes it durable), on the engine's thread. */
  clear?(range: Pick<ScanOptions, 'gt' | 'gte' | 'lt'>): Promise<void>;
  /** A point-in-time reader of the range, fixed by this call (for bulk reads: snapshots, index rebuilds). */
  reader?(options: ScanOptions): KvRangeReader;
  close(): Promise<void>;
}

/** The smallest key greater than every key that starts with `prefix`, or undefined if there is none. */
export function prefixUpperBound(prefix: Buffer): Buffer | undefined {
  const bound = Buffer.from(prefix);
  for (let i = bound.length - 1; i >= 0; i--) {
    if (bound[i]! < 0xff) {
      bound[i]! += 1;
      return bound.subarray(0, i + 1);
    }
  }
  return undefined;
}
