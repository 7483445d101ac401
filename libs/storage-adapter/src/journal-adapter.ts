// The `journal` StorageAdapter: the broker's way to the replicated journal cluster. Shard and segment metadata come
// from the placement center and are cached; appends go to the active segment's leader over the data port and are
// retried against fresh metadata when the leader changed or the segment was sealed; reads walk the chain of
// segments; consumer offsets live in placement.
//
// What it promises beyond storage-adapter.ts, and where it differs:
// - append() resolves once the shard's acks (quorum by default) have the records on disk. A batch that spans a
//   segment boundary is written as one run of consecutive offsets, but not atomically: if the cluster fails between
//   the two parts, the first part stays; so does a batch larger than maxAppendBytes (4 MiB), sent as several
//   consecutive requests. Ordinary appends (no expectedOffset) are idempotent (docs/architecture.md): every request
//   carries this adapter's producer id (from placement, once per adapter) and its own sequence per shard in a
//   producer stamp on its first record (producer-stamp.ts); a retry keeps it, and the segment's leader answers a
//   request it already holds with the first attempt's offsets instead of writing it again — a new leader too (the
//   stamp is in the log it recovered) and a segment sealed since (asked first). Each request also carries the lowest
//   sequence still unanswered (its floor), so a late copy of an answered or abandoned request is refused
//   (OUT_OF_ORDER_SEQUENCE), never written. Against a journal server that does not check stamps (it never said
//   `idempotent`), or a sealed segment none of whose replicas answers, a retry first looks for the request's records
//   in the log, byte for byte from the end known at the first send (findStored): exact only when the first attempt
//   was written (or never will be) by the time of the look. With AppendOptions.expectedOffset (a single writer)
//   every attempt carries it to the leader instead, which refuses a batch that would not start there (OFFSET_MISMATCH with its end), and
//   records of the call that a lost attempt already wrote are counted instead of written again.
// - Ordered appends (AppendOptions.ordered, the broker's shared log): several calls of one shard in flight at once,
//   stored in call order. They go out at once on the connection to the segment's leader as one chain (each request
//   names its predecessor; the leader writes a request only right behind it, SegmentLeader.append), so a request that
//   fails makes every later one in flight fail too. Once all have answered, the failed ones are re-sent one by one in
//   call order (through the ordinary retrying path), after looking for the records of those whose fate is unknown in
//   the log first (a lost answer, a leader killed after writing): found ones are counted, not written again. Then
//   pipelining resumes with a new chain. Once a leader has said it takes them (`stampedChains`), chained requests
//   carry the same producer stamp as ordinary ones and a re-send keeps it: the leader answers it with the first
//   attempt's offsets instead of the look in the log, which missed a first attempt not committed yet (written twice).
//   See docs/architecture.md "Pipelined appends to the shared log".
// - Each adapter shard maps to a placement shard with a generated name (see journal-catalog.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { stageTimings, type ClusterTls, type Logger } from '@robustmq/common';
import { PlacementClient, orUndefined } from '@robustmq/placement-client';
import {
  JOURNAL_MESSAGE,
  JournalConnectionPool,
  JournalDataAddresses,
  JournalError,
  advanceRetentionMark,
  decodeRecord,
  encodeRecordBatch,
  formatProducerStamp,
  isJournalError,
  readRetentionMark,
  readU64,
  splitBatch,
  stripProducerStamp,
  type Header,
  type JournalReply,
  type RecordFields,
} from '@robustmq/protocol/journal';
import {
  catalogKey,
  catalogPrefix,
  newPlacementName,
  placementGroupName,
  type CatalogEntry,
} from './journal-catalog.js';
import { toStorageError } from './journal-errors.js';
import { checkCommitOffset, checkOffsetInRange } from './offset-range.js';
import { CheckedStorageAdapter, type IndexRead } from './checked-adapter.js';
import type {
  AppendOptions,
  OthersRead,
  ReadOptions,
  ResolvedShardOptions,
  RetentionResult,
  SegmentInfo,
  ShardDescription,
  ShardInfo,
  StoredRecord,
} from './storage-adapter.js';
import { StorageError, adapterClosed, shardExists, shardNotFound } from './storage-error.js';
import {
  checkNonNegativeInteger,
  checkShardName,
  resolveReadOptions,
  type ResolvedReadOptions,
} from './validation.js';

export interface JournalStorageOptions {
  /** host:port of the placement center members' gRPC ports. */
  placementAddresses: string[];
  /** placement namespace of the shards this adapter creates; default "storage". */
  namespace?: string;
  /** replicas per segment; default min(3, journal servers registered when the shard is created). */
  replicaCount?: number;
  /** when an append counts as done: 'one' (leader on disk), 'quorum' (default) or 'all' replicas on disk. */
  acks?: 'one' | 'quorum' | 'all';
  /** how long one call keeps retrying through leader changes and seals before failing with UNAVAILABLE; default 30 s. */
  requestTimeoutMs?: number;
  /** largest Append frame sent, in bytes: a bigger append() goes out in several consecutive requests (the journal
   * server refuses frames over its storage.max_frame_bytes, 16 MiB by default); default 4 MiB. */
  maxAppendBytes?: number;
  logger?: Logger;
  /** the cluster secret ([cluster] auth_token), sent to placement's gRPC and the journal servers' data ports. */
  authToken?: string | undefined;
  /** cluster TLS ([cluster] tls_*) for placement's gRPC and the data ports; the caller keeps it open until close(). */
  tls?: ClusterTls | undefined;
}

interface SegmentView {
  seq: number;
  replicas: number[];
  leader: number;
  epoch: number;
  status: string;
  startOffset: number;
  /** exclusive end for sealed segments, -1 while written. */
  end: number;
  endTimestampMs: number;
}

interface ShardHandle {
  entry: CatalogEntry;
  segments: SegmentView[];
  firstSeq: number;
  /** set while an append finishes a batch that crossed into a new segment: later appends wait, keeping it contiguous. */
  gate: Promise<void> | undefined;
  /** an offset the shard is known to have reached (appends answered, high watermarks read): a commit up to it
   * needs no look at the shard's end. */
  knownEnd: number;
  /** the next producer sequence of an ordinary append request to this shard, and those not answered yet (the lowest
   * is the floor every request carries: see producer-stamp.ts). */
  nextSequence: number;
  unanswered: Set<number>;
}

/** one ordered append() call (AppendOptions.ordered) on its way. */
interface OrderedCall {
  /** its place in the call order of its shard. */
  index: number;
  encoded: { data: Buffer; starts: number[] };
  /** offsets of its records already written (a request the segment's end cut short), in record order. */
  offsets: number[];
  /** an offset at or below any its records can have been given: the shard's known end when it was first sent. */
  lowerBound: number;
  /** a request of it failed without saying it wrote nothing: its records may be in the log. */
  uncertain: boolean;
  /** the producer sequence its chained request was stamped with, while unanswered (-1: none). A re-send keeps it,
   * so the leader answers it with the first attempt's offsets if that one was written, instead of writing it again. */
  sequence: number;
  /** the segment (seq) that stamped request went to. */
  sentTo: number;
  resolve(offsets: number[]): void;
  reject(err: unknown): void;
}

/** the ordered appends of one shard: the chain in flight and what waits to be re-sent. */
interface OrderedLane {
  shard: string;
  /** calls made so far (the next call's index). */
  calls: number;
  /** the chain requests go out on now, and the seq of its newest request (-1: the next one heads it). */
  chain: string;
  last: number;
  inflight: number;
  /** calls not sent yet, in call order. */
  queue: OrderedCall[];
  /** calls whose request failed, in call order: re-sent one by one once nothing is in flight. */
  failed: OrderedCall[];
  /** set while a step of the lane awaits (looking up the shard, re-sending the failed calls). */
  busy: boolean;
}

/** a failure after which a request of a chain certainly wrote nothing (anything else: its records may be stored). */
function wroteNothing(err: unknown): boolean {
  return (
    isJournalError(err, 'OUT_OF_ORDER') ||
    isJournalError(err, 'OUT_OF_ORDER_SEQUENCE') ||
    isJournalError(err, 'SEGMENT_SEALED') ||
    isJournalError(err, 'FENCED') ||
    isJournalError(err, 'SEGMENT_NOT_FOUND') ||
    isJournalError(err, 'BAD_REQUEST')
  );
}

/** bytes of a framed record after its offset (version 1, CRC 4, offset 8): what the writer's bytes and the stored
 * ones have in common. */
const RECORD_BODY_AT = 13;
/** records read back at most while looking for the records of a request whose answer was lost. */
const MAX_DEDUPE_SCAN = 200_000;

const ACKS = { one: 'ACKS_ONE', quorum: 'ACKS_QUORUM', all: 'ACKS_ALL' } as const;
const EMPTY = Buffer.alloc(0);
const DEFAULT_MAX_APPEND_BYTES = 4 * 1024 * 1024;

/** What placement lists of a journal shard's segments. */
type ListedSegments = Awaited<ReturnType<PlacementClient['journal']['listSegments']>>;

export class JournalStorageAdapter extends CheckedStorageAdapter {
  readonly type = 'journal';
  readonly orderedAppends = true;
  /** ordered appends: requests sent in a chain (`stamped` of them with a producer stamp), calls re-sent one by one
   * after a failure, and re-sent calls whose records were found already stored (not written again). */
  readonly orderedStats = { chained: 0, stamped: 0, resent: 0, foundStored: 0 };
  /** ordinary appends: requests whose answer was lost, looked for in the log before a retry, and those found there
   * (not written again). */
  readonly retryStats = { lookedUp: 0, foundStored: 0 };
  /** ordinary appends are stamped (producer id + sequence, producer-stamp.ts): retries the journal answered as
   * repeats of a request it had written (not written again), and retries asked of a segment sealed since. */
  readonly idempotenceStats = { duplicates: 0, askedSealed: 0 };
  /** this adapter's producer id, allocated from placement at the first ordinary append. */
  private producerId: Promise<number> | undefined;
  /** set once a journal server answered a stamped append as one that checks stamps: retries then need no look-up. */
  private serverChecksStamps = false;
  /** the producer id once allocated (chained requests are stamped only then, synchronously as they go out). */
  private producerIdNow: number | undefined;
  /** set once a journal server answered a chained append as one that takes stamped chains (`stampedChains`); unset
   * when one refuses a stamped chain (a server of the release before). */
  private serverStampsChains = false;
  private readonly placement: PlacementClient;
  private readonly pool: JournalConnectionPool;
  private readonly namespace: string;
  private readonly timeoutMs: number;
  private readonly shards = new Map<string, ShardHandle>();
  private readonly nodes: JournalDataAddresses;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly waiting = new Map<string, Set<(err: StorageError) => void>>();
  private readonly lanes = new Map<string, OrderedLane>();
  /** numbers the requests of ordered chains (unique per adapter). */
  private chainSeq = 0;
  /** names this adapter's appends to the leaders, so that readOthers() can skip them (Read's skipWriter). */
  private readonly writerId = randomUUID();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: JournalStorageOptions) {
    super();
    if (!Array.isArray(options.placementAddresses) || options.placementAddresses.length === 0) {
      throw new StorageError(
        'INVALID_ARGUMENT',
        "storage type 'journal' needs placementAddresses: the placement center's gRPC host:port list",
      );
    }
    if (options.acks !== undefined && !(options.acks in ACKS)) {
      throw new StorageError(
        'INVALID_ARGUMENT',
        `acks must be 'one', 'quorum' or 'all', got ${JSON.stringify(options.acks)}`,
      );
    }
    this.placement = new PlacementClient({
      addresses: options.placementAddresses,
      callTimeoutMs: options.requestTimeoutMs ?? 30_000,
      authToken: options.authToken,
      tls: options.tls,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    this.nodes = new JournalDataAddresses(() => this.placement.cluster.listNodes('JOURNAL_SERVER'));
    this.pool = new JournalConnectionPool({ authToken: options.authToken, tls: options.tls });
    this.namespace = options.namespace ?? 'storage';
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** the placement shard behind an adapter shard (for tools and tests). */
  async placementShard(name: string): Promise<{ namespace: string; name: string }> {
    const h = await this.handle(name);
    return { namespace: this.namespace, name: h.entry.placementName };
  }

  // ---- metadata ----

  private guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(adapterClosed(this.type));
    return fn().catch((err: unknown) => {
      throw this.closed && !(err instanceof StorageError) ? adapterClosed(this.type) : toStorageError(err);
    });
  }

  private async handle(name: string, refresh = false): Promise<ShardHandle> {
    let h = this.shards.get(name);
    if (!h || refresh) {
      const { entry, segments } = await this.catalogEntry(name);
      // read again after the await: a concurrent call may have made the handle meanwhile, and two handles of one
      // shard would keep two gates (and let an append slip between the requests of another)
      h = this.shards.get(name);
      if (h && h.entry.placementName === entry.placementName) h.entry = entry;
      else
        h = {
          entry,
          segments: [],
          firstSeq: 0,
          gate: undefined,
          knownEnd: 0,
          nextSequence: 0,
          unanswered: new Set(),
        };
      this.shards.set(name, h);
      await this.refreshSegments(h, segments);
    }
    return h;
  }

  /**
   * The shard's catalog entry, once its journal shard exists. createShard claims the name in the catalog first and
   * creates the journal shard after it, so another adapter (a second broker starting at the same moment) can find
   * the entry while placement does not know the journal shard yet: wait for it while the entry is young, and say
   * "not found" if the creator gave up (it deletes the entry).
   */
  private async catalogEntry(name: string): Promise<{ entry: CatalogEntry; segments: ListedSegments }> {
    for (let wait = 25; ; wait = Math.min(wait * 2, 500)) {
      const raw = await this.placement.kv.get(catalogKey(this.namespace, name));
      if (!raw) {
        this.shards.delete(name);
        throw shardNotFound(name);
      }
      const entry = JSON.parse(raw.toString('utf8')) as CatalogEntry;
      const segments = await orUndefined(
        this.placement.journal.listSegments(this.namespace, entry.placementName),
      );
      if (segments) return { entry, segments };
      if (Date.now() - entry.createdAtMs >= this.timeoutMs) {
        throw new StorageError(
          'UNAVAILABLE',
          `shard '${name}' is in the catalog but not in the journal cluster`,
        );
      }
      if (this.closed) throw adapterClosed(this.type);
      await sleep(wait);
    }
  }

  private async refreshSegments(h: ShardHandle, listed?: ListedSegments): Promise<void> {
    const [segments, firstSeq] = await Promise.all([
      listed ?? this.placement.journal.listSegments(this.namespace, h.entry.placementName),
      readRetentionMark(this.placement.kv, this.namespace, h.entry.placementName),
    ]);
    h.firstSeq = firstSeq;
    h.segments = segments
      .filter((s) => s.seq >= firstSeq && s.status !== 'SEGMENT_DELETING')
      .map((s) => ({
        seq: s.seq,
        replicas: s.replicas,
        leader: s.leader,
        epoch: s.epoch,
        status: s.status,
        startOffset: s.startOffset,
        end: s.status === 'SEGMENT_SEALED' ? s.endOffset + 1 : -1,
        endTimestampMs: s.endTimestampMs,
      }));
  }

  private active(h: ShardHandle): SegmentView | undefined {
    const last = h.segments[h.segments.length - 1];
    return last && last.status === 'SEGMENT_WRITE' ? last : undefined;
  }

  private address(nodeId: number, refresh = false): Promise<string> {
    return this.nodes.get(nodeId, refresh);
  }

  private async send(
    nodeId: number,
    type: number,
    header: Header,
    data: Buffer[] = [],
    timeoutMs = this.timeoutMs,
  ): Promise<JournalReply> {
    const address = await this.address(nodeId);
    try {
      return await this.pool.get(address).request(type, header, data, timeoutMs);
    } catch (err) {
      if (isJournalError(err, 'UNAVAILABLE')) {
        this.pool.reset(address);
        this.nodes.forget(nodeId); // it may have restarted on another port
      }
      throw err;
    }
  }

  private target(h: ShardHandle, seg: SegmentView): Header {
    return { namespace: this.namespace, shard: h.entry.placementName, segment: seg.seq };
  }

  /** a segment's readable end: sealed → its end; active → the leader's high watermark. */
  private async segmentEnd(h: ShardHandle, seg: SegmentView): Promise<number> {
    if (seg.end >= 0) return seg.end;
    const reply = await this.withRetry(h, async () => {
      const current = h.segments.find((s) => s.seq === seg.seq) ?? seg;
      if (current.end >= 0)
        return { header: { highWatermark: current.end } as Header, data: Buffer.alloc(0) };
      return this.send(current.leader, JOURNAL_MESSAGE.SegmentState, this.target(h, current));
    });
    const hw = reply.header['highWatermark'];
    return typeof hw === 'number' ? hw : seg.startOffset;
  }

  /** runs `op`, refreshing metadata and retrying while the cluster is moving (leader change, seal, restart). */
  private async withRetry<T>(h: ShardHandle, op: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        const retryable =
          isJournalError(err, 'NOT_LEADER') ||
          isJournalError(err, 'UNAVAILABLE') ||
          // the connection was closed under the request: by another request's reset after a transport failure
          // (this adapter's own close() sets `closed` first, and is never retried)
          isJournalError(err, 'CLOSED') ||
          isJournalError(err, 'SEGMENT_SEALED') ||
          isJournalError(err, 'FENCED') ||
          isJournalError(err, 'NOT_ENOUGH_REPLICAS') ||
          isJournalError(err, 'SEGMENT_NOT_FOUND');
        if (!retryable || this.closed || Date.now() > deadline) throw err;
        if (attempt > 0) await sleep(Math.min(500, 10 * 2 ** Math.min(attempt, 6)));
        try {
          await this.handle(h.entry.name, true);
        } catch (refreshErr) {
          // placement unreachable for a moment (its leader died, it is restarting): one more failed attempt, not
          // the end of the call — the deadline decides; a shard deleted meanwhile ends it
          if (refreshErr instanceof StorageError && refreshErr.code === 'SHARD_NOT_FOUND') throw refreshErr;
          if (this.closed || Date.now() > deadline) throw refreshErr;
        }
      }
    }
  }

  // ---- shards ----

  protected createShardChecked(name: string, resolved: ResolvedShardOptions): Promise<ShardInfo> {
    return this.guard(async () => {
      const registered = (await this.placement.cluster.listNodes('JOURNAL_SERVER')).length;
      const replicaCount = this.options.replicaCount ?? Math.max(1, Math.min(3, registered));
      const entry: CatalogEntry = {
        name,
        placementName: newPlacementName(),
        options: resolved,
        createdAtMs: Date.now(),
      };
      const key = catalogKey(this.namespace, name);
      const { succeeded } = await this.placement.kv.compareAndSet(key, 0, JSON.stringify(entry));
      if (!succeeded) throw shardExists(name);
      try {
        await this.placement.journal.createShard(this.namespace, entry.placementName, {
          replicaCount,
          acks: ACKS[this.options.acks ?? 'quorum'],
          maxSegmentBytes: 0,
          maxSegmentAgeMs: 0,
          // retention of adapter shards runs when enforceRetention() is called, never behind the caller's back
          retentionMs: 0,
          retentionBytes: 0,
        });
      } catch (err) {
        await this.placement.kv.delete(key).catch(() => {});
        throw new StorageError(
          'UNAVAILABLE',
          `cannot create shard '${name}' in the journal cluster: ${(err as Error).message}`,
        );
      }
      return { name, options: resolved, startOffset: 0, nextOffset: 0, segmentCount: 0 };
    });
  }

  protected listShardsChecked(): Promise<ShardInfo[]> {
    return this.guard(async () => {
      const names: string[] = [];
      let startAfter = '';
      for (;;) {
        const page = await this.placement.kv.listPrefix(catalogPrefix(this.namespace), startAfter);
        for (const kv of page.items) names.push((JSON.parse(kv.value.toString('utf8')) as CatalogEntry).name);
        if (!page.more || page.items.length === 0) break;
        startAfter = page.items[page.items.length - 1]!.key;
      }
      names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const infos: ShardInfo[] = [];
      for (const n of names) {
        try {
          const { segments: _segments, ...info } = await this.describe(n);
          infos.push(info);
        } catch (err) {
          if (!(err instanceof StorageError && err.code === 'SHARD_NOT_FOUND')) throw err;
        }
      }
      return infos;
    });
  }

  protected describeShardChecked(name: string): Promise<ShardDescription> {
    return this.guard(() => this.describe(name));
  }

  private async describe(name: string): Promise<ShardDescription> {
    checkShardName(name);
    const h = await this.handle(name, true);
    const segments: SegmentInfo[] = [];
    for (const seg of h.segments) {
      const end = await this.segmentEnd(h, seg);
      if (end > seg.startOffset)
        segments.push({
          index: seg.seq,
          startOffset: seg.startOffset,
          endOffset: end,
          status: seg.end >= 0 ? 'sealed' : 'active',
        });
    }
    const first = h.segments[0];
    const startOffset = first ? first.startOffset : 0;
    const last = h.segments[h.segments.length - 1];
    const nextOffset = last ? await this.segmentEnd(h, last) : startOffset;
    return {
      name,
      options: h.entry.options,
      startOffset,
      nextOffset,
      segmentCount: segments.length,
      segments,
    };
  }

  /**
   * describeShard's start and next offsets from the cached segments and the active segment leader's high watermark
   * (one data-port round trip); when the cached last segment is sealed, or the leader says it just was, the segments
   * are read from placement as describeShard does.
   */
  shardEnds(name: string): Promise<{ startOffset: number; nextOffset: number }> {
    return this.guard(async () => {
      checkShardName(name);
      const h = await this.handle(name);
      const last = h.segments[h.segments.length - 1];
      if (last && last.end < 0) {
        const reply = await this.withRetry(h, () => {
          const current = h.segments.find((s) => s.seq === last.seq) ?? last;
          return this.send(current.leader, JOURNAL_MESSAGE.SegmentState, this.target(h, current));
        });
        const hw = reply.header['highWatermark'];
        if (
          reply.header['sealed'] !== true &&
          typeof hw === 'number' &&
          h.segments[h.segments.length - 1]?.seq === last.seq
        ) {
          return { startOffset: h.segments[0]!.startOffset, nextOffset: hw };
        }
      }
      const { startOffset, nextOffset } = await this.describe(name);
      return { startOffset, nextOffset };
    });
  }

  protected deleteShardChecked(name: string): Promise<void> {
    return this.guard(async () => {
      const h = await this.handle(name, true);
      const deleted = await this.placement.kv.delete(catalogKey(this.namespace, name));
      if (!deleted) throw shardNotFound(name);
      this.shards.delete(name);
      this.failWaiting(name, shardNotFound(name));
      await this.placement.journal
        .deleteShard(this.namespace, h.entry.placementName)
        .catch((err: unknown) =>
          this.options.logger?.warn(
            { err, shard: name },
            'placement did not mark the deleted shard; journal servers keep its data until they see it gone',
          ),
        );
      // tell the replicas now rather than waiting for their next retention pass
      await Promise.all(
        h.segments.flatMap((seg) =>
          seg.replicas.map((nodeId) =>
            this.send(nodeId, JOURNAL_MESSAGE.DeleteSegment, this.target(h, seg), [], 5_000).catch(() => {}),
          ),
        ),
      );
    });
  }

  // ---- append ----

  /**
   * a producer id for this adapter's life: the revision of a compare-and-set on one placement key, unique across the
   * cluster and never reused (revisions only grow), so a restarted broker never passes for its previous life.
   */
  private allocateProducerId(): Promise<number> {
    this.producerId ??= (async () => {
      const key = `/journal/producer-ids/${this.namespace}`;
      for (;;) {
        const current = await this.placement.kv.getEntry(key);
        const { succeeded, revision } = await this.placement.kv.compareAndSet(
          key,
          current ? Number(current.modRevision) : 0,
          String(Date.now()),
        );
        if (succeeded) return (this.producerIdNow = Number(revision));
      }
    })().catch((err: unknown) => {
      this.producerId = undefined;
      throw err;
    });
    return this.producerId;
  }

  /** the framed records [first, end) of a call with a producer stamp on the first: one request's data. */
  private stamped(
    encoded: { data: Buffer; starts: number[] },
    first: number,
    end: number,
    producerId: number,
    sequence: number,
    floor: number,
  ): Buffer[] {
    const head = decodeRecord(
      encoded.data.subarray(encoded.starts[first]! + 4, encoded.starts[first + 1]!),
      'the record being stamped',
    );
    const { offset: _offset, crc: _crc, ...fields } = head;
    fields.headers = [
      formatProducerStamp({ producerId, sequence, floor, count: end - first }),
      ...fields.headers,
    ];
    const parts = [encodeRecordBatch([fields]).data];
    if (end > first + 1) parts.push(encoded.data.subarray(encoded.starts[first + 1]!, encoded.starts[end]!));
    return parts;
  }

  protected appendChecked(
    shard: string,
    records: RecordFields[],
    expected: number,
    options: AppendOptions | undefined,
  ): Promise<number[]> {
    // encode now, into the framed batch the leader writes to its segment file as is: the stored bytes are what the
    // payload held at the call, and nobody downstream encodes them again (a failure rejects: CheckedStorageAdapter)
    const encoded = encodeRecordBatch(records);
    const p =
      options?.ordered === true && expected < 0
        ? this.guard(() => this.appendOrdered(shard, encoded))
        : this.guard(() => this.appendEncoded(shard, encoded, expected));
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  /** `expected` >= 0: the single writer's expectedOffset (see AppendOptions), sent with every attempt. Records
   * before `firstRecord` are not sent (already written); the answer holds the offsets of the rest. */
  private async appendEncoded(
    shard: string,
    encoded: { data: Buffer; starts: number[] },
    expected: number,
    firstRecord = 0,
    /** a stamped chained request of this call whose answer was lost: its first request is sent again with the same
     * sequence, as one that may be stored in segment `sentTo`. */
    resend?: { sequence: number; sentTo: number; lowerBound: number },
  ): Promise<number[]> {
    const h = await this.handle(shard);
    // an attempt failed after it may have reached the leader (a lost answer, a leader that died mid-write): from then
    // on, records of this call found stored from the expected offset on are the ones that attempt wrote
    let uncertain = false;
    // without an expected offset: an attempt of the current request failed without saying it wrote nothing, so its
    // records are looked for (from `lowerBound`, the shard's known end when it was first sent) before it is re-sent
    let mayBeStored = false;
    let lowerBound = h.knownEnd;
    const offsets: number[] = [];
    const total = encoded.starts.length - 1;
    const maxBytes = this.options.maxAppendBytes ?? DEFAULT_MAX_APPEND_BYTES;
    // requests without an expected offset are idempotent (producer-stamp.ts): each carries this adapter's producer id
    // and its own sequence, kept by its retries, so the leader answers a repeat with the first attempt's offsets
    const producerId = expected < 0 ? await this.allocateProducerId() : -1;
    let sequence = -1;
    // segments an attempt of the current request went to without an answer (it may be written there)
    const sentTo = new Set<number>();
    let sentRecords = firstRecord;
    // the records of the next request: as many as fit in maxBytes (at least one), from sentRecords to chunkEnd
    let chunkEnd = sentRecords;
    const chunk = (): Buffer[] => {
      const from = encoded.starts[sentRecords]!;
      let to = sentRecords + 1;
      while (to < total && encoded.starts[to + 1]! - from <= maxBytes) to++;
      chunkEnd = to;
      sentTo.clear();
      if (producerId < 0) return [encoded.data.subarray(from, encoded.starts[to]!)];
      if (resend !== undefined && sequence < 0) {
        sequence = resend.sequence; // still among the unanswered
      } else {
        if (sequence >= 0) h.unanswered.delete(sequence);
        sequence = h.nextSequence++;
        h.unanswered.add(sequence);
      }
      let floor = sequence;
      for (const s of h.unanswered) if (s < floor) floor = s;
      return this.stamped(encoded, sentRecords, to, producerId, sequence, floor);
    };
    let remaining = chunk();
    if (resend !== undefined) {
      mayBeStored = true;
      sentTo.add(resend.sentTo);
      lowerBound = resend.lowerBound;
    }
    let release: (() => void) | undefined;
    if (chunkEnd < total) {
      // several requests from the start: no other append of this shard may go between them
      while (h.gate) await h.gate;
      h.gate = new Promise<void>((resolve) => (release = resolve));
    }
    try {
      while (sentRecords < total) {
        while (h.gate && !release) await h.gate;
        const reply = await this.withRetry(h, async () => {
          while (h.gate && !release) await h.gate;
          const seg = this.active(h);
          if (!seg) throw new JournalError('SEGMENT_SEALED', `shard '${shard}' has no writable segment yet`);
          const at = expected >= 0 ? expected + sentRecords : -1;
          if (mayBeStored) {
            // a stamped request is checked by the leader of the segment it is sent to; one that went to a segment
            // sealed since is asked of that segment first (a repeat is answered there with its offsets)
            const earlier =
              producerId >= 0 ? await this.askEarlierSegments(h, sentTo, seg.seq, remaining) : undefined;
            if (earlier) return earlier;
            if (producerId < 0 || !this.serverChecksStamps || sentTo.size > 0) {
              this.retryStats.lookedUp++;
              const found = await this.findStored(
                shard,
                encoded,
                sentRecords,
                chunkEnd,
                lowerBound,
                remaining,
              );
              if (found !== undefined) {
                this.retryStats.foundStored++;
                return { header: { baseOffset: found[0]!, count: found.length } as Header, data: EMPTY };
              }
            }
            mayBeStored = false;
          }
          const sentAt = stageTimings ? performance.now() : 0;
          try {
            const reply = await this.send(
              seg.leader,
              JOURNAL_MESSAGE.Append,
              {
                ...this.target(h, seg),
                epoch: seg.epoch,
                maxSegmentRecords: h.entry.options.maxRecordsPerSegment,
                writer: this.writerId,
                ...(at >= 0 ? { expectedOffset: at } : {}),
              },
              remaining,
            );
            stageTimings?.record('adapter.append.request', performance.now() - sentAt);
            return reply;
          } catch (err) {
            if (at >= 0 && isJournalError(err, 'OFFSET_MISMATCH')) {
              const end = err.details['endOffset'];
              if (uncertain && typeof end === 'number' && end > at && end <= expected + total) {
                // a lost attempt of this call wrote [at, end): count those records as written, send only the rest.
                // (They are on the leader's disk; a later append of this writer commits them with it at the acks.)
                this.options.logger?.info(
                  { shard, from: at, to: end },
                  'journal append: records of a retried batch were already written',
                );
                return { header: { baseOffset: at, count: end - at } as Header, data: EMPTY };
              }
              throw err;
            }
            uncertain = true;
            if (at < 0 && !wroteNothing(err)) {
              mayBeStored = true;
              sentTo.add(seg.seq);
            }
            const next = isJournalError(err, 'SEGMENT_SEALED')
              ? (err.details['next'] as SegmentView | undefined)
              : undefined;
            if (next && !h.segments.some((s) => s.seq === next.seq)) {
              // the seal answer names the next segment: use it without asking placement
              seg.status = 'SEGMENT_SEALED';
              h.segments.push({ ...next, status: 'SEGMENT_WRITE', end: -1, endTimestampMs: 0 });
              throw new JournalError('UNAVAILABLE', 'moved to the next segment');
            }
            throw err;
          }
        });
        const base = reply.header['baseOffset'] as number;
        const count = reply.header['count'] as number;
        if (reply.header['idempotent'] === true) this.serverChecksStamps = true;
        if (reply.header['duplicate'] === true) this.idempotenceStats.duplicates++;
        for (let i = 0; i < count; i++) offsets.push(base + i);
        if (base + count > h.knownEnd) h.knownEnd = base + count;
        sentRecords += count;
        mayBeStored = false;
        lowerBound = h.knownEnd;
        if (sentRecords < total) remaining = chunk();
        if (sentRecords < total && !release) {
          // a large batch goes in several requests, or the segment filled up mid-batch: hold other appends back until
          // the rest is written after it, so the call's records stay consecutive
          h.gate = new Promise<void>((resolve) => (release = resolve));
        }
      }
    } finally {
      if (sequence >= 0) h.unanswered.delete(sequence);
      if (release) {
        h.gate = undefined;
        release();
      }
    }
    return offsets;
  }

  /**
   * asks the segments in `sentTo` other than `active` (an attempt of the request went there without an answer, and
   * they were sealed since) whether they hold the stamped request: its offsets if one does (duplicate), undefined
   * when none does. A segment that says so (SEGMENT_SEALED) is crossed off; one whose replicas cannot be reached
   * stays in `sentTo` (the caller then looks for the records in the log).
   */
  private async askEarlierSegments(
    h: ShardHandle,
    sentTo: Set<number>,
    active: number,
    request: Buffer[],
  ): Promise<JournalReply | undefined> {
    sentTo.delete(active);
    for (const seq of [...sentTo]) {
      const seg = h.segments.find((s) => s.seq === seq);
      if (!seg) continue;
      this.idempotenceStats.askedSealed++;
      for (const nodeId of [seg.leader, ...seg.replicas.filter((r) => r !== seg.leader)]) {
        try {
          const reply = await this.send(
            nodeId,
            JOURNAL_MESSAGE.Append,
            { ...this.target(h, seg), epoch: 0 },
            request,
            Math.min(this.timeoutMs, 5_000),
          );
          sentTo.delete(seq);
          if (reply.header['duplicate'] === true) return reply;
          break;
        } catch (err) {
          if (isJournalError(err, 'SEGMENT_SEALED')) {
            sentTo.delete(seq);
            break;
          }
        }
      }
    }
    return undefined;
  }

  // ---- ordered (pipelined) appends ----

  private appendOrdered(shard: string, encoded: { data: Buffer; starts: number[] }): Promise<number[]> {
    let lane = this.lanes.get(shard);
    if (!lane) {
      lane = {
        shard,
        calls: 0,
        chain: randomUUID(),
        last: -1,
        inflight: 0,
        queue: [],
        failed: [],
        busy: false,
      };
      this.lanes.set(shard, lane);
    }
    const l = lane;
    return new Promise<number[]>((resolve, reject) => {
      // queued synchronously: the call order is the order append() was called in, whatever awaits follow
      l.queue.push({
        index: l.calls++,
        encoded,
        offsets: [],
        lowerBound: 0,
        uncertain: false,
        sequence: -1,
        sentTo: -1,
        resolve,
        reject,
      });
      this.pumpOrdered(l);
    });
  }

  /** sends what the lane may send now: every queued call, as the chain's next requests, unless something failed. */
  private pumpOrdered(lane: OrderedLane): void {
    if (lane.busy) return;
    if (lane.failed.length > 0) {
      if (lane.inflight === 0) void this.resendFailed(lane);
      return;
    }
    if (lane.queue.length === 0) return;
    const h = this.shards.get(lane.shard);
    const seg = h && !h.gate ? this.active(h) : undefined;
    const address = seg && this.nodes.cached(seg.leader);
    if (!h || !seg || address === undefined) {
      // metadata to look up first (or a gate of a call going out in pieces): through the ordinary path, one by one
      lane.failed.push(...lane.queue.splice(0));
      if (lane.inflight === 0) void this.resendFailed(lane);
      return;
    }
    if (this.serverStampsChains && this.producerIdNow === undefined)
      void this.allocateProducerId().catch(() => undefined); // stamped from the next chain on
    const maxBytes = this.options.maxAppendBytes ?? DEFAULT_MAX_APPEND_BYTES;
    while (lane.queue.length > 0) {
      const call = lane.queue[0]!;
      if (call.encoded.data.length > maxBytes) {
        // several requests: the ordinary path sends them under the shard's gate, after what is in flight
        lane.failed.push(...lane.queue.splice(0));
        if (lane.inflight === 0) void this.resendFailed(lane);
        return;
      }
      lane.queue.shift();
      call.lowerBound = h.knownEnd;
      this.sendOrdered(lane, h, seg, address, call);
    }
  }

  /** one request of the chain, written to the leader's connection now (so requests leave in call order). */
  private sendOrdered(
    lane: OrderedLane,
    h: ShardHandle,
    seg: SegmentView,
    address: string,
    call: OrderedCall,
  ): void {
    const seq = ++this.chainSeq;
    const first = call.offsets.length;
    const total = call.encoded.starts.length - 1;
    // stamped like an ordinary append (producer id, sequence, floor) where the server takes it: a re-send after a
    // lost answer is then answered with this request's offsets instead of being written a second time
    const producerId = this.serverStampsChains ? this.producerIdNow : undefined;
    let body: Buffer[];
    if (producerId !== undefined) {
      call.sequence = h.nextSequence++;
      h.unanswered.add(call.sequence);
      let floor = call.sequence;
      for (const s of h.unanswered) if (s < floor) floor = s;
      body = this.stamped(call.encoded, first, total, producerId, call.sequence, floor);
      call.sentTo = seg.seq;
      this.orderedStats.stamped++;
    } else body = [call.encoded.data.subarray(call.encoded.starts[first]!)];
    const header: Header = {
      ...this.target(h, seg),
      epoch: seg.epoch,
      maxSegmentRecords: h.entry.options.maxRecordsPerSegment,
      writer: this.writerId,
      chain: lane.chain,
      seq,
      ...(lane.last >= 0 ? { after: lane.last } : {}),
    };
    lane.last = seq;
    lane.inflight++;
    this.orderedStats.chained++;
    const sentAt = stageTimings ? performance.now() : 0;
    this.pool
      .get(address)
      .request(JOURNAL_MESSAGE.Append, header, body, this.timeoutMs)
      .then(
        (reply) => {
          stageTimings?.record('adapter.append.request', performance.now() - sentAt);
          lane.inflight--;
          if (reply.header['stampedChains'] === true) this.serverStampsChains = true;
          if (reply.header['idempotent'] === true) this.serverChecksStamps = true;
          if (call.sequence >= 0) {
            // answered: a later request (the rest of one cut short) is a new one
            h.unanswered.delete(call.sequence);
            call.sequence = -1;
          }
          const base = reply.header['baseOffset'] as number;
          const count = reply.header['count'] as number;
          for (let i = 0; i < count; i++) call.offsets.push(base + i);
          if (base + count > h.knownEnd) h.knownEnd = base + count;
          if (call.offsets.length === call.encoded.starts.length - 1) call.resolve(call.offsets);
          else this.failOrdered(lane, call); // cut short at the segment's end: the rest goes to the next segment
          this.pumpOrdered(lane);
        },
        (err: unknown) => {
          lane.inflight--;
          if (isJournalError(err, 'UNAVAILABLE')) {
            this.pool.reset(address);
            this.nodes.forget(seg.leader);
          }
          if (call.sequence >= 0 && isJournalError(err, 'BAD_REQUEST')) this.serverStampsChains = false;
          if (!wroteNothing(err)) call.uncertain = true;
          else if (call.sequence >= 0) {
            // nothing written: the re-send is a request of its own
            h.unanswered.delete(call.sequence);
            call.sequence = -1;
          }
          this.failOrdered(lane, call);
          this.pumpOrdered(lane);
        },
      );
  }

  private failOrdered(lane: OrderedLane, call: OrderedCall): void {
    let i = lane.failed.length;
    while (i > 0 && lane.failed[i - 1]!.index > call.index) i--;
    lane.failed.splice(i, 0, call);
  }

  /**
   * Once nothing of the chain is in flight: the failed calls one by one in call order through the retrying path (what
   * is called meanwhile waits in the queue); a call whose records may already be stored is looked for first. Then the
   * queue goes out as a new chain.
   */
  private async resendFailed(lane: OrderedLane): Promise<void> {
    lane.busy = true;
    // the end of the records found or written for the calls re-sent so far: the next call's records lie beyond it
    let scanFrom = -1;
    // false once a call was not found: a later call of the chain cannot have been written without it
    let mayBeStored = true;
    try {
      for (;;) {
        const call = lane.failed.shift();
        if (!call) break;
        try {
          if (call.sequence >= 0) {
            // stamped: re-sent with the same stamp, the leader answers it with the first attempt's offsets if that
            // one was written (a look in the log only where the server cannot say: appendEncoded)
            this.orderedStats.resent++;
            const rest = await this.appendEncoded(lane.shard, call.encoded, -1, call.offsets.length, {
              sequence: call.sequence,
              sentTo: call.sentTo,
              lowerBound: Math.max(scanFrom, call.lowerBound),
            });
            call.sequence = -1;
            call.offsets.push(...rest);
            scanFrom = rest[rest.length - 1]! + 1;
            call.resolve(call.offsets);
            continue;
          }
          if (call.uncertain && mayBeStored && call.offsets.length < call.encoded.starts.length - 1) {
            const found = await this.findStored(
              lane.shard,
              call.encoded,
              call.offsets.length,
              call.encoded.starts.length - 1,
              Math.max(scanFrom, call.lowerBound),
            );
            if (found === undefined) mayBeStored = false;
            else {
              this.orderedStats.foundStored++;
              call.offsets.push(...found);
              scanFrom = found[found.length - 1]! + 1;
            }
          }
          if (call.offsets.length < call.encoded.starts.length - 1) {
            this.orderedStats.resent++;
            const rest = await this.appendEncoded(lane.shard, call.encoded, -1, call.offsets.length);
            call.offsets.push(...rest);
            scanFrom = rest[rest.length - 1]! + 1;
            mayBeStored = false;
          }
          call.resolve(call.offsets);
        } catch (err) {
          call.reject(toStorageError(err));
        }
      }
    } finally {
      lane.chain = randomUUID();
      lane.last = -1;
      lane.busy = false;
    }
    if (this.closed) {
      const err = adapterClosed(this.type);
      for (const call of [...lane.failed.splice(0), ...lane.queue.splice(0)]) call.reject(err);
      return;
    }
    this.pumpOrdered(lane);
  }

  /**
   * Looks for records [first, end) of a call in the shard from `from` on (a request whose answer was lost): their
   * offsets when all of them are found there in a row, byte for byte after the offset, else undefined. Waits first
   * until the active segment's leader has committed its whole log (a new leader commits what it took over from the
   * old one once its followers have it), so records that survived a leader's death are seen.
   */
  private async findStored(
    shard: string,
    encoded: { data: Buffer; starts: number[] },
    first: number,
    end: number,
    from: number,
    sent?: Buffer[],
  ): Promise<number[] | undefined> {
    const h = await this.handle(shard, true);
    const last = h.segments[h.segments.length - 1];
    if (last && last.end < 0) {
      const deadline = Date.now() + Math.min(this.timeoutMs, 10_000);
      let target = -1;
      for (;;) {
        const reply = await this.withRetry(h, () => {
          const current = h.segments.find((s) => s.seq === last.seq) ?? last;
          return this.send(current.leader, JOURNAL_MESSAGE.SegmentState, this.target(h, current));
        });
        const hw = reply.header['highWatermark'];
        const end = reply.header['endOffset'];
        if (reply.header['sealed'] === true || typeof hw !== 'number') break;
        if (target < 0) target = typeof end === 'number' ? end : hw;
        if (hw >= target || Date.now() > deadline) break;
        await sleep(20);
      }
    }
    const mine: Buffer[] = [];
    if (sent) mine.push(...splitBatch(sent.length === 1 ? sent[0]! : Buffer.concat(sent)));
    else
      for (let i = first; i < end; i++)
        mine.push(encoded.data.subarray(encoded.starts[i]! + 4, encoded.starts[i + 1]!));
    const body = (record: Buffer) => record.subarray(RECORD_BODY_AT);
    let offset = from;
    let run: number[] = [];
    let scanned = 0;
    while (scanned < MAX_DEDUPE_SCAN) {
      const seg = this.segmentFor(h, offset);
      if (!seg) break;
      let reply: JournalReply;
      try {
        reply = await this.withRetry(h, () =>
          this.readFrom(h, this.segmentFor(h, offset) ?? seg, JOURNAL_MESSAGE.Read, {
            offset,
            maxRecords: 1000,
            maxBytes: 4 * 1024 * 1024,
            waitMs: 0,
          }),
        );
      } catch (err) {
        if (isJournalError(err, 'OFFSET_OUT_OF_RANGE')) break;
        throw err;
      }
      const records = splitBatch(reply.data);
      for (const record of records) {
        const at = readU64(record, 5);
        const next = mine[run.length]!;
        if (body(record).equals(body(next))) {
          run.push(at);
          if (run.length === mine.length) {
            this.options.logger?.info(
              { shard, from: run[0], count: run.length },
              'journal append: records of a request whose answer was lost are stored; not written again',
            );
            return run;
          }
        } else if (run.length > 0) {
          run = body(record).equals(body(mine[0]!)) ? [at] : [];
        }
        offset = at + 1;
      }
      scanned += records.length;
      const hw = reply.header['highWatermark'] as number;
      if (await this.readToSealedEnd(h, shard, seg, reply, offset)) continue;
      if (records.length === 0 || offset >= hw) break;
    }
    return undefined;
  }

  // ---- reads ----

  /** the segment holding `offset`, or the active one when offset is the shard's end. */
  private segmentFor(h: ShardHandle, offset: number): SegmentView | undefined {
    for (const seg of h.segments) {
      if (offset < seg.startOffset) return undefined;
      if (seg.end < 0 || offset < seg.end) return seg;
    }
    return undefined;
  }

  /** sends a read-type request to a replica that can serve the segment (the leader first). */
  private async readFrom(
    h: ShardHandle,
    seg: SegmentView,
    type: number,
    header: Header,
    timeoutMs?: number,
  ): Promise<JournalReply> {
    const order = [seg.leader, ...seg.replicas.filter((r) => r !== seg.leader)];
    let lastError: unknown;
    for (const nodeId of seg.end >= 0 ? order : [seg.leader]) {
      try {
        return await this.send(nodeId, type, { ...this.target(h, seg), ...header }, [], timeoutMs);
      } catch (err) {
        lastError = err;
        if (
          !isJournalError(err, 'UNAVAILABLE') &&
          !isJournalError(err, 'CLOSED') &&
          !isJournalError(err, 'NOT_LEADER') &&
          !isJournalError(err, 'SEGMENT_NOT_FOUND')
        )
          throw err;
      }
    }
    throw lastError;
  }

  private decode(shard: string, data: Buffer): StoredRecord[] {
    // one copy of the answer's records (not one per record): they must not keep the whole answer frame alive; each
    // record's payload is its own disjoint view of the copy
    const copy = Buffer.from(data);
    const out: StoredRecord[] = [];
    let pos = 0;
    while (pos < copy.length) {
      if (pos + 4 > copy.length)
        throw new JournalError(
          'CORRUPT_RECORD',
          `shard ${shard}: read answer has ${copy.length - pos} stray bytes`,
        );
      const end = pos + 4 + copy.readUInt32BE(pos);
      if (end > copy.length)
        throw new JournalError(
          'CORRUPT_RECORD',
          `shard ${shard}: a record length in the read answer runs past its end`,
        );
      const buf = copy.subarray(pos + 4, end);
      const offset = buf.length >= 13 ? readU64(buf, 5) : -1;
      out.push(stripProducerStamp(decodeRecord(buf, `shard ${shard} offset ${offset}`)));
      pos = end;
    }
    return out;
  }

  protected readChecked(
    shard: string,
    fromOffset: number,
    opts: ResolvedReadOptions,
  ): Promise<StoredRecord[]> {
    return this.guard(async () => {
      const h = await this.handle(shard);
      return this.abortable(shard, this.readRecords(h, shard, fromOffset, opts));
    });
  }

  readOthers(shard: string, fromOffset: number, options?: ReadOptions): Promise<OthersRead> {
    return this.guard(async () => {
      checkShardName(shard);
      checkNonNegativeInteger('fromOffset', fromOffset);
      const opts = resolveReadOptions(options);
      const h = await this.handle(shard);
      const position = { next: fromOffset };
      const records = await this.abortable(shard, this.readRecords(h, shard, fromOffset, opts, position));
      return { records, next: position.next };
    });
  }

  /**
   * After a read of `seg` up to `offset`: true when `reply` says the segment is sealed and the read reached its end —
   * the segment is marked sealed (the next one learnt from placement when not known yet) and the caller goes on in
   * the next segment.
   */
  private async readToSealedEnd(
    h: ShardHandle,
    shard: string,
    seg: SegmentView,
    reply: JournalReply,
    offset: number,
  ): Promise<boolean> {
    const hw = reply.header['highWatermark'] as number;
    if (reply.header['sealed'] !== true || offset < hw) return false;
    seg.end = hw;
    seg.status = 'SEGMENT_SEALED';
    if (!h.segments.some((s) => s.seq === seg.seq + 1)) await this.handle(shard, true);
    return true;
  }

  private async readRecords(
    h: ShardHandle,
    shard: string,
    fromOffset: number,
    opts: { maxRecords: number; maxBytes: number; waitMs: number },
    /** readOthers(): the leaders skip this adapter's own appends; `next` is where the caller reads on. */
    others?: { next: number },
  ): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    let bytes = 0;
    let offset = fromOffset;
    const waitUntil = Date.now() + opts.waitMs;
    let refreshed = false;
    for (;;) {
      const first = h.segments[0];
      const seg = this.segmentFor(h, offset);
      if (!seg) {
        if (!refreshed) {
          refreshed = true;
          await this.handle(shard, true);
          continue;
        }
        const start = first?.startOffset ?? 0;
        const last = h.segments[h.segments.length - 1];
        checkOffsetInRange(shard, offset, start, last ? await this.segmentEnd(h, last) : start);
        return out;
      }
      const wait = out.length === 0 ? Math.max(0, waitUntil - Date.now()) : 0;
      let reply: JournalReply;
      try {
        reply = await this.withRetry(h, () => {
          const current = this.segmentFor(h, offset) ?? seg;
          return this.readFrom(
            h,
            current,
            JOURNAL_MESSAGE.Read,
            {
              offset,
              maxRecords: opts.maxRecords - out.length,
              maxBytes: Math.max(1, opts.maxBytes - bytes),
              waitMs: wait,
              ...(others ? { skipWriter: this.writerId } : {}),
            },
            wait + this.timeoutMs,
          );
        });
      } catch (err) {
        if (isJournalError(err, 'OFFSET_OUT_OF_RANGE')) {
          const end = err.details['endOffset'];
          checkOffsetInRange(
            shard,
            offset,
            h.segments[0]?.startOffset ?? 0,
            typeof end === 'number' ? end : offset,
          );
        }
        throw err;
      }
      const records = this.decode(shard, reply.data);
      const readHw = reply.header['highWatermark'];
      if (typeof readHw === 'number' && readHw > h.knownEnd) h.knownEnd = readHw;
      // our own records skipped by the leader at the read position: the answer's records follow them
      const from = reply.header['from'];
      if (others && typeof from === 'number' && from > offset) offset = from;
      if (others) others.next = offset;
      for (const r of records) {
        if (out.length > 0 && bytes + r.payload.length > opts.maxBytes) return out;
        out.push(r);
        bytes += r.payload.length;
        offset = r.offset + 1;
        if (others) others.next = offset;
        if (out.length >= opts.maxRecords) return out;
      }
      const hw = reply.header['highWatermark'] as number;
      if (await this.readToSealedEnd(h, shard, seg, reply, offset)) continue;
      if (records.length === 0 || offset >= hw) {
        if (out.length > 0 || Date.now() >= waitUntil) return out;
      }
    }
  }

  /** lets deleteShard() and close() fail a long poll at once, as the interface promises. */
  private abortable<T>(shard: string, work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let set = this.waiting.get(shard);
      if (!set) this.waiting.set(shard, (set = new Set()));
      const waiters = set;
      const abort = (err: StorageError) => reject(err);
      waiters.add(abort);
      const done = () => {
        waiters.delete(abort);
        if (waiters.size === 0 && this.waiting.get(shard) === waiters) this.waiting.delete(shard);
      };
      work.then(
        (v) => (done(), resolve(v)),
        (e: unknown) => (done(), reject(e)),
      );
    });
  }

  private failWaiting(shard: string | undefined, err: StorageError): void {
    for (const [name, set] of [...this.waiting]) {
      if (shard !== undefined && name !== shard) continue;
      for (const abort of set) abort(err);
      this.waiting.delete(name);
    }
  }

  protected readIndexChecked({ kind, shard, term, ...opts }: IndexRead): Promise<StoredRecord[]> {
    return this.guard(async () => {
      const h = await this.handle(shard, true);
      const out: StoredRecord[] = [];
      for (const seg of h.segments) {
        if (seg.end >= 0 && seg.end <= opts.fromOffset) continue;
        const reply = await this.withRetry(h, () =>
          this.readFrom(
            h,
            h.segments.find((s) => s.seq === seg.seq) ?? seg,
            kind === 'key' ? JOURNAL_MESSAGE.ReadByKey : JOURNAL_MESSAGE.ReadByTag,
            {
              [kind]: term,
              fromOffset: Math.max(opts.fromOffset, seg.startOffset),
              maxRecords: opts.maxRecords - out.length,
            },
          ),
        );
        out.push(...this.decode(shard, reply.data));
        if (out.length >= opts.maxRecords) break;
      }
      return out.slice(0, opts.maxRecords);
    });
  }

  protected offsetForTimestampChecked(shard: string, timestamp: number): Promise<number | undefined> {
    return this.guard(async () => {
      const h = await this.handle(shard, true);
      for (const seg of h.segments) {
        // a sealed segment's end time is its newest record's: none of its records reach the timestamp
        if (seg.end >= 0 && (seg.end === seg.startOffset || seg.endTimestampMs < timestamp)) continue;
        const reply = await this.withRetry(h, () =>
          this.readFrom(
            h,
            h.segments.find((s) => s.seq === seg.seq) ?? seg,
            JOURNAL_MESSAGE.OffsetForTimestamp,
            { timestamp },
          ),
        );
        const offset = reply.header['offset'];
        if (typeof offset === 'number') return offset;
      }
      return undefined;
    });
  }

  // ---- consumer offsets ----

  protected commitOffsetChecked(group: string, shard: string, offset: number): Promise<void> {
    return this.guard(async () => {
      const startedAt = stageTimings ? performance.now() : 0;
      // a position commit is as frequent as a subscriber's acknowledgements: when the offset is known to exist
      // (this adapter appended or read that far) it is one placement write, without three metadata reads and a
      // request to the segment's leader to find the end
      let h = await this.handle(shard);
      if (offset > h.knownEnd) {
        h = await this.handle(shard, true);
        const last = h.segments[h.segments.length - 1];
        const end = last ? await this.segmentEnd(h, last) : 0;
        if (end > h.knownEnd) h.knownEnd = end;
        checkCommitOffset(shard, offset, end);
      }
      await this.placement.journal.commitOffset(
        placementGroupName(group),
        this.namespace,
        h.entry.placementName,
        offset,
      );
      stageTimings?.record('adapter.commit_offset.request', performance.now() - startedAt);
    });
  }

  protected fetchOffsetChecked(group: string, shard: string): Promise<number | undefined> {
    return this.guard(async () => {
      const h = await this.handle(shard, true);
      return this.placement.journal.fetchOffset(
        placementGroupName(group),
        this.namespace,
        h.entry.placementName,
      );
    });
  }

  // ---- retention ----

  protected enforceRetentionChecked(now: number): Promise<RetentionResult[]> {
    return this.guard(async () => {
      const results: RetentionResult[] = [];
      const page = await this.placement.kv.listPrefix(catalogPrefix(this.namespace));
      for (const kv of page.items) {
        const entry = JSON.parse(kv.value.toString('utf8')) as CatalogEntry;
        if (entry.options.retentionMs === undefined) continue;
        const h = await this.handle(entry.name, true);
        const cutoff = now - entry.options.retentionMs;
        const doomed: SegmentView[] = [];
        for (const seg of h.segments) {
          if (seg.end < 0 || seg.endTimestampMs >= cutoff) break;
          doomed.push(seg);
        }
        if (doomed.length === 0) continue;
        const firstKept = doomed[doomed.length - 1]!.seq + 1;
        await advanceRetentionMark(this.placement.kv, this.namespace, entry.placementName, firstKept);
        const removedRecords = doomed.reduce((n, s) => n + (s.end - s.startOffset), 0);
        h.segments = h.segments.filter((s) => s.seq >= firstKept);
        h.firstSeq = firstKept;
        const startOffset = doomed[doomed.length - 1]!.end;
        results.push({ shard: entry.name, removedRecords, startOffset });
        await Promise.all(
          doomed.flatMap((seg) =>
            seg.replicas.map((nodeId) =>
              this.send(nodeId, JOURNAL_MESSAGE.DeleteSegment, this.target(h, seg), [], 5_000).catch(
                () => {},
              ),
            ),
          ),
        );
      }
      return results.sort((a, b) => (a.shard < b.shard ? -1 : 1));
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      this.failWaiting(undefined, adapterClosed(this.type));
      await Promise.allSettled([...this.inflight]);
      this.pool.closeAll();
      this.placement.close();
    })();
    return this.closing;
  }
}
