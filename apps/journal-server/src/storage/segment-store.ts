// Every segment replica this journal server holds: append-only files plus RocksDB indexes, opened and recovered at
// start (a torn tail is cut, missing index entries are rebuilt from the file), appended to, read, truncated (when a
// new leader's log disagrees) and deleted (retention, shard deletion). Writes and truncations of one segment must not
// overlap: both replica roles (the leader's group commit, the follower's replicate / truncate / repair) run them
// through the segment's lock (`exclusive`), so a role change cannot interleave the old role's write with the new one's.
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RocksDbEngine, type BatchOp, type KvEngine, type Logger } from '@robustmq/common';
import { JournalError, batchParts, decodeRecord, readU64 } from '@robustmq/protocol/journal';
import { MIN_RECORD_BYTES, firstOffsetOf } from './framed-batch.js';
import {
  ALL_PREFIXES,
  checkpointKey,
  keyIndexKey,
  metaKey,
  offsetKey,
  offsetPrefix,
  pad,
  segKey,
  tagIndexKey,
  termOffset,
  timeKey,
  timePrefix,
  u64,
} from './index-keys.js';
import { payloadLength, payloadLengthAt, recordKeyAndTags, recordOffset } from './record-view.js';
import { SegmentFile } from './segment-file.js';

/** a sparse offset-index entry is added once this many bytes were written since the previous one (as Kafka's index.interval.bytes). */
const INDEX_INTERVAL_BYTES = 4096;
const READ_CHUNK_BYTES = 1024 * 1024;

/** what a replica remembers about its segment besides the records. */
export interface ReplicaMeta {
  namespace: string;
  shard: string;
  seq: number;
  startOffset: number;
  /** the highest leader epoch seen; replication from an older epoch is refused (fencing). */
  epoch: number;
  /** [epoch, first offset written in it], ascending: answers "where does epoch e end" (KIP-101). */
  epochs: Array<[number, number]>;
  /** exclusive end offset once the segment is sealed. */
  sealedEnd: number | null;
  /** records per segment the writer asked for (0: no record limit). */
  maxRecords: number;
  createdAtMs: number;
}

interface Checkpoint {
  end: number;
  size: number;
  minTs: number;
  maxTs: number;
}

export class LocalSegment {
  /** exclusive end offset of the records written (synced or not). */
  endOffset: number;
  /** exclusive end offset of the records known to be on disk. */
  durableEnd: number;
  /** file bytes known to be on disk (the position of record durableEnd): where a failed fdatasync cuts back to. */
  durableSize = 0;
  /**
   * set when an fdatasync (or its index batch) failed: what was written past durableEnd may be gone from the page
   * cache without a trace (a later fdatasync can succeed without it), so that tail is treated as lost. Until it is
   * cut (dropUnsynced) no sync may claim anything and no write may land on top of it.
   */
  syncFailed: Error | undefined;
  /** the tail of the segment's lock: every write / truncate / delete of the file is chained here (see exclusive). */
  lock: Promise<void> = Promise.resolve();
  /** tasks waiting for or holding the lock (diagnostics; tests use it to see a task queued behind a held write). */
  lockQueue = 0;
  /** sparse offset index kept in memory: offsets[i] starts at positions[i]. */
  readonly offsets: number[] = [];
  readonly positions: number[] = [];
  bytesSinceEntry = INDEX_INTERVAL_BYTES;
  minTimestamp = -1;
  maxTimestamp = -1;
  lastAppendAtMs = Date.now();
  /** bytes of the file covered by finished writes (the file's size may include a write still in progress). */
  writtenSize = 0;
  /** index entries of written records, flushed with the next sync. */
  pendingOps: BatchOp[] = [];
  /** bumped by truncation: a sync that began before it must not claim the records written after it. */
  generation = 0;
  syncWaiters: Array<{ resolve(): void; reject(err: unknown): void }> = [];
  syncing = false;

  constructor(
    readonly key: string,
    public meta: ReplicaMeta,
    readonly file: SegmentFile,
  ) {
    this.endOffset = meta.startOffset;
    this.durableEnd = meta.startOffset;
  }

  get id(): string {
    return `${this.meta.namespace}/${this.meta.shard}#${this.meta.seq}`;
  }

  get recordCount(): number {
    return this.endOffset - this.meta.startOffset;
  }

  /** the epoch of the last record written, or 0 before any. */
  get lastEpoch(): number {
    const e = this.meta.epochs;
    return e.length === 0 ? 0 : e[e.length - 1]![0];
  }

  /** the file position to start scanning from to find `offset`. */
  floorPosition(offset: number): number {
    const o = this.offsets;
    let lo = 0;
    let hi = o.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (o[mid]! <= offset) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best < 0 ? 0 : this.positions[best]!;
  }
}

export class SegmentCorrupt extends Error {}

export class SegmentStore {
  private readonly segments = new Map<string, LocalSegment>();
  /** per segment key: the tail of its queue of metadata writes (see inMetaOrder). */
  private readonly metaWrites = new Map<string, Promise<void>>();

  private constructor(
    private readonly dir: string,
    readonly db: KvEngine,
    private readonly logger: Logger,
  ) {}

  static async open(dataDir: string, logger: Logger): Promise<SegmentStore> {
    await mkdir(join(dataDir, 'segments'), { recursive: true });
    const db = await RocksDbEngine.open(join(dataDir, 'index'));
    const store = new SegmentStore(dataDir, db, logger);
    try {
      for await (const [, value] of db.scan({ prefix: 'm/' })) {
        const meta = JSON.parse(value.toString('utf8')) as ReplicaMeta;
        await store.load(meta);
      }
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  get(namespace: string, shard: string, seq: number): LocalSegment | undefined {
    return this.segments.get(segKey(namespace, shard, seq));
  }

  list(): LocalSegment[] {
    return [...this.segments.values()];
  }

  /** creates an empty local replica, or returns the existing one. */
  async create(meta: Omit<ReplicaMeta, 'epochs' | 'sealedEnd' | 'createdAtMs'>): Promise<LocalSegment> {
    const existing = this.get(meta.namespace, meta.shard, meta.seq);
    if (existing) return existing;
    const full: ReplicaMeta = { ...meta, epochs: [], sealedEnd: null, createdAtMs: Date.now() };
    await this.db.put(metaKey(segKey(meta.namespace, meta.shard, meta.seq)), JSON.stringify(full));
    return this.load(full);
  }

  async saveMeta(seg: LocalSegment): Promise<void> {
    const value = JSON.stringify(seg.meta); // the state as of this call, whatever changes before the write runs
    await this.inMetaOrder(seg.key, () => this.db.put(metaKey(seg.key), value));
  }

  /**
   * Runs one segment's metadata writes in the order they were asked for. The rocksdb binding runs concurrent writes on
   * several threads, so without this a snapshot taken earlier (an older epoch history) could land after a newer one.
   */
  private inMetaOrder(key: string, write: () => Promise<void>): Promise<void> {
    const next = (this.metaWrites.get(key) ?? Promise.resolve()).then(write);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.metaWrites.set(key, settled);
    void settled.then(() => {
      if (this.metaWrites.get(key) === settled) this.metaWrites.delete(key);
    });
    return next;
  }

  private filePath(meta: ReplicaMeta): string {
    const safe = (s: string) => encodeURIComponent(s).replace(/\./g, '%2E');
    return join(this.dir, 'segments', safe(meta.namespace), safe(meta.shard), `${pad(meta.seq)}.log`);
  }

  private async load(meta: ReplicaMeta): Promise<LocalSegment> {
    const key = segKey(meta.namespace, meta.shard, meta.seq);
    const path = this.filePath(meta);
    await mkdir(dirname(path), { recursive: true });
    const file = await SegmentFile.open(path);
    const seg = new LocalSegment(key, meta, file);
    await this.recover(seg);
    this.segments.set(key, seg);
    return seg;
  }

  /**
   * brings the indexes up to the file and cuts a torn tail: index entries past the checkpoint are rebuilt by scanning
   * the file from there; if the file is shorter than the checkpoint (it lost a tail), everything is rebuilt from 0.
   */
  private async recover(seg: LocalSegment): Promise<void> {
    const raw = await this.db.get(checkpointKey(seg.key));
    let ck: Checkpoint = raw
      ? (JSON.parse(raw.toString('utf8')) as Checkpoint)
      : { end: seg.meta.startOffset, size: 0, minTs: -1, maxTs: -1 };
    const fileSize = (await stat(seg.file.path)).size;
    if (ck.size > fileSize) {
      this.logger.warn({ segment: seg.id, indexed: ck.size, fileSize }, 'segment file is shorter than its index; rebuilding the index');
      await this.dropIndex(seg.key);
      ck = { end: seg.meta.startOffset, size: 0, minTs: -1, maxTs: -1 };
    }
    for await (const [k, v] of this.db.scan({ prefix: offsetPrefix(seg.key) })) {
      seg.offsets.push(Number(k.toString('utf8').slice(-20)));
      seg.positions.push(Number(v.toString('utf8')));
    }
    seg.endOffset = seg.durableEnd = ck.end;
    seg.minTimestamp = ck.minTs;
    seg.maxTimestamp = ck.maxTs;
    seg.bytesSinceEntry = seg.positions.length === 0 ? INDEX_INTERVAL_BYTES : ck.size - seg.positions[seg.positions.length - 1]!;

    // scan what the index does not cover yet
    let pos = ck.size;
    const ops: BatchOp[] = [];
    let cut: number | undefined;
    let why = '';
    while (pos < fileSize) {
      const head = await seg.file.read(pos, 4);
      if (head.length < 4) {
        cut = pos;
        why = 'partial length field';
        break;
      }
      const len = head.readUInt32BE(0);
      if (len < MIN_RECORD_BYTES || pos + 4 + len > fileSize) {
        cut = pos;
        why = `record length ${len} runs past the end of the file`;
        break;
      }
      const record = await seg.file.read(pos + 4, len);
      const isTail = pos + 4 + len === fileSize;
      try {
        decodeRecord(record, `segment ${seg.id} position ${pos}`);
        if (recordOffset(record) !== seg.endOffset) throw new Error(`offset ${recordOffset(record)} where ${seg.endOffset} was expected`);
      } catch (err) {
        if (isTail) {
          cut = pos;
          why = (err as Error).message;
          break;
        }
        if (recordOffset(record) !== seg.endOffset) {
          // not a CRC flip in place but garbage: nothing after it can be trusted to be this segment's records
          cut = pos;
          why = (err as Error).message;
          this.logger.error({ segment: seg.id, position: pos }, 'garbage inside a segment file; cutting it there');
          break;
        }
        // a damaged record with intact framing in the middle: keep it, readers get CORRUPT_RECORD for it
        this.logger.error({ segment: seg.id, position: pos, err }, 'corrupt record inside a segment file');
      }
      this.indexRecord(seg, record, pos, ops);
      seg.endOffset++;
      pos += 4 + len;
    }
    if (cut !== undefined) {
      this.logger.warn({ segment: seg.id, position: cut, fileSize, why }, 'cutting a torn tail from a segment file');
      await seg.file.truncate(cut);
    }
    seg.durableEnd = seg.endOffset;
    seg.writtenSize = seg.durableSize = seg.file.size;
    if (ops.length > 0 || cut !== undefined) {
      ops.push(this.checkpointOp(seg));
      await this.db.batch(ops, { sync: true });
    }
  }

  private checkpointOp(seg: LocalSegment): BatchOp {
    const ck: Checkpoint = { end: seg.endOffset, size: seg.writtenSize, minTs: seg.minTimestamp, maxTs: seg.maxTimestamp };
    return { type: 'put', key: checkpointKey(seg.key), value: JSON.stringify(ck) };
  }

  private indexRecord(seg: LocalSegment, record: Buffer, position: number, ops: BatchOp[]): void {
    this.indexRecordAt(seg, record, 0, record.length, position, ops);
  }

  /** index entries for the record at buf[start, end), stored at file `position` as offset seg.endOffset. */
  private indexRecordAt(seg: LocalSegment, buf: Buffer, start: number, end: number, position: number, ops: BatchOp[]): void {
    const offset = seg.endOffset;
    if (seg.bytesSinceEntry >= INDEX_INTERVAL_BYTES) {
      seg.offsets.push(offset);
      seg.positions.push(position);
      ops.push({ type: 'put', key: offsetKey(seg.key, offset), value: String(position) });
      seg.bytesSinceEntry = 0;
    }
    seg.bytesSinceEntry += 4 + end - start;
    const ts = readU64(buf, start + 13);
    if (ts > seg.maxTimestamp) {
      seg.maxTimestamp = ts;
      ops.push({ type: 'put', key: timeKey(seg.key, ts, offset), value: '' });
    }
    if (seg.minTimestamp < 0 || ts < seg.minTimestamp) seg.minTimestamp = ts;
    // records without key or tags (flag byte 0, tag count 0) are the common case: skip the parse
    if ((buf[start + 21]! & 1) === 0 && buf.readUInt16BE(start + 22) === 0) return;
    const { key, tags } = recordKeyAndTags(buf, start);
    const where = u64(position);
    if (key !== undefined) ops.push({ type: 'put', key: keyIndexKey(seg.key, key, offset), value: where });
    for (const tag of tags) ops.push({ type: 'put', key: tagIndexKey(seg.key, tag, offset), value: where });
  }

  /**
   * appends encoded records (offsets already assigned, consecutive from seg.endOffset) and resolves once they are on
   * disk: write() then sync(). Recovery, repair and tests use it; the data path calls the two halves itself.
   */
  async append(seg: LocalSegment, records: Buffer[], epoch: number): Promise<void> {
    if (records.length === 0) return;
    await this.write(seg, [Buffer.concat(batchParts(records))], records.length, epoch);
    await this.sync(seg);
  }

  /**
   * writes framed batches (repeated [u32 length][record], offsets assigned and consecutive from seg.endOffset, `count`
   * records in all) at the end of the file as they are — one writev, no re-encoding — and indexes them. Not durable
   * until sync(). Run it under the segment's lock (exclusive): writes must not overlap each other or a truncation.
   */
  async write(seg: LocalSegment, parts: Buffer[], count: number, epoch: number): Promise<void> {
    if (count === 0) return;
    if (seg.syncFailed) throw this.syncFailedError(seg);
    const first = firstOffsetOf(parts[0]!);
    if (first !== seg.endOffset) throw new Error(`append at offset ${first} to ${seg.id} whose end is ${seg.endOffset}`);
    if (seg.lastEpoch !== epoch) {
      seg.meta.epochs.push([epoch, first]);
      await this.saveMeta(seg);
    }
    const base = await seg.file.append(parts);
    let position = base;
    for (const part of parts) {
      let at = 0;
      while (at < part.length) {
        const end = at + 4 + part.readUInt32BE(at);
        this.indexRecordAt(seg, part, at + 4, end, position + at, seg.pendingOps);
        seg.endOffset++;
        at = end;
      }
      position += part.length;
    }
    if (seg.endOffset !== first + count) throw new Error(`wrote ${seg.endOffset - first} records to ${seg.id}, expected ${count}`);
    seg.writtenSize = position;
    seg.lastAppendAtMs = Date.now();
  }

  /**
   * resolves once everything written to the segment before the call is on disk. Callers that arrive while an
   * fdatasync runs share the next one (group commit across appends and across pipelined replication requests);
   * the index entries of those writes go to RocksDB unsynced alongside, since they can be rebuilt from the file.
   * Rejects with WRITE_FAILED when that fdatasync fails, and from then on until the lost tail is cut (failSync).
   */
  sync(seg: LocalSegment): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      seg.syncWaiters.push({ resolve, reject });
      if (!seg.syncing) void this.syncLoop(seg);
    });
  }

  private async syncLoop(seg: LocalSegment): Promise<void> {
    seg.syncing = true;
    try {
      while (seg.syncWaiters.length > 0) {
        const waiters = seg.syncWaiters;
        seg.syncWaiters = [];
        if (seg.syncFailed) {
          // the unsynced tail is lost: a successful fdatasync now would not bring it back, so nothing is claimed
          const err = this.syncFailedError(seg);
          for (const w of waiters) w.reject(err);
          continue;
        }
        const end = seg.endOffset;
        const size = seg.writtenSize;
        const generation = seg.generation;
        const ops = seg.pendingOps;
        seg.pendingOps = [];
        ops.push(this.checkpointOp(seg));
        try {
          await Promise.all([seg.file.sync(), this.db.batch(ops, { sync: false })]);
          if (seg.generation === generation && end > seg.durableEnd && end <= seg.endOffset) {
            seg.durableEnd = end;
            seg.durableSize = size;
          }
          for (const w of waiters) w.resolve();
        } catch (err) {
          this.failSync(seg, err as Error);
          const failed = this.syncFailedError(seg);
          for (const w of waiters) w.reject(failed);
        }
      }
    } finally {
      seg.syncing = false;
    }
  }

  /**
   * a failed fdatasync: the kernel may already have dropped the dirty pages (and reports the error once), so the
   * written-but-not-durable tail is unknown and is treated as lost. durableEnd stays where the last good sync put it;
   * the tail is cut under the segment's lock once the writes queued before it are done, and the replica's end
   * falls back to durableEnd, from where its leader re-sends (or, on a leader, a new leader recovers).
   */
  private failSync(seg: LocalSegment, err: Error): void {
    if (seg.syncFailed) return;
    seg.syncFailed = err;
    seg.generation++; // nothing that began before the failure may claim durability afterwards
    this.logger.error({ segment: seg.id, durableEnd: seg.durableEnd, endOffset: seg.endOffset, err: err.message }, 'fdatasync failed; dropping the unsynced tail');
    void this.exclusive(seg, () => this.dropUnsynced(seg)).catch((cutErr: unknown) => {
      this.logger.error({ segment: seg.id, err: (cutErr as Error).message }, 'cutting the unsynced tail after a failed fdatasync failed; the replica refuses writes until a retry succeeds');
    });
  }

  private syncFailedError(seg: LocalSegment): JournalError {
    return new JournalError('WRITE_FAILED', `segment ${seg.id}: an fdatasync failed (${seg.syncFailed?.message}); records from ${seg.durableEnd} are not durable and are being dropped`);
  }

  /**
   * runs `task` once every earlier task of this segment's lock has settled, and holds the lock until it settles:
   * the one queue through which both replica roles write, truncate and delete the segment file, so a leader that
   * is deposed while a write runs finishes that write before the follower role may write or truncate.
   * Tasks must not call exclusive() for the same segment themselves (they would wait for themselves).
   */
  exclusive<T>(seg: LocalSegment, task: () => Promise<T>): Promise<T> {
    seg.lockQueue++;
    const run = seg.lock.then(task).finally(() => seg.lockQueue--);
    seg.lock = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /**
   * after a failed fdatasync: cuts the file back to its durable size and the segment to durableEnd (records past it
   * may be lost), and lets writes and syncs go on. A no-op when no sync failed. Run it under the segment's lock.
   */
  async dropUnsynced(seg: LocalSegment): Promise<void> {
    if (!seg.syncFailed) return;
    await this.cut(seg, seg.durableEnd, seg.durableSize);
    seg.syncFailed = undefined;
    this.logger.warn({ segment: seg.id, end: seg.durableEnd }, 'dropped the unsynced tail of a segment after a failed fdatasync');
  }

  /**
   * walks the framed records from `position` while `visit` returns true; reads the file in chunks so a long scan
   * holds at most one chunk. Stops at `endOffset` (records beyond it are not visited).
   */
  async scan(seg: LocalSegment, fromOffset: number, endOffset: number, visit: (record: Buffer, position: number) => boolean): Promise<void> {
    let pos = seg.floorPosition(fromOffset);
    const fileEnd = seg.writtenSize;
    while (pos < fileEnd) {
      const chunk = await seg.file.read(pos, Math.min(READ_CHUNK_BYTES, fileEnd - pos));
      let at = 0;
      while (at + 4 <= chunk.length) {
        const len = chunk.readUInt32BE(at);
        // space reserved by a write still in progress reads as zeros: no record there yet
        if (len < MIN_RECORD_BYTES) return;
        if (at + 4 + len > chunk.length) {
          if (at === 0) {
            // a record larger than the chunk: read it whole
            if (pos + 4 + len > fileEnd) return;
            const whole = await seg.file.read(pos + 4, len);
            const off = recordOffset(whole);
            if (off >= endOffset) return;
            if (off >= fromOffset && !visit(whole, pos)) return;
            at = 4 + len;
          }
          break;
        }
        const record = chunk.subarray(at + 4, at + 4 + len);
        const off = recordOffset(record);
        if (off >= endOffset) return;
        if (off >= fromOffset && !visit(record, pos + at)) return;
        at += 4 + len;
      }
      if (at === 0) return;
      pos += at;
    }
  }

  /** records [fromOffset, endOffset) up to maxRecords and maxBytes of payload (the first one always). */
  async read(seg: LocalSegment, fromOffset: number, endOffset: number, maxRecords: number, maxBytes: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    let bytes = 0;
    await this.scan(seg, fromOffset, endOffset, (record) => {
      const size = Math.max(0, payloadLength(record));
      if (out.length > 0 && bytes + size > maxBytes) return false;
      out.push(record);
      bytes += size;
      return out.length < maxRecords;
    });
    return out;
  }

  /**
   * records [fromOffset, endOffset) as framed file bytes, up to maxRecords and maxBytes (of payload, or of frames when
   * `frameBytes`; the first record always): contiguous views of what was read from the file, no per-record copies.
   */
  async readFramed(
    seg: LocalSegment,
    fromOffset: number,
    endOffset: number,
    maxRecords: number,
    maxBytes: number,
    frameBytes = false,
  ): Promise<{ parts: Buffer[]; count: number }> {
    const parts: Buffer[] = [];
    let count = 0;
    let bytes = 0;
    let pos = seg.floorPosition(fromOffset);
    const fileEnd = seg.writtenSize;
    while (pos < fileEnd) {
      let chunk = await seg.file.read(pos, Math.min(READ_CHUNK_BYTES, fileEnd - pos));
      if (chunk.length >= 4) {
        const first = chunk.readUInt32BE(0);
        // a record larger than the chunk: read it whole
        if (first >= MIN_RECORD_BYTES && 4 + first > chunk.length && pos + 4 + first <= fileEnd) chunk = await seg.file.read(pos, 4 + first);
      }
      let at = 0;
      let from = -1;
      let done = false;
      while (at + 4 <= chunk.length) {
        const len = chunk.readUInt32BE(at);
        if (len < MIN_RECORD_BYTES || at + 4 + len > chunk.length) {
          done = len < MIN_RECORD_BYTES; // zeros: space of a write in progress, nothing there yet
          break;
        }
        const off = readU64(chunk, at + 4 + 5);
        if (off >= endOffset) {
          done = true;
          break;
        }
        if (off >= fromOffset) {
          const size = frameBytes ? 4 + len : Math.max(0, payloadLengthAt(chunk, at + 4));
          if (count > 0 && bytes + size > maxBytes) {
            done = true;
            break;
          }
          if (from < 0) from = at;
          count++;
          bytes += size;
        }
        at += 4 + len;
        if (count >= maxRecords || (frameBytes && bytes >= maxBytes)) {
          done = true;
          break;
        }
      }
      if (from >= 0) parts.push(chunk.subarray(from, at));
      if (done || at === 0) break;
      pos += at;
    }
    return { parts, count };
  }

  /** raw bytes budget variant for replication: whole records up to about maxBytes of frames. */
  async readForReplication(seg: LocalSegment, fromOffset: number, endOffset: number, maxBytes: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    let bytes = 0;
    await this.scan(seg, fromOffset, endOffset, (record) => {
      out.push(Buffer.from(record)); // a copy: the chunk it views would otherwise stay alive in the send queue
      bytes += 4 + record.length;
      return bytes < maxBytes;
    });
    return out;
  }

  async readAt(seg: LocalSegment, position: number): Promise<Buffer> {
    const head = await seg.file.read(position, 4);
    return seg.file.read(position + 4, head.readUInt32BE(0));
  }

  /** file positions of records with this key (or tag), offsets in [fromOffset, endOffset), at most limit. */
  async lookupTerm(seg: LocalSegment, kind: 'key' | 'tag', term: string, fromOffset: number, endOffset: number, limit: number): Promise<number[]> {
    const prefix = kind === 'key' ? keyIndexKey(seg.key, term) : tagIndexKey(seg.key, term);
    const positions: number[] = [];
    const gte = kind === 'key' ? keyIndexKey(seg.key, term, fromOffset) : tagIndexKey(seg.key, term, fromOffset);
    for await (const [k, v] of this.db.scan({ prefix, gte })) {
      if (termOffset(k) >= endOffset || positions.length >= limit) break;
      positions.push(Number(v.readBigUInt64BE(0)));
    }
    return positions;
  }

  /** the first offset < endOffset whose timestamp is >= ts, via the running-maximum time index. */
  async offsetForTimestamp(seg: LocalSegment, ts: number, endOffset: number): Promise<number | undefined> {
    for await (const [k] of this.db.scan({ prefix: timePrefix(seg.key), gte: `${timePrefix(seg.key)}${pad(ts)}`, limit: 1 })) {
      const offset = Number(k.toString('utf8').slice(-20));
      return offset < endOffset ? offset : undefined;
    }
    return undefined;
  }

  /** drops the records at and after `offset` (a diverged tail a new leader does not have). Run it under the lock. */
  async truncate(seg: LocalSegment, offset: number): Promise<void> {
    if (offset >= seg.endOffset && !seg.syncFailed) return;
    if (offset < seg.meta.startOffset) offset = seg.meta.startOffset;
    // let syncs of earlier writes land first (their index entries included), then make them unable to claim more;
    // a failing one marks the segment, and then the unsynced tail goes too (below)
    await this.sync(seg).catch(() => {});
    if (seg.syncFailed && offset >= seg.durableEnd) return this.dropUnsynced(seg);
    if (offset >= seg.endOffset) return;
    let cutAt = seg.file.size;
    await this.scan(seg, offset, Number.MAX_SAFE_INTEGER, (_r, position) => {
      cutAt = position;
      return false;
    });
    await this.cut(seg, offset, cutAt);
    // a cut inside the durable part removed any tail a failed fdatasync lost as well; cleared only now, so no sync
    // that runs during the cut can claim that tail
    seg.syncFailed = undefined;
  }

  /** cuts the file at byte `cutAt`, where record `offset` starts, and the indexes and metadata with it. */
  private async cut(seg: LocalSegment, offset: number, cutAt: number): Promise<void> {
    seg.generation++;
    await seg.file.truncate(cutAt);
    seg.writtenSize = cutAt;
    // drop index entries at and after offset; rebuild the running timestamps from what remains
    const ops: BatchOp[] = [];
    while (seg.offsets.length > 0 && seg.offsets[seg.offsets.length - 1]! >= offset) {
      ops.push({ type: 'del', key: offsetKey(seg.key, seg.offsets.pop()!) });
      seg.positions.pop();
    }
    seg.maxTimestamp = -1;
    for (const prefix of [timePrefix(seg.key), `k/${seg.key}/`, `g/${seg.key}/`]) {
      for await (const [k] of this.db.scan({ prefix })) {
        const off = prefix.startsWith('t/') ? Number(k.toString('utf8').slice(-20)) : termOffset(k);
        if (off >= offset) ops.push({ type: 'del', key: k });
        else if (prefix.startsWith('t/')) seg.maxTimestamp = Number(k.toString('utf8').slice(-40, -20));
      }
    }
    seg.endOffset = seg.durableEnd = offset;
    seg.durableSize = cutAt;
    // index entries not yet flushed can only be of records past the cut (the sync before it, or the last good one
    // before a failed fdatasync, took every earlier write's), so none of them may reach RocksDB now
    seg.pendingOps = [];
    seg.bytesSinceEntry = seg.positions.length === 0 ? INDEX_INTERVAL_BYTES : cutAt - seg.positions[seg.positions.length - 1]!;
    seg.meta.epochs = seg.meta.epochs.filter(([, start]) => start < offset);
    ops.push(this.checkpointOp(seg), { type: 'put', key: metaKey(seg.key), value: JSON.stringify(seg.meta) });
    await this.inMetaOrder(seg.key, () => this.db.batch(ops, { sync: true }));
  }

  /** removes the replica: its file, indexes and metadata. */
  async delete(seg: LocalSegment): Promise<void> {
    this.segments.delete(seg.key);
    await seg.file.close().catch(() => {});
    await rm(seg.file.path, { force: true });
    await this.dropIndex(seg.key);
    await this.inMetaOrder(seg.key, () => this.db.batch([{ type: 'del', key: metaKey(seg.key) }, { type: 'del', key: checkpointKey(seg.key) }]));
  }

  private async dropIndex(key: string): Promise<void> {
    const ops: BatchOp[] = [];
    for (const prefix of ALL_PREFIXES(key)) {
      for await (const [k] of this.db.scan({ prefix })) ops.push({ type: 'del', key: k });
    }
    await this.db.batch(ops, { sync: true });
  }

  async close(): Promise<void> {
    for (const seg of this.segments.values()) await seg.file.close().catch(() => {});
    this.segments.clear();
    await this.db.close();
  }
}
