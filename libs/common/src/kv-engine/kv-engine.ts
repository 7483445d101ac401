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
