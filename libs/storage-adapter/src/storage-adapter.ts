// The StorageAdapter interface: the broker's only way to message storage. Every implementation (memory, rocksdb,
// journal, mysql) keeps these promises and proves it by passing src/testing/conformance-suite.ts.
//
// Promises every implementation keeps:
// - Offsets are assigned by storage: dense (no gaps), starting at 0, increasing by one per record, per shard, and
//   they stay dense across restarts.
// - append() resolves only once every record of the call is durable for that implementation (memory: in the process;
//   rocksdb: synced to the write-ahead log; mysql: committed), and it rejects if any of it is not: a batch is all or
//   nothing.
// - A record a reader can see is durable; readers never see a record whose append might still fail.
// - Every stored record carries a CRC over its fields, computed on append and verified on every read; a mismatch is
//   a StorageError with code CORRUPT_RECORD, never silently returned or skipped.
// - Every failure is a StorageError with a code (see storage-error.ts) and a message saying what to do.

/** One header. An array of pairs (not a map) because MQTT 5 user properties may repeat a name and keep their order. */
export interface RecordHeader {
  name: string;
  value: string;
}

/** A record as given to append(). */
export interface AppendRecord {
  /** optional routing/compaction key (e.g. the MQTT topic of a retained message); readByKey finds records by it. */
  key?: string;
  /** zero or more tags; readByTag finds records by any of them. Defaults to []. */
  tags?: string[];
  /** milliseconds since the epoch; defaults to the time of the append call. */
  timestamp?: number;
  /** an array of pairs, or a plain object for convenience (stored as pairs in key order of the object). */
  headers?: RecordHeader[] | Record<string, string>;
  payload: Buffer;
}

/** Options of one append() call. */
export interface AppendOptions {
  /**
   * the offset the first record must get: the single writer of a shard (the broker's message log) says where it
   * believes the shard ends. If the shard ends elsewhere the call fails with OFFSET_MISMATCH and writes nothing — with
   * one exception that makes retries safe: an adapter that retried the call after losing an answer and finds its own
   * records already stored from expectedOffset on counts them as written (and writes only the rest), so a retried
   * call is stored once. Without it, a retry after a lost answer may store a batch twice.
   */
  expectedOffset?: number;
  /**
   * the caller keeps several appends of this shard in flight and needs them stored in call order (the broker's shared
   * message log, which pipelines its group commits). An adapter with `orderedAppends` keeps that order through
   * retries and leader changes; on other adapters a caller must not have two appends of one shard in flight. Ignored
   * with expectedOffset.
   */
  ordered?: boolean;
}

/** A record as read back: what was appended, plus the offset storage assigned and the CRC it stored. */
export interface StoredRecord {
  offset: number;
  key?: string;
  tags: string[];
  timestamp: number;
  headers: RecordHeader[];
  payload: Buffer;
  /** CRC-32 over the encoded record (offset included); already verified when you see it. */
  crc: number;
}

export interface ShardOptions {
  /** a segment is sealed after this many records and the next one starts; default 10 000. */
  maxRecordsPerSegment?: number;
  /** sealed segments whose records are all older than this (by record timestamp) are removed by enforceRetention(). */
  retentionMs?: number;
}

export interface ResolvedShardOptions {
  maxRecordsPerSegment: number;
  retentionMs?: number;
}

export interface ShardInfo {
  name: string;
  options: ResolvedShardOptions;
  /** the first offset still stored (0 until retention removes segments). */
  startOffset: number;
  /** the offset the next appended record will get; also the number of records ever appended. */
  nextOffset: number;
  /** number of stored segments, the active one included (0 for an empty shard). */
  segmentCount: number;
}

export interface SegmentInfo {
  /** position in the shard's chain of segments: segment i holds offsets [i·N, (i+1)·N) for N = maxRecordsPerSegment. */
  index: number;
  startOffset: number;
  /** one past the last record written to this segment. */
  endOffset: number;
  /** 'sealed' segments are full and immutable; only the last segment may be 'active'. */
  status: 'active' | 'sealed';
}

export interface ShardDescription extends ShardInfo {
  segments: SegmentInfo[];
}

export interface ReadOptions {
  /** at most this many records; default 100. */
  maxRecords?: number;
  /**
   * stop before the sum of payload sizes exceeds this; default 1 MiB. The first record is always returned even if it
   * alone is larger, so a reader can always make progress.
   */
  maxBytes?: number;
  /**
   * when no record at or after fromOffset exists yet, wait up to this many ms for one to be appended (long poll);
   * resolves as soon as one is durable, or with [] on time-out. Default 0 (do not wait).
   */
  waitMs?: number;
}

/** what StorageAdapter.readOthers() found: other writers' records, and where to read on. */
export interface OthersRead {
  records: StoredRecord[];
  /** the offset after the last record and after the own records skipped. */
  next: number;
}

export interface IndexReadOptions {
  /** only records at or after this offset; default the shard's startOffset. */
  fromOffset?: number;
  /** at most this many records; default 100. */
  maxRecords?: number;
}

export interface RetentionResult {
  shard: string;
  /** how many records were removed by this run. */
  removedRecords: number;
  /** the shard's first stored offset after this run. */
  startOffset: number;
}

export interface StorageAdapter {
  /** 'memory', 'rocksdb', … — for logs and the admin API. */
  readonly type: string;

  /**
   * optional: true when append() calls of one shard made with AppendOptions.ordered may be in flight together and are
   * stored in call order even across failures and retries (journal: ordered chains, journal-adapter.ts). Callers
   * without it append one call at a time.
   */
  readonly orderedAppends?: boolean;

  /** creates an empty shard; SHARD_EXISTS if the name is taken. Names: 1–255 UTF-8 bytes, no control characters. */
  createShard(name: string, options?: ShardOptions): Promise<ShardInfo>;
  /** all shards, sorted by name. */
  listShards(): Promise<ShardInfo[]>;
  /** one shard with its chain of segments. */
  describeShard(name: string): Promise<ShardDescription>;
  /**
   * optional: the shard's first and next offsets (describeShard's startOffset and nextOffset) at less cost, for callers
   * that ask on every read (the Kafka broker's high watermark). Only an adapter whose describeShard is expensive has
   * it (journal: one data-port round trip instead of placement reads); callers fall back to describeShard.
   */
  shardEnds?(name: string): Promise<{ startOffset: number; nextOffset: number }>;
  /** removes the shard, its records, indexes and every group's committed offset on it. */
  deleteShard(name: string): Promise<void>;

  /**
   * appends the records in order and resolves with their offsets (consecutive). An empty array is INVALID_ARGUMENT:
   * it is almost always a caller bug, and resolving it with [] would hide that.
   */
  append(shard: string, records: AppendRecord[], options?: AppendOptions): Promise<number[]>;
  /**
   * records from fromOffset on, in offset order. fromOffset must lie in [startOffset, nextOffset]; outside that it is
   * OFFSET_OUT_OF_RANGE (below: removed by retention — restart from describeShard().startOffset).
   */
  read(shard: string, fromOffset: number, options?: ReadOptions): Promise<StoredRecord[]>;
  /**
   * optional: read() without the records this adapter appended itself, for a writer that reads its shard back and has
   * its own records already (the MQTT brokers' shared log). The records are those of other writers in
   * [fromOffset, next), in offset order; every other offset in that range holds a record this adapter appended,
   * and the long poll (waitMs) is not ended by this adapter's own appends. Skipping is best effort (the journal's
   * leader knows only its recent commits): a record of our own may still come back. Adapters without it: read().
   */
  readOthers?(shard: string, fromOffset: number, options?: ReadOptions): Promise<OthersRead>;
  /**
   * every record with this key, oldest first (not only the latest: callers that want the latest take the last one;
   * keeping all keeps the semantics the same for a compacting and a non-compacting store).
   */
  readByKey(shard: string, key: string, options?: IndexReadOptions): Promise<StoredRecord[]>;
  /** records carrying this tag, oldest first. */
  readByTag(shard: string, tag: string, options?: IndexReadOptions): Promise<StoredRecord[]>;
  /**
   * the first offset whose record timestamp is >= timestamp, or undefined if no stored record has one yet.
   * Timestamps need not be monotonic. If that record was removed by retention, startOffset is returned (never a later
   * offset than the exact answer, so a consumer starting there misses nothing).
   */
  offsetForTimestamp(shard: string, timestamp: number): Promise<number | undefined>;

  /** durably records that `group` has consumed `shard` up to (not including) `offset`; offset <= nextOffset. */
  commitOffset(group: string, shard: string, offset: number): Promise<void>;
  /** the group's last committed offset on the shard, or undefined if it never committed one. */
  fetchOffset(group: string, shard: string): Promise<number | undefined>;

  /**
   * removes sealed segments of shards with retentionMs whose records are all older than now - retentionMs. The
   * owner of the adapter calls this on a timer; it never runs by itself, so nothing happens behind the caller's back.
   */
  enforceRetention(now?: number): Promise<RetentionResult[]>;

  /** lets accepted writes finish, fails pending long polls with CLOSED, releases resources; later calls get CLOSED. */
  close(): Promise<void>;
}
