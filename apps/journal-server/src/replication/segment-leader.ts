// The leader replica of one writable segment: it recovers the segment's log from a majority of replicas when it takes
// over (fencing the old leader with its epoch), then assigns offsets, writes appends in group commits (many appends,
// one fsync), pushes them to the followers, advances the high watermark once the shard's acks (1 / quorum / all) have
// the records on disk, acknowledges appends and wakes long-polling readers at that moment, and seals the segment at
// its record, size or age limit by asking placement to open the next one.
import * as grpc from '@grpc/grpc-js';
import { stageTimings, type Logger } from '@robustmq/common';
import { PlacementError, type PlacementClient } from '@robustmq/placement-client';
import {
  JOURNAL_MESSAGE,
  JournalError,
  isJournalError,
  readU64,
  splitBatch,
  type JournalConnectionPool,
  type ProducerStamp,
} from '@robustmq/protocol/journal';
import { prefixBytes, stampOffsets } from '../storage/framed-batch.js';
import { RECORD_OFFSET_AT, checkRecord, payloadLengthAt, recordOffset } from '../storage/record-view.js';
import type { LocalSegment } from '../storage/local-segment.js';
import { ProducerTable } from '../storage/producer-table.js';
import type { SegmentStore } from '../storage/segment-store.js';
import { FollowerReplicator, type ReplicationLeader, type TailChunk } from './follower-replicator.js';
import type { SegmentDirectory, SegmentMeta, ShardMeta } from './segment-directory.js';

export interface LeaderSettings {
  nodeId: number;
  heartbeatIntervalMs: number;
  requestTimeoutMs: number;
  maxReplicateBytes: number;
}

export interface LeaderContext {
  store: SegmentStore;
  directory: SegmentDirectory;
  placement: PlacementClient;
  pool: JournalConnectionPool;
  settings: LeaderSettings;
  logger: Logger;
  onStop(leader: SegmentLeader): void;
}

interface PendingAppend {
  /** the client's framed batch (checked), stamped with offsets in place when written. */
  data: Buffer;
  count: number;
  /** the offset the writer says its first record must get (its single-writer check), or -1 for any. */
  expectedOffset: number;
  /** the writer's ordered chain, when it pipelines its appends (see append()). */
  chain: AppendChain | undefined;
  /** an idempotent producer's stamp (its first record carries it): written once (see writeGroup()). */
  stamp: ProducerStamp | undefined;
  /** the writer's id, when it asks for its own records to be skipped by its reads (see skipOwn()). */
  writer: string | undefined;
  taken: number;
  baseOffset: number;
  end: number;
  /** performance.now() when queued and when written (only while stage timings are on: ROBUSTMQ_STAGE_TIMINGS). */
  queuedAt: number;
  writtenAt: number;
  resolve(result: AppendResult): void;
  reject(err: unknown): void;
}

export interface AppendResult {
  baseOffset: number;
  count: number;
  /** the request repeated an idempotent one already written: these are that one's offsets. */
  duplicate?: boolean;
}

/** an idempotent request that repeated one not committed yet: answered when that one is. */
interface DuplicateWaiter {
  end: number;
  result: AppendResult;
  resolve(result: AppendResult): void;
  reject(err: unknown): void;
}

/**
 * A pipelined writer's place in its ordered chain: `seq` names this request, `after` the request of the same chain
 * that must already be written here (-1: the head of a new chain, written wherever it comes).
 */
export interface AppendChain {
  id: string;
  seq: number;
  after: number;
}

interface ReadWaiter {
  /** where the read starts: moved past the records of `writer`'s own appends as they commit. */
  from: number;
  /** the reader's writer id: commits of its own appends do not wake it (see skipOwn()). */
  writer: string | undefined;
  wake(): void;
}

type LeaderState = 'recovering' | 'leading' | 'sealing' | 'sealed' | 'stopped';

/** most bytes one group commit writes; later appends wait for the next round. */
const MAX_GROUP_BYTES = 4 * 1024 * 1024;
/** recent writes kept in memory for followers, so streaming replication never reads the file back. */
const MAX_TAIL_BYTES = 32 * 1024 * 1024;
/** recent writes kept in memory even when every follower has them (or there is none): a long-polling reader woken
 * by a commit gets the records it waited for from memory — no file read through the thread pool, which the writes
 * and fdatasyncs of every segment share (the cross-broker hop of the MQTT cluster is exactly such a read). */
const READ_TAIL_BYTES = 256 * 1024;
/** ordered chains a leader remembers (the least recently written is forgotten; its next request is refused). */
const MAX_CHAINS = 4096;
/** committed appends of named writers a leader remembers for skipOwn() (the oldest is forgotten first). */
const MAX_OWN_RANGES = 4096;

/** one group commit's bytes, as written: [base, end) offsets in framed batches. */

export class SegmentLeader implements ReplicationLeader {
  state: LeaderState = 'recovering';
  /** exclusive end of the committed records: what readers may see and what acknowledged appends reach. */
  hw: number;
  readonly epoch: number;
  readonly replicas: number[];
  readonly followers = new Map<number, FollowerReplicator>();
  next: SegmentMeta | undefined;
  /** the latest writes, oldest first, for the follower loops (bounded by MAX_TAIL_BYTES). */
  readonly tail: TailChunk[] = [];
  private tailBytes = 0;
  private readonly queue: PendingAppend[] = [];
  private acking: PendingAppend[] = [];
  private readonly readers = new Set<ReadWaiter>();
  private duplicates: DuplicateWaiter[] = [];
  /** the last request written of each ordered chain (in memory: a new leader knows none, and refuses their tails). */
  private readonly chains = new Map<string, number>();
  /** recently committed appends of named writers: base offset → [end, writer] (see skipOwn()). */
  private readonly ownRanges = new Map<number, { end: number; writer: string }>();
  private writing = false;
  private sealing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopReason = '';

  constructor(
    private readonly ctx: LeaderContext,
    readonly seg: LocalSegment,
    readonly meta: SegmentMeta,
    private readonly shard: ShardMeta,
    knownHw: number,
  ) {
    this.epoch = meta.epoch;
    this.replicas = meta.replicas;
    this.hw = Math.max(seg.meta.startOffset, Math.min(knownHw, seg.durableEnd));
  }

  /** (stage timings only) appends committed by the followers' fdatasyncs before this leader's own returned. */
  private readonly aheadOfOwnSync: { end: number; at: number; taken: number }[] = [];

  get id(): string {
    return this.seg.id;
  }

  get acks(): string {
    return this.shard.config?.acks ?? 'ACKS_QUORUM';
  }

  /** replicas that must have a record on disk before it is committed. */
  get required(): number {
    const n = this.replicas.length;
    if (this.acks === 'ACKS_ONE') return 1;
    if (this.acks === 'ACKS_ALL') return n;
    return Math.floor(n / 2) + 1;
  }

  /** takes over: fences the other replicas, adopts the longest log among a majority, then starts serving. */
  async start(): Promise<void> {
    const { logger } = this.ctx;
    if (this.seg.meta.epoch > this.epoch) {
      throw new JournalError(
        'FENCED',
        `segment ${this.id} has seen epoch ${this.seg.meta.epoch}, newer than this leader's ${this.epoch}`,
      );
    }
    if (this.seg.meta.epoch < this.epoch) {
      this.seg.meta.epoch = this.epoch;
      await this.seg.saveMeta();
    }
    // (runs under the segment's lock) a failed fdatasync — e.g. the one that made a previous leader of this server
    // step down — lost the unsynced tail: cut it before this log is compared with the replicas' or written to
    await this.seg.dropUnsynced();
    if (this.seg.meta.sealedEnd !== null) {
      this.state = 'sealed';
      this.hw = this.seg.meta.sealedEnd;
      return;
    }
    const others = this.replicas.filter((r) => r !== this.ctx.settings.nodeId);
    if (others.length > 0) await this.recover(others);
    if (this.state !== 'recovering') return;
    this.state = 'leading';
    logger.info(
      { segment: this.id, epoch: this.epoch, end: this.seg.endOffset, hw: this.hw },
      'leading segment',
    );
    for (const nodeId of others) {
      const f = new FollowerReplicator(this.ctx, this, nodeId);
      this.followers.set(nodeId, f);
      void f.run();
    }
    this.recomputeHw();
    this.timer = setInterval(() => this.checkAge(), Math.max(this.ctx.settings.heartbeatIntervalMs, 100));
    this.timer.unref();
    this.maybeSeal();
  }

  /**
   * KIP-101 / ledger recovery: acknowledged records are on a majority, so among the answers of any majority the most
   * up-to-date log (highest last epoch, then longest) holds them all. Copy what it has beyond ours, after cutting
   * any tail of ours it does not share.
   */
  private async recover(others: number[]): Promise<void> {
    const { directory, pool, settings, logger } = this.ctx;
    const n = this.replicas.length;
    // answers (self included) that must intersect every set of replicas that acknowledged a record; acks=1 can
    // promise nothing once its leader is gone, so it takes a majority when it can and what it has after a while
    const needed =
      this.acks === 'ACKS_ALL'
        ? 1
        : this.acks === 'ACKS_QUORUM'
          ? n - this.required + 1
          : Math.floor(n / 2) + 1;
    const started = Date.now();
    const deadline = started + 30_000;
    for (;;) {
      const answers: Array<{
        nodeId: number;
        address: string;
        endOffset: number;
        lastEpoch: number;
        epochs: Array<[number, number]>;
      }> = [];
      await Promise.all(
        others.map(async (nodeId) => {
          try {
            const address = await directory.address(nodeId, true);
            const reply = await pool
              .get(address)
              .request(
                JOURNAL_MESSAGE.Fence,
                this.header({ startOffset: this.seg.meta.startOffset }),
                [],
                2_000,
              );
            answers.push({
              nodeId,
              address,
              ...(reply.header as { endOffset: number; lastEpoch: number; epochs: Array<[number, number]> }),
            });
          } catch (err) {
            if (isJournalError(err, 'FENCED')) throw err;
            logger.debug(
              { segment: this.id, nodeId, err: (err as Error).message },
              'replica did not answer the fence',
            );
          }
        }),
      );
      if (1 + answers.length >= needed || (this.acks === 'ACKS_ONE' && Date.now() - started > 3_000)) {
        const best = answers.reduce<(typeof answers)[number] | undefined>((b, a) => {
          const key = (x: { lastEpoch: number; endOffset: number }) => [x.lastEpoch, x.endOffset];
          const [be, bo] = b ? key(b) : [this.seg.lastEpoch, this.seg.endOffset];
          const [ae, ao] = key(a);
          return ae > be! || (ae === be && ao > bo!) ? a : b;
        }, undefined);
        if (best) {
          const agreed = endForEpoch(best.epochs, this.seg.lastEpoch, best.endOffset);
          if (this.seg.endOffset > agreed) await this.seg.truncate(agreed);
          while (this.seg.endOffset < best.endOffset) {
            const reply = await pool
              .get(best.address)
              .request(
                JOURNAL_MESSAGE.ReplicaFetch,
                this.header({ offset: this.seg.endOffset, maxBytes: settings.maxReplicateBytes }),
                [],
                settings.requestTimeoutMs,
              );
            const records = splitBatch(reply.data);
            if (records.length === 0) break;
            verifyBatch(records, this.seg.endOffset, this.id);
            await this.seg.append(
              records.map((r) => Buffer.from(r)),
              best.lastEpoch,
            );
          }
          logger.info(
            { segment: this.id, from: best.nodeId, end: this.seg.endOffset },
            'recovered segment tail from a replica',
          );
        }
        return;
      }
      if (Date.now() > deadline) {
        throw new JournalError(
          'NOT_ENOUGH_REPLICAS',
          `segment ${this.id}: only ${1 + answers.length} of ${needed} replicas answered while taking over`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
      if (this.state !== 'recovering') return;
    }
  }

  header(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      namespace: this.seg.meta.namespace,
      shard: this.seg.meta.shard,
      segment: this.seg.meta.seq,
      epoch: this.epoch,
      leader: this.ctx.settings.nodeId,
      ...extra,
    };
  }

  /** the exclusive end of this leader's log for `epoch` (KIP-101): where the first later epoch starts, else the end. */
  endOffsetForEpoch(epoch: number): number {
    return endForEpoch(this.seg.meta.epochs, epoch, this.seg.endOffset);
  }

  /**
   * queues a framed batch of `count` records (encoded, offsets unassigned, already checked) and resolves once
   * committed at the shard's acks. Fewer than `count` are taken when the segment fills up. With `expectedOffset` >= 0
   * the batch is refused (OFFSET_MISMATCH, with the segment's endOffset) unless its first record gets that offset: a
   * single writer retrying a batch whose answer it lost learns that way which of its records are already written.
   *
   * With `chain` the writer pipelines (several appends in flight, the journal adapter's ordered appends): a request
   * is written only if the one it names as `after` was written here, by this leader; otherwise it is refused with
   * OUT_OF_ORDER. So when one request of a chain fails — refused while this leader was still recovering, or anything
   * else that wrote nothing — every later one in flight fails too, and none can overtake it: the writer re-sends them
   * in order as a new chain. Requests start in arrival order per connection (data-server.ts) and are taken from the
   * queue in that order, so a chain sent on one connection is checked in its order.
   */
  append(
    data: Buffer,
    count: number,
    maxSegmentRecords: number,
    expectedOffset = -1,
    chain?: AppendChain,
    writer?: string,
    stamp?: ProducerStamp,
  ): Promise<AppendResult> {
    if (this.state === 'sealed' || this.state === 'sealing')
      return stamp ? this.sealedDuplicate(stamp) : this.sealedError();
    if (this.state !== 'leading') return Promise.reject(this.notLeader());
    if (maxSegmentRecords > 0 && this.seg.meta.maxRecords === 0) {
      // the writer's record limit is remembered with the replica, so a restarted leader seals at the same place
      this.seg.meta.maxRecords = maxSegmentRecords;
      void this.seg.saveMeta().catch(() => {});
    }
    return new Promise((resolve, reject) => {
      this.queue.push({
        data,
        count,
        expectedOffset,
        chain,
        stamp,
        writer,
        taken: 0,
        baseOffset: -1,
        end: -1,
        queuedAt: stageTimings ? performance.now() : 0,
        writtenAt: 0,
        resolve,
        reject,
      });
      if (!this.writing) {
        this.writing = true;
        // start on a microtask so appends of the same tick share a group commit
        queueMicrotask(() => void this.writeLoop());
      }
    });
  }

  /**
   * the group-commit loop: takes queued appends (up to MAX_GROUP_BYTES), stamps their offsets into the client's
   * bytes, writes them with one writev, hands the same buffers to the follower loops at once, and starts an fsync
   * without waiting for it: the next group is written while the previous one syncs (syncs coalesce in the store),
   * and followers replicate in parallel with the leader's own fsync. The high watermark still counts the leader only
   * once its fsync is done.
   */
  private async writeLoop(): Promise<void> {
    try {
      // each group is written under the segment's lock, which the follower role (fence, replicate, truncate) shares:
      // if this leader is deposed while a write runs, the new epoch's writes and truncations wait for that write
      while (this.queue.length > 0 && this.state === 'leading') {
        if (!(await this.seg.exclusive(() => this.writeGroup()))) break;
      }
    } finally {
      this.writing = false;
    }
    if (this.queue.length > 0) {
      if (this.state === 'leading') this.maybeSeal();
      else if (this.state === 'stopped') this.failQueued(this.notLeader());
    }
  }

  /** one group commit, under the segment's lock; false when there is nothing (more) this leader may write. */
  private async writeGroup(): Promise<boolean> {
    // checked again under the lock: a fence may have deposed this leader while it waited, and then the file
    // belongs to the follower role (the queued appends are failed by the loop)
    if (this.state !== 'leading') return false;
    const seg = this.seg;
    const batch: PendingAppend[] = [];
    const parts: Buffer[] = [];
    let bytes = 0;
    let capacity = seg.meta.maxRecords > 0 ? seg.meta.maxRecords - seg.recordCount : Number.MAX_SAFE_INTEGER;
    const base = seg.endOffset;
    let next = base;
    // idempotent requests taken into this group (not in the segment's producer table until written)
    let group: ProducerTable | undefined;
    while (this.queue.length > 0 && capacity > 0 && (bytes < MAX_GROUP_BYTES || parts.length === 0)) {
      const p = this.queue.shift()!;
      const stamp = p.stamp;
      if (stamp) {
        // KIP-98: a request whose sequence the producer sent before is answered with the first one's offsets (once
        // committed), never written twice; the check runs here, in log order, so a late first attempt still queued
        // behind its own retry is caught as well
        const written = seg.duplicateOf(stamp, group);
        if (written) {
          this.answerDuplicate(p, written.base, written.count);
          continue;
        }
        const floor = Math.max(seg.producers.floor(stamp.producerId), group?.floor(stamp.producerId) ?? -1);
        if (stamp.sequence < floor) {
          p.reject(
            new JournalError(
              'OUT_OF_ORDER_SEQUENCE',
              `segment ${seg.id}: request ${stamp.sequence} of producer ${stamp.producerId} is below its floor ${floor} (every lower request was answered already); a late copy is not written`,
              { floor },
            ),
          );
          continue;
        }
      }
      if (p.expectedOffset >= 0 && p.expectedOffset !== next) {
        p.reject(
          new JournalError(
            'OFFSET_MISMATCH',
            `segment ${seg.id} ends at offset ${next}, the append expected ${p.expectedOffset}`,
            { endOffset: next },
          ),
        );
        continue;
      }
      const chain = p.chain;
      if (chain) {
        if (chain.after >= 0 && this.chains.get(chain.id) !== chain.after) {
          p.reject(
            new JournalError(
              'OUT_OF_ORDER',
              `segment ${seg.id}: request ${chain.after} of chain ${chain.id} was not written here before request ${chain.seq}; re-send from the first unanswered one`,
            ),
          );
          continue;
        }
        // re-inserted: the map's order is the order of last writes, and the oldest goes first past the bound
        this.chains.delete(chain.id);
        this.chains.set(chain.id, chain.seq);
        if (this.chains.size > MAX_CHAINS) this.chains.delete(this.chains.keys().next().value!);
      }
      if (stamp) {
        // taken: a repeat later in this group is answered with these offsets (registered only now, after every
        // check that may still refuse the request)
        (group ??= new ProducerTable()).note(stamp, next);
      }
      const n = Math.min(p.count, capacity);
      const part = n === p.count ? p.data : p.data.subarray(0, prefixBytes(p.data, n));
      stampOffsets(part, next);
      p.taken = n;
      p.baseOffset = next;
      next += n;
      p.end = next;
      capacity -= n;
      bytes += part.length;
      parts.push(part);
      batch.push(p);
    }
    if (parts.length === 0) return false;
    const writeAt = stageTimings ? performance.now() : 0;
    try {
      await seg.write(parts, next - base, this.epoch);
    } catch (err) {
      // the file's tail is unknown now: refuse these appends and stop leading; a new leader recovers from replicas
      this.failWrite(batch, err);
      return false;
    }
    if ((this.state as LeaderState) === 'stopped') {
      // stopped while the write ran (placement moved the segment, shutdown): stop() failed what it knew of, not
      // this group; it is not acknowledged either
      const err = this.notLeader();
      for (const p of batch) p.reject(err);
      return false;
    }
    if (stageTimings) {
      const now = performance.now();
      stageTimings.record('journal.write', now - writeAt, next - base);
      for (const p of batch) {
        stageTimings.record('journal.append.queued', writeAt - p.queuedAt, p.taken);
        p.writtenAt = now;
      }
    }
    this.acking.push(...batch);
    this.remember({ base, end: next, parts, bytes });
    for (const f of this.followers.values()) f.wake();
    seg.sync().then(
      () => this.state !== 'stopped' && this.recomputeHw(),
      (err: unknown) => this.failWrite(this.acking.splice(0), err),
    );
    this.maybeSeal();
    return true;
  }

  /** answers an idempotent repeat with the offsets of the request it repeats, once those are committed. */
  private answerDuplicate(p: PendingAppend, base: number, count: number): void {
    const result: AppendResult = { baseOffset: base, count, duplicate: true };
    if (base + count <= this.hw) p.resolve(result);
    else this.duplicates.push({ end: base + count, result, resolve: p.resolve, reject: p.reject });
  }

  /** a stamped request to a sealed (or sealing) segment: its first attempt's offsets if this segment holds it. */
  private async sealedDuplicate(stamp: ProducerStamp): Promise<AppendResult> {
    if (this.sealing) await this.sealing;
    const written = this.state === 'sealed' ? this.seg.duplicateOf(stamp) : undefined;
    if (written) return { baseOffset: written.base, count: written.count, duplicate: true };
    return this.sealedError();
  }

  private failWrite(appends: PendingAppend[], err: unknown): void {
    const error = new JournalError(
      'WRITE_FAILED',
      `segment ${this.id}: write failed (${(err as Error).message}); nothing of it is acknowledged`,
    );
    for (const p of appends) p.reject(error);
    this.stop(`write failed: ${(err as Error).message}`);
  }

  /** keeps a written group for the follower loops; drops what every follower has, and the oldest past the bound. */
  private remember(chunk: TailChunk): void {
    this.tail.push(chunk);
    this.tailBytes += chunk.bytes;
    let slowest = Number.MAX_SAFE_INTEGER;
    for (const f of this.followers.values()) slowest = Math.min(slowest, f.match);
    while (
      this.tail.length > 0 &&
      ((this.tail[0]!.end <= slowest && this.tailBytes > READ_TAIL_BYTES) || this.tailBytes > MAX_TAIL_BYTES)
    ) {
      this.tailBytes -= this.tail.shift()!.bytes;
    }
  }

  /**
   * the committed records [from, end) as framed bytes from the in-memory tail (the same bytes the file holds, so the
   * answer is what readFramed would give), at most maxRecords and about maxBytes of payload (at least one record);
   * undefined when the tail does not reach back to `from` (read the file then).
   */
  readTail(
    from: number,
    end: number,
    maxRecords: number,
    maxBytes: number,
  ): { parts: Buffer[]; count: number } | undefined {
    const first = this.tail.findIndex((c) => c.end > from);
    if (first < 0 || this.tail[first]!.base > from) return undefined;
    const parts: Buffer[] = [];
    let count = 0;
    let bytes = 0;
    for (let i = first; i < this.tail.length; i++) {
      for (const part of this.tail[i]!.parts) {
        let at = 0;
        let start = -1;
        while (at < part.length) {
          const len = part.readUInt32BE(at);
          const offset = readU64(part, at + 4 + RECORD_OFFSET_AT);
          if (offset >= end) break;
          if (offset >= from) {
            const size = Math.max(0, payloadLengthAt(part, at + 4));
            if (count > 0 && bytes + size > maxBytes) break;
            if (start < 0) start = at;
            count++;
            bytes += size;
          }
          at += 4 + len;
          if (count >= maxRecords) break;
        }
        if (start >= 0) parts.push(part.subarray(start, at));
        if (at < part.length || count >= maxRecords) return { parts, count };
      }
    }
    return { parts, count };
  }

  /** called whenever a follower reports progress. */
  recomputeHw(): void {
    const own = this.seg.durableEnd;
    if (stageTimings && this.aheadOfOwnSync.length > 0) {
      // appends the followers committed before this leader's own fdatasync covered them: by how much
      const now = performance.now();
      let i = 0;
      for (; i < this.aheadOfOwnSync.length && this.aheadOfOwnSync[i]!.end <= own; i++) {
        const a = this.aheadOfOwnSync[i]!;
        stageTimings.record('journal.append.ahead_of_own_sync', now - a.at, a.taken);
      }
      if (i > 0) this.aheadOfOwnSync.splice(0, i);
    }
    const ends = [own];
    // A record on the disks of the `required` replicas is committed whether or not one of them is this leader: with
    // acks=quorum a majority of followers' fdatasyncs commits it while the leader's own still runs (the leader counts
    // as one replica once its own returns), so the commit waits for the second-fastest of three fdatasyncs, not for
    // the leader's every time. Safe because a new leader takes the most up-to-date log among replicas intersecting
    // every majority (start/recover), and a leader whose fdatasync fails stops. acks=1 stays the leader's own disk.
    const cap = this.required === 1 ? own : this.seg.endOffset;
    for (const f of this.followers.values()) ends.push(Math.min(f.match, cap));
    ends.sort((a, b) => b - a);
    const committed = ends[this.required - 1] ?? this.seg.meta.startOffset;
    if (committed <= this.hw) return;
    this.hw = committed;
    let done = 0;
    const limit = this.seg.meta.maxRecords > 0 ? this.seg.meta.startOffset + this.seg.meta.maxRecords : -1;
    while (done < this.acking.length && this.acking[done]!.end <= committed) {
      const p = this.acking[done]!;
      const result = { baseOffset: p.baseOffset, count: p.taken };
      // written → committed at the shard's acks: the leader's fdatasync and the followers' (a quorum's)
      if (stageTimings) {
        stageTimings.record('journal.append.commit', performance.now() - p.writtenAt, p.taken);
        if (p.end > own && this.aheadOfOwnSync.length < 10_000)
          this.aheadOfOwnSync.push({ end: p.end, at: performance.now(), taken: p.taken });
      }
      // the append that fills the segment is answered after the seal, so its writer finds the next segment open;
      // its records are committed either way, so the answer is the same if sealing fails
      if (p.end === limit) void this.seal().finally(() => p.resolve(result));
      else p.resolve(result);
      if (p.writer !== undefined && p.taken > 0) {
        this.ownRanges.set(p.baseOffset, { end: p.end, writer: p.writer });
        if (this.ownRanges.size > MAX_OWN_RANGES) this.ownRanges.delete(this.ownRanges.keys().next().value!);
      }
      done++;
    }
    if (done > 0) this.acking = this.acking.slice(done);
    if (this.duplicates.length > 0) {
      const waiting = this.duplicates;
      this.duplicates = [];
      for (const d of waiting) {
        if (d.end <= committed) d.resolve(d.result);
        else this.duplicates.push(d);
      }
    }
    for (const r of this.readers) {
      if (r.from >= committed) continue;
      // a commit of the reader's own appends alone does not wake it: it has those records already
      if (r.writer !== undefined) r.from = this.skipOwn(r.from, r.writer);
      if (r.from < committed) r.wake();
    }
  }

  /**
   * the first offset at or after `from` that is not in a run of committed appends of `writer` starting at `from`.
   * A writer that also reads the shard (the MQTT brokers' shared log) has the records of its own appends already; its
   * reads skip them here instead of carrying them back. Only appends this leader committed are known (a new leader
   * knows none, so its readers get everything, as without a writer).
   */
  skipOwn(from: number, writer: string): number {
    for (;;) {
      const range = this.ownRanges.get(from);
      if (range === undefined || range.writer !== writer) return from;
      from = range.end;
    }
  }

  /** resolves once a record at `from` is committed, the segment seals or the leader stops, or after `ms`; with
   * `writer`, commits of that writer's own appends at the read position move it on instead (skipOwn()). Resolves to
   * the read position. */
  waitFor(from: number, ms: number, writer?: string): Promise<number> {
    if (this.hw > from || this.state === 'sealed' || this.state === 'stopped') return Promise.resolve(from);
    return new Promise((resolve) => {
      const waiter: ReadWaiter = {
        from,
        writer,
        wake: () => {
          clearTimeout(timer);
          this.readers.delete(waiter);
          resolve(waiter.from);
        },
      };
      const timer = setTimeout(waiter.wake, ms);
      this.readers.add(waiter);
    });
  }

  private checkAge(): void {
    if (this.state !== 'leading' || this.seg.recordCount === 0) return;
    const maxAge = this.shard.config?.maxSegmentAgeMs || 3_600_000;
    if (Date.now() - this.meta.createdAtMs >= maxAge) void this.seal();
  }

  private maybeSeal(): void {
    if (this.state !== 'leading') return;
    const seg = this.seg;
    const full = seg.meta.maxRecords > 0 && seg.recordCount >= seg.meta.maxRecords;
    const maxBytes = this.shard.config?.maxSegmentBytes || 1024 ** 3;
    if (full || seg.file.size >= maxBytes) void this.seal();
  }

  /** seals once everything written is committed, and asks placement for the next segment. */
  seal(): Promise<void> {
    this.sealing ??= (async () => {
      this.state = 'sealing';
      const { placement, directory, logger } = this.ctx;
      // (and the leader's own copy durable: its file is the first a reader of the sealed segment is sent to)
      while (this.hw < this.seg.endOffset || this.seg.durableEnd < this.seg.endOffset || this.writing) {
        if (this.state !== 'sealing') return;
        await new Promise((r) => setTimeout(r, 2));
      }
      const end = this.seg.endOffset;
      for (let attempt = 0; this.state === 'sealing'; attempt++) {
        try {
          const { sealed, next } = await placement.journal.sealAndOpenNext({
            namespace: this.seg.meta.namespace,
            shardName: this.seg.meta.shard,
            segmentSeq: this.seg.meta.seq,
            endOffset: end - 1,
            // the newest record time, not the last one's: retention keeps a segment until all its records are old
            startTimestampMs: Math.max(0, this.seg.minTimestamp),
            endTimestampMs: Math.max(0, this.seg.maxTimestamp),
          });
          directory.remember(sealed);
          directory.remember(next);
          this.next = next;
          break;
        } catch (err) {
          if (err instanceof PlacementError && err.code === grpc.status.FAILED_PRECONDITION) {
            // an earlier attempt may have been applied with its answer lost: see what placement holds
            const fresh = await directory
              .segment(this.seg.meta.namespace, this.seg.meta.shard, this.seg.meta.seq, true)
              .catch(() => undefined);
            if (fresh && fresh.status !== 'SEGMENT_WRITE' && fresh.endOffset === end - 1) {
              this.next = await directory
                .segment(this.seg.meta.namespace, this.seg.meta.shard, this.seg.meta.seq + 1, true)
                .catch(() => undefined);
              break;
            }
            const stillOurs =
              fresh &&
              fresh.status === 'SEGMENT_WRITE' &&
              fresh.epoch === this.epoch &&
              fresh.leader === this.ctx.settings.nodeId;
            if (!stillOurs) {
              this.stop(`placement refused the seal: ${err.message}`);
              return;
            }
            // e.g. too few journal servers registered for the next segment's replicas: wait for them to come back
          }
          logger.warn({ segment: this.id, err: (err as Error).message, attempt }, 'sealing failed; retrying');
          await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * 2 ** attempt)));
        }
      }
      if (this.state !== 'sealing') return;
      this.seg.meta.sealedEnd = end;
      await this.seg.saveMeta();
      // no more appends: the preallocated zeros go (or at the next start, should this fail)
      await this.seg
        .exclusive(() => this.seg.file.trim())
        .catch((err: unknown) =>
          logger.warn(
            { segment: this.id, err: (err as Error).message },
            'trimming a sealed segment file failed',
          ),
        );
      this.state = 'sealed';
      logger.info({ segment: this.id, end }, 'sealed segment');
      this.failQueued(this.sealedErrorValue());
      for (const r of this.readers) r.wake();
      for (const f of this.followers.values()) f.wake();
      if (this.timer) clearInterval(this.timer);
    })();
    return this.sealing;
  }

  private sealedErrorValue(): JournalError {
    const next = this.next;
    return new JournalError(
      'SEGMENT_SEALED',
      `segment ${this.id} is sealed at offset ${this.seg.meta.sealedEnd ?? this.seg.endOffset}; append to the next segment`,
      next
        ? {
            next: {
              seq: next.seq,
              leader: next.leader,
              epoch: next.epoch,
              startOffset: next.startOffset,
              replicas: next.replicas,
            },
          }
        : {},
    );
  }

  private async sealedError(): Promise<never> {
    if (this.sealing) await this.sealing;
    throw this.state === 'sealed' ? this.sealedErrorValue() : this.notLeader();
  }

  notLeader(): JournalError {
    return new JournalError(
      'NOT_LEADER',
      `this journal server no longer leads segment ${this.id} (${this.stopReason || 'stepping down'}); refresh the segment's leader from placement`,
    );
  }

  private failQueued(err: JournalError): void {
    const queued = this.queue.splice(0);
    for (const p of queued) p.reject(err);
  }

  /** steps down (fenced by a newer epoch, a failed write, shutdown): nothing pending is acknowledged. */
  stop(reason: string): void {
    if (this.state === 'stopped') return;
    const wasSealed = this.state === 'sealed';
    this.state = 'stopped';
    this.stopReason = reason;
    if (this.timer) clearInterval(this.timer);
    for (const f of this.followers.values()) f.stop();
    const err = this.notLeader();
    this.failQueued(err);
    for (const p of this.acking.splice(0)) p.reject(err);
    for (const d of this.duplicates.splice(0)) d.reject(err);
    for (const r of this.readers) r.wake();
    if (!wasSealed)
      this.ctx.logger.warn({ segment: this.id, epoch: this.epoch, reason }, 'stopped leading segment');
    this.ctx.onStop(this);
  }
}

/** the exclusive end of `epoch` in an epoch history: the start of the first later epoch, else `end`. */
export function endForEpoch(epochs: Array<[number, number]>, epoch: number, end: number): number {
  for (const [e, start] of epochs) if (e > epoch) return start;
  return end;
}

/** checks records arriving from the network: well-formed, CRC intact, offsets consecutive from `first`. */
export function verifyBatch(records: Buffer[], first: number, where: string): void {
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const bad = checkRecord(r);
    if (bad) throw new JournalError('CORRUPT_RECORD', `record ${i} for ${where} is not acceptable: ${bad}`);
    if (recordOffset(r) !== first + i) {
      throw new JournalError(
        'BAD_REQUEST',
        `record ${i} for ${where} has offset ${recordOffset(r)}, expected ${first + i}`,
      );
    }
  }
}
