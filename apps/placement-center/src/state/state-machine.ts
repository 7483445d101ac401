// The placement center's replicated state machine: applies committed commands, in log order, to the local KV
// engine. A batch of entries becomes one atomic engine write together with the applied index and the revision
// counter, so a crash leaves the state at a batch boundary and a restart resumes from the recorded applied index.
// Reads here serve the local applied state; linearizable reads are the caller's business (ReadIndex).
// The KV keyspace (keys and values) is also held in memory, and request ids are tested against an in-memory filter,
// so applying a KV write and answering a KV get read nothing from disk (etcd keeps its treeIndex in memory for the
// same reason): a disk read costs a thread-pool round trip, two wake-ups, on the write's critical path.
import { EventEmitter } from 'node:events';
import type { BatchOp, KvEngine, KvRangeReader } from '@robustmq/common';
import type { CommandResult, PlacementCommand } from './commands.js';
import type { ApplyContext } from './apply-context.js';
import { WriteBehindEngine } from './write-behind-engine.js';
import { RequestIdFilter } from './request-id-filter.js';
import { applyMqtt } from './apply-mqtt.js';
import { applyJournal } from './apply-journal.js';
import { isMqttCommand } from './mqtt-commands.js';
import { isJournalCommand } from './journal-commands.js';
import {
  KEY,
  be64,
  decodeEvent,
  decodeKvEntry,
  encodeEvent,
  encodeKvEntry,
  historyKey,
  nodeKey,
  DEDUP_WINDOW,
  decodeResult,
  dedupIndexKey,
  encodeRequestIds,
  encodeResult,
  readBe64,
  requestIdsOfIndexKey,
  type KvEntry,
  type KvEvent,
  type StoredNode,
} from './records.js';

export interface LogEntry {
  index: number;
  command: PlacementCommand;
}

export class StateMachineInvariantError extends Error {}

export type NodeChange =
  | { type: 'register'; node: StoredNode }
  | {
      type: 'unregister';
      clusterType: string;
      clusterName: string;
      nodeId: number;
      reason: 'unregister' | 'expired';
    };

/** Emits 'kv' (KvEvent) after each applied KV change and 'node' (NodeChange) after each node change. */
export class PlacementStateMachine extends EventEmitter {
  private revision = 0;
  private applied = 0;
  private compactedRevision = 0;
  /**
   * Every `kv/` record of the applied state, by user key: the record as stored (layout byte, revisions, value), held
   * as a latin1 string (one character per byte). A string lives in V8's heap like any small object; a Buffer of its
   * own per record (a slice of Node's shared pool would pin its whole 8 KiB slab) cost an ArrayBuffer with a
   * separately allocated backing store per write on every member — ~0.7 µs against ~0.1 µs for the string, most of it
   * GC (see docs/benchmarks.md). A large record (over INDEX_STRING_MAX bytes) keeps a Buffer of its own: off V8's
   * heap, whose limit a few large values must not reach, and rare enough that its allocation does not count.
   */
  private kvIndex = new Map<string, IndexedRecord>();
  /** A superset of the request ids the engine remembers (DEDUP_WINDOW indexes, forgotten every 1,000). */
  private readonly requestIds = new RequestIdFilter(DEDUP_WINDOW, 1000);

  private readonly engine: KvEngine;
  /** The engine itself (`engine` may be a write-behind queue in front of it). */
  private readonly baseEngine: KvEngine;

  private constructor(
    engine: KvEngine,
    private readonly options: { sync: boolean; contiguous?: boolean },
  ) {
    super();
    this.setMaxListeners(0);
    this.baseEngine = engine;
    // unsynced (the Raft log is the durable record): applied batches are written behind, reads wait for them
    // (a request id's result is written once: not worth tracking for coalescing; history keys are Buffers, never)
    this.engine = options.sync
      ? engine
      : new WriteBehindEngine(engine, { coalesce: (key) => !key.startsWith(KEY.dedup) });
  }

  static async open(
    engine: KvEngine,
    options: { sync: boolean; contiguous?: boolean },
  ): Promise<PlacementStateMachine> {
    const sm = new PlacementStateMachine(engine, options);
    sm.revision = readBe64(await engine.get(KEY.revision));
    sm.applied = readBe64(await engine.get(KEY.applied));
    sm.compactedRevision = readBe64(await engine.get(KEY.compacted));
    await sm.loadMemoryIndexes();
    return sm;
  }

  /** Fills the in-memory KV index and request-id filter from the engine (at open and after a snapshot install). */
  private async loadMemoryIndexes(): Promise<void> {
    const kv = new Map<string, IndexedRecord>();
    for await (const [key, value] of this.engine.scan({ prefix: KEY.kv }))
      kv.set(key.toString('utf8', KEY.kv.length), indexedRecord(value));
    this.kvIndex = kv;
    this.requestIds.clear();
    const base = KEY.dedupIndex.length;
    for await (const [key, value] of this.engine.scan({ prefix: KEY.dedupIndex })) {
      const index = key.readUInt32BE(base) * 0x1_0000_0000 + key.readUInt32BE(base + 4);
      for (const id of requestIdsOfIndexKey(key, value)) this.requestIds.add(id, index);
    }
  }

  get appliedIndex(): number {
    return this.applied;
  }

  get currentRevision(): number {
    return this.revision;
  }

  /** The oldest revision a watch may start from is compactedRevision + 1. */
  get oldestWatchableRevision(): number {
    return this.compactedRevision + 1;
  }

  /** Applies consecutive committed entries atomically. Entries at or below the applied index are skipped (replay). */
  async applyBatch(entries: LogEntry[]): Promise<CommandResult[]> {
    const ops: BatchOp[] = [];
    const overlay = new Map<string, Buffer | null>();
    const events: KvEvent[] = [];
    const results: CommandResult[] = [];
    let revision = this.revision;
    let applied = this.applied;
    const nodeChanges: NodeChange[] = [];
    let forgotAt = 0;
    // request ids applied at the current log index, written under one index key when the index changes
    let idsIndex = 0;
    let ids: string[] = [];
    const flushIds = () => {
      if (ids.length > 0)
        ops.push({ type: 'put', key: dedupIndexKey(idsIndex), value: encodeRequestIds(ids) });
      ids = [];
    };

    // the keys KV commands and retries will read are fetched all at once, so applying a batch costs one round of
    // parallel engine reads instead of one awaited read per command (and no promise when there is none: the usual case)
    const prefetching = this.prefetch(entries);
    const prefetched = prefetching ? await prefetching : NOTHING_PREFETCHED;
    // KV records written in this batch, by user key (null: deleted); the KV index takes them once the batch is queued
    const kvOverlay = new Map<string, Buffer | null>();
    /** A KV record as of this point of the batch: from memory, never a promise (every KV command reads one). */
    const kvRead = (key: string): Buffer | undefined => {
      const written = kvOverlay.get(key);
      if (written !== undefined) return written ?? undefined;
      return recordBytes(this.kvIndex.get(key));
    };
    // engine reads of this batch, by key: commands of one batch often read the same record (every consumer-offset
    // commit reads its shard's record), and each engine read is a thread-pool round trip with two wake-ups — at 1,000
    // persistent sessions committing positions that was most of placement's CPU (docs/benchmarks.md). A key written
    // in this batch is read from the overlay first, so a remembered read is never stale within the batch.
    const engineReads = new Map<string, Promise<Buffer | undefined>>();
    const read = async (key: string): Promise<Buffer | undefined> => {
      if (key.startsWith(KEY.kv)) return kvRead(key.slice(KEY.kv.length));
      if (overlay.has(key)) return overlay.get(key) ?? undefined;
      if (prefetched.has(key)) return prefetched.get(key);
      // an id the filter has never seen is new: no disk read
      if (key.startsWith(KEY.dedup) && !this.requestIds.mightContain(key.slice(KEY.dedup.length)))
        return undefined;
      let reading = engineReads.get(key);
      if (reading === undefined) engineReads.set(key, (reading = this.engine.get(key)));
      return reading;
    };
    const put = (key: string, value: Buffer) => {
      if (key.startsWith(KEY.kv)) kvOverlay.set(key.slice(KEY.kv.length), value);
      else overlay.set(key, value);
      ops.push({ type: 'put', key, value });
    };
    const del = (key: string) => {
      if (key.startsWith(KEY.kv)) kvOverlay.set(key.slice(KEY.kv.length), null);
      else overlay.set(key, null);
      ops.push({ type: 'del', key });
    };
    const ctx: ApplyContext = { read, put, del };
    const record = (event: KvEvent) => {
      events.push(event);
      ops.push({ type: 'put', key: historyKey(event.kv.modRevision), value: encodeEvent(event) });
    };
    /** kv.set and a kv.cas that matched: the key's next version, at the next revision. */
    const putKv = (key: string, value: Buffer, old: KvEntry | undefined) => {
      revision++;
      const kv: KvEntry = {
        key,
        value,
        createRevision: old ? old.createRevision : revision,
        modRevision: revision,
        version: old ? old.version + 1 : 1,
      };
      const data = encodeKvEntry(kv);
      kvOverlay.set(key, data);
      ops.push({ type: 'put', key: KEY.kv + key, value: data });
      record({ type: 'put', kv });
    };

    for (const entry of entries) {
      // commands proposed together share one log index, so replays are told apart by the index applied before
      if (entry.index <= this.applied) {
        results.push(undefined as unknown as CommandResult);
        continue;
      }
      // with Raft, indexes of entries that are not commands (leader no-ops, membership changes) are skipped
      if (this.options.contiguous && entry.index !== applied + 1) {
        throw new StateMachineInvariantError(
          `entry ${entry.index} applied after ${applied}: the log has a gap`,
        );
      }
      applied = entry.index;
      const c = entry.command;
      // a retried write (same request id) answers with the first attempt's result instead of applying again
      const requestId =
        'requestId' in c && typeof c.requestId === 'string' && c.requestId ? c.requestId : undefined;
      if (requestId) {
        // (a promise only for an id the filter may have seen, or one this batch wrote: usually none)
        const dedupKey = KEY.dedup + requestId;
        const seen =
          this.requestIds.mightContain(requestId) || overlay.has(dedupKey) ? await read(dedupKey) : undefined;
        if (seen) {
          results.push(decodeResult(seen));
          continue;
        }
      }
      const resultAt = results.length;
      switch (c.type) {
        case 'kv.set': {
          const prev = kvRead(c.key);
          putKv(c.key, c.value, prev ? decodeKvEntry(c.key, prev) : undefined);
          results.push({ type: 'kv.set', revision });
          break;
        }
        case 'kv.delete': {
          const prev = kvRead(c.key);
          if (!prev) {
            results.push({ type: 'kv.delete', deleted: false, revision });
            break;
          }
          revision++;
          const old = decodeKvEntry(c.key, prev);
          kvOverlay.set(c.key, null);
          ops.push({ type: 'del', key: KEY.kv + c.key });
          record({
            type: 'delete',
            kv: {
              key: c.key,
              value: Buffer.alloc(0),
              createRevision: old.createRevision,
              modRevision: revision,
              version: 0,
            },
          });
          results.push({ type: 'kv.delete', deleted: true, revision });
          break;
        }
        case 'kv.cas': {
          const prev = kvRead(c.key);
          const old = prev ? decodeKvEntry(c.key, prev) : undefined;
          const actual = old ? old.modRevision : 0;
          if (actual !== c.expectedModRevision) {
            results.push({
              type: 'kv.cas',
              succeeded: false,
              revision,
              ...(old
                ? {
                    current: {
                      value: old.value,
                      createRevision: old.createRevision,
                      modRevision: old.modRevision,
                      version: old.version,
                    },
                  }
                : {}),
            });
            break;
          }
          putKv(c.key, c.value, old);
          results.push({ type: 'kv.cas', succeeded: true, revision });
          break;
        }
        case 'node.register': {
          const n = c.node;
          put(nodeKey(n.clusterType, n.clusterName, n.nodeId), Buffer.from(JSON.stringify(n)));
          nodeChanges.push({ type: 'register', node: n });
          results.push({ type: 'node.register' });
          break;
        }
        case 'node.unregister': {
          const key = nodeKey(c.clusterType, c.clusterName, c.nodeId);
          const existed = (await read(key)) !== undefined;
          if (existed) del(key);
          if (existed)
            nodeChanges.push({
              type: 'unregister',
              clusterType: c.clusterType,
              clusterName: c.clusterName,
              nodeId: c.nodeId,
              reason: c.reason,
            });
          results.push({ type: 'node.unregister', existed });
          break;
        }
        default: {
          if (isMqttCommand(c)) results.push(await applyMqtt(ctx, c));
          else if (isJournalCommand(c)) results.push(await applyJournal(ctx, c));
          else {
            const unknown: never = c;
            throw new StateMachineInvariantError(`unknown command ${JSON.stringify(unknown)}`);
          }
        }
      }
      if (requestId) {
        put(KEY.dedup + requestId, encodeResult(results[resultAt]!));
        if (applied !== idsIndex) {
          flushIds();
          idsIndex = applied;
        }
        ids.push(requestId);
      }
      // forget old request ids at fixed log positions, so every member forgets the same ones
      if (applied % 1000 === 0 && applied > DEDUP_WINDOW && applied !== forgotAt) {
        forgotAt = applied;
        this.requestIds.forgetBefore(applied);
        for await (const [key, value] of this.engine.scan({
          gte: KEY.dedupIndex,
          lt: dedupIndexKey(applied - DEDUP_WINDOW),
        })) {
          ops.push({ type: 'del', key });
          for (const id of requestIdsOfIndexKey(key, value)) ops.push({ type: 'del', key: KEY.dedup + id });
        }
      }
    }
    flushIds();
    if (applied === this.applied) return results;
    if (revision < this.revision) throw new StateMachineInvariantError('revision went backwards');

    ops.push({ type: 'put', key: KEY.applied, value: be64(applied) });
    if (revision !== this.revision) ops.push({ type: 'put', key: KEY.revision, value: be64(revision) });
    if (this.engine instanceof WriteBehindEngine) this.engine.writeBehind(ops, applied);
    else await this.engine.batch(ops, { sync: this.options.sync });
    for (const [key, value] of kvOverlay) {
      if (value) this.kvIndex.set(key, indexedRecord(value));
      else this.kvIndex.delete(key);
    }
    for (const [key, value] of overlay) {
      if (value && key.startsWith(KEY.dedup)) this.requestIds.add(key.slice(KEY.dedup.length), applied);
    }
    this.applied = applied;
    this.revision = revision;
    for (const event of events) this.emit('kv', event);
    for (const change of nodeChanges) this.emit('node', change);
    return results;
  }

  /** Reads the remembered results of the batch's request ids the filter may have seen; undefined when none. */
  private prefetch(entries: LogEntry[]): Promise<Map<string, Buffer | undefined>> | undefined {
    // KV keys are in memory; of the request ids only those the filter may have seen need the disk
    const keys = new Set<string>();
    for (const { index, command: c } of entries) {
      if (index <= this.applied) continue;
      if (
        'requestId' in c &&
        typeof c.requestId === 'string' &&
        c.requestId &&
        this.requestIds.mightContain(c.requestId)
      )
        keys.add(KEY.dedup + c.requestId);
    }
    if (keys.size === 0) return undefined;
    const list = [...keys];
    const reading = this.engine.getMany
      ? this.engine.getMany(list)
      : Promise.all(list.map((key) => this.engine.get(key)));
    return reading.then((values) => new Map(list.map((key, i) => [key, values[i]])));
  }

  // ---- reads of the local applied state ----

  /** From memory: the applied state as of now (what a write-behind engine will hold once its queue lands). */
  kvGet(key: string): Promise<KvEntry | undefined> {
    const record = recordBytes(this.kvIndex.get(key));
    return Promise.resolve(record === undefined ? undefined : decodeKvEntry(key, record));
  }

  async kvList(
    prefix: string,
    startAfter: string,
    limit: number,
  ): Promise<{ items: KvEntry[]; more: boolean; revision: number }> {
    const revision = this.revision;
    const items: KvEntry[] = [];
    let more = false;
    const scan = this.engine.scan({
      prefix: KEY.kv + prefix,
      ...(startAfter ? { gt: KEY.kv + startAfter } : {}),
      limit: limit + 1,
    });
    for await (const [key, value] of scan) {
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(decodeKvEntry(key.toString().slice(KEY.kv.length), value));
    }
    return { items, more, revision };
  }

  /** History events with revision in [from, to], in order. */
  async *history(from: number, to: number): AsyncIterable<KvEvent> {
    if (from > to) return;
    for await (const [, value] of this.engine.scan({ gte: historyKey(from), lt: historyKey(to + 1) })) {
      yield decodeEvent(value);
    }
  }

  /** A JSON record of a metadata keyspace (mqtt/, journal/), or undefined. */
  async getRecord<T>(key: string): Promise<T | undefined> {
    const data = await this.engine.get(key);
    return data ? (JSON.parse(data.toString()) as T) : undefined;
  }

  /** JSON records under prefix in key order, after the full key startAfter; more = the page was cut at limit. */
  async scanRecords<T>(
    prefix: string,
    options: { startAfter?: string; limit?: number } = {},
  ): Promise<{ items: T[]; lastKey: string; more: boolean }> {
    const items: T[] = [];
    let lastKey = '';
    let more = false;
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const scan = this.engine.scan({
      prefix,
      ...(options.startAfter ? { gt: options.startAfter } : {}),
      ...(options.limit ? { limit: limit + 1 } : {}),
    });
    for await (const [key, value] of scan) {
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(JSON.parse(value.toString()) as T);
      lastKey = key.toString();
    }
    return { items, lastKey, more };
  }

  /** The result remembered for a request id (a committed write that carried it), or undefined. */
  async rememberedResult(requestId: string): Promise<CommandResult | undefined> {
    const data = await this.engine.get(KEY.dedup + requestId);
    return data ? decodeResult(data) : undefined;
  }

  async listNodes(): Promise<StoredNode[]> {
    const nodes: StoredNode[] = [];
    for await (const [, value] of this.engine.scan({ prefix: KEY.node }))
      nodes.push(JSON.parse(value.toString()) as StoredNode);
    return nodes;
  }

  /** Drops history older than keepRevisions behind the current revision (watchers that far behind must re-list). */
  async compactHistory(keepRevisions: number): Promise<void> {
    const upTo = this.revision - keepRevisions;
    if (upTo <= this.compactedRevision) return;
    const ops: BatchOp[] = [];
    for await (const [key] of this.engine.scan({
      gte: historyKey(this.compactedRevision + 1),
      lt: historyKey(upTo + 1),
    })) {
      ops.push({ type: 'del', key });
      if (ops.length >= 10_000) {
        await this.engine.batch(ops.splice(0), { sync: false });
      }
    }
    ops.push({ type: 'put', key: KEY.compacted, value: be64(upTo) });
    await this.engine.batch(ops, { sync: false });
    this.compactedRevision = upTo;
  }

  /** Resolves once every applied batch has landed in the engine (they are written behind, coalesced, with Raft). */
  async flush(): Promise<void> {
    if (this.engine instanceof WriteBehindEngine) await this.engine.settled();
  }

  /**
   * Holds each write behind until the Raft log holds the entries it applied (`durable(index)`, undefined when it
   * already does): the state must never be ahead of the log it is replayed from, and a Raft leader may apply entries
   * its followers hold before its own log write of them is durable.
   */
  gateWritesOn(durable: (index: number) => Promise<void> | undefined): void {
    if (this.engine instanceof WriteBehindEngine) this.engine.gateOn(durable);
  }

  /** Writes what is still queued behind (before the engine is closed; the engine belongs to the caller). */
  async close(): Promise<void> {
    if (this.engine instanceof WriteBehindEngine) await this.engine.close();
  }

  // ---- snapshots (Raft log compaction and InstallSnapshot) ----

  /**
   * Fixes an image of the replicated state as of the applied index and returns it with a function that reads it out
   * (every key, as length-prefixed key/value pairs). Call only between applies. Once the applied batches have landed,
   * the image is a RocksDB snapshot (an iterator opened now): reading it out takes a while for a large state and
   * must not hold up the applies that follow, so it happens in read(), batch by batch, while they go on.
   */
  async snapshotImage(): Promise<{ index: number; read: () => Promise<Buffer[]> }> {
    const index = this.applied;
    const base = this.baseEngine;
    if (!base.reader) {
      const data = await this.exportSnapshot();
      return { index, read: () => Promise.resolve([data]) };
    }
    await this.flush();
    // nothing applies while the caller waits for this: the engine now holds exactly the state at `index`
    const reader = base.reader({});
    return { index, read: () => readImage(reader) };
  }

  /** Every key of the replicated state, as length-prefixed key/value pairs. Call only between applies. */
  async exportSnapshot(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const [key, value] of this.engine.scan({ lt: RAFT_PREFIX })) parts.push(pair(key, value));
    for await (const [key, value] of this.engine.scan({ gte: RAFT_PREFIX_END })) parts.push(pair(key, value));
    return Buffer.concat(parts);
  }

  /**
   * Replaces the replicated state with a snapshot's (keys under the Raft prefix are left alone). Written in batches,
   * so the thread serves its sockets between them: the applied index is deleted first and written last, so a crash
   * half-way leaves a state that says it applied nothing, and the restart restores the snapshot again (the Raft log
   * store holds it before this runs). The in-memory indexes are built from the image, not read back.
   *
   * The image holds ~3 records per KV write (300k for 100k keys): parsing them, and the engine binding's conversion
   * of each batch, run on this thread, which also answers the leader's heartbeats. So the work goes in slices of at
   * most RESTORE_SLICE_MS (and RESTORE_BATCH_OPS operations), the loop turning between them, and it makes few
   * objects for the GC to trace: the engine gets views of the image (its binding copies them at once), not a copy of
   * every key and value.
   */
  async importSnapshot(data: Buffer): Promise<void> {
    await this.engine.batch([{ type: 'del', key: KEY.applied }], { sync: true });
    let ops: BatchOp[] = [];
    const write = async (sync: boolean) => {
      await this.engine.batch(ops, { sync });
      ops = [];
    };
    for (const range of [{ lt: RAFT_PREFIX }, { gte: RAFT_PREFIX_END }]) {
      if (this.baseEngine.clear) {
        // the engine's own thread deletes the old state (the write-behind queue landed with the delete above)
        await this.baseEngine.clear(range);
        continue;
      }
      for await (const [key] of this.engine.scan(range)) {
        ops.push({ type: 'del', key });
        if (ops.length >= RESTORE_BATCH_OPS) await write(false);
      }
    }
    const kv = new Map<string, IndexedRecord>();
    this.requestIds.clear();
    const appliedKey = Buffer.from(KEY.applied);
    const kvPrefix = Buffer.from(KEY.kv);
    const dedupIndexPrefix = Buffer.from(KEY.dedupIndex);
    let applied: Buffer | undefined;
    let offset = 0;
    let sliceStart = performance.now();
    // records (and request ids: one index record holds a whole batch's) parsed since the clock was last read
    let work = 0;
    while (offset < data.length) {
      work++;
      const keyLength = data.readUInt32BE(offset);
      const keyAt = offset + 4;
      const key = data.subarray(keyAt, keyAt + keyLength);
      offset = keyAt + keyLength;
      const valueLength = data.readUInt32BE(offset);
      const raw = data.subarray(offset + 4, offset + 4 + valueLength);
      offset += 4 + valueLength;
      if (hasPrefix(data, keyAt, keyLength, kvPrefix)) {
        kv.set(data.toString('utf8', keyAt + kvPrefix.length, keyAt + keyLength), indexedRecord(raw));
        ops.push({ type: 'put', key, value: raw });
      } else if (keyLength === appliedKey.length && key.equals(appliedKey)) {
        applied = Buffer.from(raw);
        continue;
      } else {
        if (hasPrefix(data, keyAt, keyLength, dedupIndexPrefix)) {
          const base = keyAt + dedupIndexPrefix.length;
          const index = data.readUInt32BE(base) * 0x1_0000_0000 + data.readUInt32BE(base + 4);
          const ids = requestIdsOfIndexKey(key, raw);
          for (const id of ids) this.requestIds.add(id, index);
          work += ids.length;
        }
        ops.push({ type: 'put', key, value: raw });
      }
      if (work < 64 && ops.length < RESTORE_BATCH_OPS) continue;
      work = 0;
      if (ops.length >= RESTORE_BATCH_OPS || performance.now() - sliceStart >= RESTORE_SLICE_MS) {
        // (the write goes to the engine's thread: this one turns meanwhile)
        await write(false);
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    // everything before the applied index is synced with it (one WAL, written in order)
    if (applied) ops.push({ type: 'put', key: KEY.applied, value: applied });
    await write(true);
    this.kvIndex = kv;
    this.revision = readBe64(await this.engine.get(KEY.revision));
    this.applied = readBe64(applied);
    this.compactedRevision = readBe64(await this.engine.get(KEY.compacted));
    this.emit('restored');
  }
}

const NOTHING_PREFETCHED: ReadonlyMap<string, Buffer | undefined> = new Map();

/** A KV record as the in-memory index holds it: a latin1 string, or a Buffer of its own when large (see kvIndex). */
type IndexedRecord = string | Buffer;

/** Records up to this size are held as strings in the KV index; larger ones as Buffers of their own. */
export const INDEX_STRING_MAX = 4096;

function indexedRecord(record: Buffer): IndexedRecord {
  if (record.length <= INDEX_STRING_MAX) return record.toString('latin1');
  const own = Buffer.allocUnsafeSlow(record.length);
  record.copy(own);
  return own;
}

function recordBytes(record: IndexedRecord | undefined): Buffer | undefined {
  return typeof record === 'string' ? Buffer.from(record, 'latin1') : record;
}

/**
 * Most operations per engine write when a snapshot is restored: the binding converts a batch's operations on this
 * thread in one go (~1 µs each, much more on a busy machine).
 */
const RESTORE_BATCH_OPS = 2_000;
/** Longest run of a restore's parsing between two turns of the event loop, ms. */
const RESTORE_SLICE_MS = 5;

/** Whether the key of `length` bytes at `at` in `buf` starts with `prefix` (a few bytes: no call per record). */
function hasPrefix(buf: Buffer, at: number, length: number, prefix: Buffer): boolean {
  if (length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[at + i] !== prefix[i]) return false;
  return true;
}

/** Raft's own keys (log, hard state) share the engine but are not part of the state machine's image. */
export const RAFT_PREFIX = 'raft/';
const RAFT_PREFIX_END = 'raft0'; // '0' follows '/' in byte order

/** Reads a whole image out of `reader`, one buffer per batch, leaving out the Raft prefix. */
async function readImage(reader: KvRangeReader): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  const lo = Buffer.from(RAFT_PREFIX);
  const hi = Buffer.from(RAFT_PREFIX_END);
  try {
    for (let batch = await reader.next(); batch; batch = await reader.next()) {
      let size = 0;
      for (const [key, value] of batch) size += 8 + key.length + value.length;
      const out = Buffer.allocUnsafe(size);
      let at = 0;
      for (const [key, value] of batch) {
        if (key.compare(lo) >= 0 && key.compare(hi) < 0) continue;
        at = out.writeUInt32BE(key.length, at);
        at += key.copy(out, at);
        at = out.writeUInt32BE(value.length, at);
        at += value.copy(out, at);
      }
      parts.push(at === size ? out : out.subarray(0, at));
    }
  } finally {
    await reader.close();
  }
  return parts;
}

function pair(key: Buffer, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(key.length);
  const valueHeader = Buffer.alloc(4);
  valueHeader.writeUInt32BE(value.length);
  return Buffer.concat([header, key, valueHeader, value]);
}
