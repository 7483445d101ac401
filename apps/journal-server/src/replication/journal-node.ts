// This server's part in every segment it holds: which segments it leads (taking leadership over lazily, when a
// request or placement says so), what it does as a follower (accept replication from the current epoch only, fence,
// truncate), and the watchdog that notices a silent leader, checks it, and takes the segment over through placement
// (compare-and-set on the epoch, so only one replica wins). Sealed segments a replica is missing records of are
// repaired from the other replicas by the same watchdog.
import * as grpc from '@grpc/grpc-js';
import { type Logger } from '@robustmq/common';
import { PlacementError, type PlacementClient } from '@robustmq/placement-client';
import {
  JOURNAL_MESSAGE,
  JournalError,
  isJournalError,
  splitBatch,
  type JournalConnectionPool,
} from '@robustmq/protocol/journal';
import type { LocalSegment } from '../storage/local-segment.js';
import type { SegmentStore } from '../storage/segment-store.js';
import { checkBatch } from '../storage/framed-batch.js';
import { removedByRetention } from '../storage/retention.js';
import { SegmentLeader, endForEpoch, verifyBatch, type LeaderSettings } from './segment-leader.js';
import type { SegmentDirectory, SegmentMeta } from './segment-directory.js';

export interface NodeSettings extends LeaderSettings {
  leaderLeaseMs: number;
  leaderCheckIntervalMs: number;
}

interface FollowerState {
  lastContactMs: number;
  leader: number;
  knownHw: number;
  checking: boolean;
}

/** where a read may be served from, and up to which offset. */
export interface Readable {
  seg: LocalSegment;
  limit: number;
  sealed: boolean;
  leader: SegmentLeader | undefined;
}

export class JournalNode {
  readonly leaders = new Map<string, SegmentLeader>();
  private readonly activating = new Map<string, Promise<SegmentLeader>>();
  readonly followers = new Map<string, FollowerState>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly store: SegmentStore,
    readonly directory: SegmentDirectory,
    readonly placement: PlacementClient,
    readonly pool: JournalConnectionPool,
    readonly settings: NodeSettings,
    readonly logger: Logger,
  ) {}

  start(): void {
    // a restarted leader takes its segments back at once instead of waiting out a lease
    for (const seg of this.store.list()) if (seg.meta.sealedEnd === null) this.follower(seg.key);
    void this.checkAll(true);
    this.timer = setInterval(() => void this.checkAll(false), this.settings.leaderCheckIntervalMs);
    this.timer.unref();
  }

  private follower(key: string): FollowerState {
    let f = this.followers.get(key);
    if (!f) {
      f = { lastContactMs: Date.now(), leader: 0, knownHw: 0, checking: false };
      this.followers.set(key, f);
    }
    return f;
  }

  /**
   * runs a task that writes, truncates or deletes the segment file under the segment's lock — the same lock the
   * leader's group commit takes, so a leader deposed here (adoptEpoch) has finished its in-flight write before the
   * follower side touches the file, whichever way the role changed.
   */
  private serialize<T>(seg: LocalSegment, task: () => Promise<T>): Promise<T> {
    this.checkOpen();
    this.follower(seg.key);
    return seg.exclusive(task);
  }

  /** the leader of a writable segment this server leads, taking it over if placement names this server. */
  async leaderFor(namespace: string, shard: string, seq: number): Promise<SegmentLeader> {
    this.checkOpen();
    const local = this.store.get(namespace, shard, seq);
    const existing = local && this.leaders.get(local.key);
    if (existing) return existing;
    const meta = await this.directory.segment(namespace, shard, seq, true);
    if (meta.status === 'SEGMENT_DELETING')
      throw new JournalError('SHARD_NOT_FOUND', `shard ${namespace}/${shard} is being deleted`);
    if (meta.status === 'SEGMENT_SEALED') {
      throw new JournalError(
        'SEGMENT_SEALED',
        `segment ${seq} of ${namespace}/${shard} is sealed at offset ${meta.endOffset + 1}`,
        { sealedEnd: meta.endOffset + 1 },
      );
    }
    if (meta.leader !== this.settings.nodeId) {
      throw new JournalError(
        'NOT_LEADER',
        `journal server ${this.settings.nodeId} does not lead segment ${seq} of ${namespace}/${shard}; node ${meta.leader} does (epoch ${meta.epoch})`,
        { leader: meta.leader, epoch: meta.epoch },
      );
    }
    return this.activate(meta);
  }

  /** becomes the leader placement says this server is (once per epoch, however many requests ask at once). */
  activate(meta: SegmentMeta): Promise<SegmentLeader> {
    // a long poll woken by close() lands here when its leader stopped: taking the segment over again now would open
    // files and write RocksDB while the store closes
    if (this.closed) return Promise.reject(this.closingError());
    const key = `${meta.namespace}/${meta.shardName}/${meta.seq}@${meta.epoch}`;
    let pending = this.activating.get(key);
    if (!pending) {
      pending = (async () => {
        const shard = await this.directory.shard(meta.namespace, meta.shardName);
        const seg = await this.store.create({
          namespace: meta.namespace,
          shard: meta.shardName,
          seq: meta.seq,
          startOffset: meta.startOffset,
          epoch: meta.epoch,
          maxRecords: 0,
        });
        const current = this.leaders.get(seg.key);
        if (current && current.epoch >= meta.epoch) return current;
        current?.stop('a newer epoch of this server took over');
        const f = this.follower(seg.key);
        const leader = new SegmentLeader(
          {
            store: this.store,
            directory: this.directory,
            placement: this.placement,
            pool: this.pool,
            settings: this.settings,
            logger: this.logger,
            onStop: (l) => this.leaders.get(l.seg.key) === l && this.leaders.delete(l.seg.key),
          },
          seg,
          meta,
          shard,
          f.knownHw,
        );
        this.leaders.set(seg.key, leader);
        await this.serialize(seg, async () => {
          try {
            await leader.start();
          } catch (err) {
            leader.stop(`taking over failed: ${(err as Error).message}`);
            throw err;
          }
        });
        return leader;
      })().finally(() => this.activating.delete(key));
      this.activating.set(key, pending);
    }
    return pending;
  }

  /** the local replica a read can use and its visible end; NOT_LEADER when this server cannot serve it. */
  async readable(namespace: string, shard: string, seq: number): Promise<Readable> {
    this.checkOpen();
    const local = this.store.get(namespace, shard, seq);
    if (local) {
      const leader = this.leaders.get(local.key);
      if (leader && leader.state !== 'stopped' && leader.state !== 'recovering') {
        return leader.state === 'sealed'
          ? { seg: local, limit: local.meta.sealedEnd!, sealed: true, leader }
          : { seg: local, limit: leader.hw, sealed: false, leader };
      }
      if (local.meta.sealedEnd !== null && local.durableEnd >= local.meta.sealedEnd) {
        return { seg: local, limit: local.meta.sealedEnd, sealed: true, leader: undefined };
      }
    }
    const meta = await this.directory.segment(namespace, shard, seq, true);
    if (meta.status === 'SEGMENT_WRITE' && meta.leader === this.settings.nodeId) {
      const leader = await this.activate(meta);
      return this.readable(namespace, shard, seq).catch(() => ({
        seg: leader.seg,
        limit: leader.hw,
        sealed: false,
        leader,
      }));
    }
    if (meta.status === 'SEGMENT_SEALED' && local && local.durableEnd >= meta.endOffset + 1) {
      await this.markSealed(local, meta.endOffset + 1);
      return { seg: local, limit: meta.endOffset + 1, sealed: true, leader: undefined };
    }
    if (meta.status === 'SEGMENT_SEALED' && !local) {
      // retention removed it (here and on every replica): say where the shard starts now instead of "ask node N"
      const removed = await removedByRetention(this.placement, this.directory, namespace, shard, seq);
      if (removed) throw removed;
    }
    if (meta.status === 'SEGMENT_SEALED' && meta.endOffset + 1 === meta.startOffset) {
      // a sealed empty segment: nothing to read, wherever it is asked
      const seg =
        local ??
        (await this.store.create({
          namespace,
          shard,
          seq,
          startOffset: meta.startOffset,
          epoch: meta.epoch,
          maxRecords: 0,
        }));
      await this.markSealed(seg, meta.startOffset);
      return { seg, limit: meta.startOffset, sealed: true, leader: undefined };
    }
    throw new JournalError(
      'NOT_LEADER',
      `journal server ${this.settings.nodeId} cannot serve segment ${seq} of ${namespace}/${shard}; ask node ${meta.leader}`,
      { leader: meta.leader, epoch: meta.epoch },
    );
  }

  private async markSealed(seg: LocalSegment, end: number): Promise<void> {
    if (seg.meta.sealedEnd === end) return;
    await this.serialize(seg, async () => {
      if (seg.endOffset > end) await seg.truncate(end);
      seg.meta.sealedEnd = end;
      await seg.saveMeta();
      await seg.file.trim(); // no more appends: the preallocated zeros go
    });
  }

  // ---- follower side ----

  async replicate(
    h: {
      namespace: string;
      shard: string;
      segment: number;
      epoch: number;
      leader: number;
      startOffset: number;
      baseOffset: number;
      highWatermark: number;
      sealedEnd: number | null;
    },
    data: Buffer,
  ): Promise<{ endOffset: number }> {
    const seg = await this.localOrCreate(h.namespace, h.shard, h.segment, h.startOffset);
    const f = this.follower(seg.key);
    // the write is ordered under the segment's lock; its fsync is not, so pipelined requests share one (group commit)
    const wrote = await this.serialize(seg, async () => {
      await this.adoptEpoch(seg, h.epoch);
      // after a failed fdatasync the unsynced tail is cut first (normally already done), so the end checked below
      // is what is on disk and the leader re-sends from there
      await seg.dropUnsynced();
      if (h.baseOffset !== seg.endOffset) {
        throw new JournalError(
          'OUT_OF_ORDER',
          `segment ${seg.id} ends at ${seg.endOffset}, not ${h.baseOffset}`,
          { endOffset: seg.endOffset },
        );
      }
      f.lastContactMs = Date.now();
      f.leader = h.leader;
      if (data.length === 0) return false;
      // the leader's bytes go to the file as they are, after every record's CRC and offset is checked
      const count = checkBatch(data, `segment ${seg.id}`, h.baseOffset);
      await seg.write([data], count, h.epoch);
      return true;
    });
    if (wrote) await seg.sync();
    f.knownHw = Math.max(f.knownHw, Math.min(h.highWatermark, seg.durableEnd));
    if (
      h.sealedEnd !== null &&
      h.sealedEnd !== undefined &&
      seg.durableEnd === h.sealedEnd &&
      seg.meta.sealedEnd === null
    ) {
      await this.serialize(seg, async () => {
        if (seg.durableEnd !== h.sealedEnd || seg.meta.sealedEnd !== null) return;
        seg.meta.sealedEnd = h.sealedEnd;
        await seg.saveMeta();
        await seg.file.trim(); // no more appends: the preallocated zeros go
      });
    }
    return { endOffset: seg.durableEnd };
  }

  async fence(h: {
    namespace: string;
    shard: string;
    segment: number;
    epoch: number;
    startOffset: number;
  }): Promise<{ endOffset: number; lastEpoch: number; epochs: Array<[number, number]> }> {
    const seg = await this.localOrCreate(h.namespace, h.shard, h.segment, h.startOffset);
    return this.serialize(seg, async () => {
      await this.adoptEpoch(seg, h.epoch);
      this.follower(seg.key).lastContactMs = Date.now();
      // pipelined writes may still be syncing: answer once they are durable, so the leader resumes right after them
      // instead of at a durable end this replica's written end has already passed (OUT_OF_ORDER until the sync lands).
      // If that fdatasync fails, the unsynced tail is lost: it is cut, and the answer is the durable end, from which
      // the new leader re-sends — never offsets that are only written
      if (seg.endOffset > seg.durableEnd) await seg.sync().catch(() => {});
      await seg.dropUnsynced();
      return { endOffset: seg.durableEnd, lastEpoch: seg.lastEpoch, epochs: seg.meta.epochs };
    });
  }

  async truncate(h: {
    namespace: string;
    shard: string;
    segment: number;
    epoch: number;
    offset: number;
  }): Promise<{ endOffset: number }> {
    const seg = this.requireLocal(h.namespace, h.shard, h.segment);
    return this.serialize(seg, async () => {
      await this.adoptEpoch(seg, h.epoch);
      if (this.leaders.get(seg.key)?.state === 'leading')
        throw new JournalError('FENCED', `segment ${seg.id} is led here; a leader does not truncate`);
      await seg.truncate(h.offset);
      return { endOffset: seg.durableEnd };
    });
  }

  /** KIP-101: where this leader's log for `epoch` ends, so a follower can cut what it wrote under an older leader. */
  epochEndOffset(h: { namespace: string; shard: string; segment: number; epoch: number }): {
    endOffset: number;
  } {
    const seg = this.requireLocal(h.namespace, h.shard, h.segment);
    return { endOffset: endForEpoch(seg.meta.epochs, h.epoch, seg.durableEnd) };
  }

  requireLocal(namespace: string, shard: string, seq: number): LocalSegment {
    const seg = this.store.get(namespace, shard, seq);
    if (!seg)
      throw new JournalError(
        'SEGMENT_NOT_FOUND',
        `journal server ${this.settings.nodeId} holds no replica of segment ${seq} of ${namespace}/${shard}`,
      );
    return seg;
  }

  /** a replica is created by the first replication or fence that names it; its epoch is adopted by the caller. */
  private async localOrCreate(
    namespace: string,
    shard: string,
    seq: number,
    startOffset: number,
  ): Promise<LocalSegment> {
    this.checkOpen();
    return (
      this.store.get(namespace, shard, seq) ??
      (await this.store.create({ namespace, shard, seq, startOffset, epoch: 0, maxRecords: 0 }))
    );
  }

  /** refuses an older epoch; a newer one is remembered (and stops this server leading the segment, if it did). */
  private async adoptEpoch(seg: LocalSegment, epoch: number): Promise<void> {
    if (epoch < seg.meta.epoch) {
      throw new JournalError(
        'FENCED',
        `segment ${seg.id} is at epoch ${seg.meta.epoch}; a request from epoch ${epoch} comes from a deposed leader`,
        { epoch: seg.meta.epoch },
      );
    }
    const leader = this.leaders.get(seg.key);
    if (leader && epoch > leader.epoch) leader.stop(`fenced by epoch ${epoch}`);
    if (epoch > seg.meta.epoch) {
      seg.meta.epoch = epoch;
      await seg.saveMeta();
    }
  }

  // ---- watchdog ----

  private async checkAll(force: boolean): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    await Promise.all(
      this.store.list().map(async (seg) => {
        if (this.leaders.has(seg.key) || this.closed) return;
        const f = this.follower(seg.key);
        if (f.checking) return;
        if (seg.meta.sealedEnd !== null) return;
        if (!force && now - f.lastContactMs < this.settings.leaderLeaseMs) return;
        f.checking = true;
        try {
          await this.check(seg, f);
        } catch (err) {
          if (!this.closed)
            this.logger.debug({ segment: seg.id, err: (err as Error).message }, 'segment check failed');
        } finally {
          f.checking = false;
        }
      }),
    );
  }

  /** a follower that heard nothing from its leader for a lease: is the leader alive? if not, take over. */
  private async check(seg: LocalSegment, f: FollowerState): Promise<void> {
    let meta: SegmentMeta;
    try {
      meta = await this.directory.segment(seg.meta.namespace, seg.meta.shard, seg.meta.seq, true);
    } catch (err) {
      if (isJournalError(err, 'SHARD_NOT_FOUND') || isJournalError(err, 'SEGMENT_NOT_FOUND')) {
        this.logger.info(
          { segment: seg.id },
          'placement no longer knows this segment; dropping the local replica',
        );
        await this.dropLocal(seg);
      }
      return;
    }
    if (meta.status === 'SEGMENT_DELETING') return this.dropLocal(seg);
    if (meta.status === 'SEGMENT_SEALED') return this.repair(seg, meta);
    if (meta.leader === this.settings.nodeId) {
      await this.activate(meta);
      return;
    }
    try {
      const address = await this.directory.address(meta.leader, true);
      const reply = await this.pool
        .get(address)
        .request(
          JOURNAL_MESSAGE.SegmentState,
          { namespace: meta.namespace, shard: meta.shardName, segment: meta.seq },
          [],
          1_000,
        );
      if (reply.header['role'] === 'leader' && reply.header['epoch'] === meta.epoch) {
        f.lastContactMs = Date.now();
        return;
      }
    } catch {
      // unreachable or not registered: take over below
    }
    try {
      const updated = await this.placement.journal.updateSegmentLeader({
        namespace: meta.namespace,
        shardName: meta.shardName,
        segmentSeq: meta.seq,
        leader: this.settings.nodeId,
        expectedEpoch: meta.epoch,
      });
      this.directory.remember(updated);
      this.logger.warn(
        { segment: seg.id, deposed: meta.leader, epoch: updated.epoch },
        'leader is silent; took the segment over',
      );
      await this.activate(updated);
    } catch (err) {
      if (err instanceof PlacementError && err.code === grpc.status.FAILED_PRECONDITION) {
        f.lastContactMs = Date.now(); // another replica won; give its leader a lease
        return;
      }
      throw err;
    }
  }

  /** a sealed segment this replica misses records of: copy them from a replica that has them all. */
  private async repair(seg: LocalSegment, meta: SegmentMeta): Promise<void> {
    const end = meta.endOffset + 1;
    if (seg.durableEnd >= end) return this.markSealed(seg, end);
    for (const nodeId of [meta.leader, ...meta.replicas.filter((r) => r !== meta.leader)]) {
      if (nodeId === this.settings.nodeId) continue;
      try {
        const address = await this.directory.address(nodeId);
        await this.serialize(seg, async () => {
          while (seg.endOffset < end) {
            const reply = await this.pool.get(address).request(
              JOURNAL_MESSAGE.ReplicaFetch,
              {
                namespace: meta.namespace,
                shard: meta.shardName,
                segment: meta.seq,
                offset: seg.endOffset,
                maxBytes: this.settings.maxReplicateBytes,
              },
              [],
              this.settings.requestTimeoutMs,
            );
            const records = splitBatch(reply.data);
            if (records.length === 0) throw new Error(`node ${nodeId} has no records from ${seg.endOffset}`);
            const usable = records.slice(0, end - seg.endOffset);
            verifyBatch(usable, seg.endOffset, seg.id);
            await seg.append(
              usable.map((r) => Buffer.from(r)),
              meta.epoch,
            );
          }
        });
        this.logger.info({ segment: seg.id, from: nodeId, end }, 'repaired sealed segment from a replica');
        return this.markSealed(seg, end);
      } catch (err) {
        this.logger.debug(
          { segment: seg.id, nodeId, err: (err as Error).message },
          'repair from replica failed',
        );
      }
    }
  }

  async dropLocal(seg: LocalSegment): Promise<void> {
    this.leaders.get(seg.key)?.stop('segment deleted');
    await this.serialize(seg, () => this.store.delete(seg));
    this.followers.delete(seg.key);
  }

  // ---- what placement asks (the inner gRPC service) ----

  /** this server's copy of a segment, for placement choosing a new leader; SEGMENT_NOT_FOUND when it holds none. */
  segmentState(
    namespace: string,
    shard: string,
    seq: number,
  ): {
    leading: boolean;
    startOffset: number;
    durableEnd: number;
    epoch: number;
    lastEpoch: number;
    sealedEnd: number | null;
    hw: number | null;
  } {
    const seg = this.requireLocal(namespace, shard, seq);
    const leader = this.leaders.get(seg.key);
    const leading = leader !== undefined && leader.state !== 'stopped' && leader.state !== 'recovering';
    return {
      leading,
      startOffset: seg.meta.startOffset,
      durableEnd: seg.durableEnd,
      epoch: seg.meta.epoch,
      lastEpoch: seg.lastEpoch,
      sealedEnd: seg.meta.sealedEnd,
      hw: leading ? leader.hw : null,
    };
  }

  /** placement made this server the segment's leader at `epoch`: take over now rather than at the first request. */
  async activateAt(namespace: string, shard: string, seq: number, epoch: number): Promise<SegmentLeader> {
    const meta = await this.directory.segment(namespace, shard, seq, true);
    if (meta.status !== 'SEGMENT_WRITE') {
      throw new JournalError(
        'SEGMENT_SEALED',
        `segment ${seq} of ${namespace}/${shard} is ${meta.status}, not writable`,
        { sealedEnd: meta.endOffset + 1 },
      );
    }
    if (meta.leader !== this.settings.nodeId || meta.epoch !== epoch) {
      throw new JournalError(
        'NOT_LEADER',
        `placement has node ${meta.leader} leading segment ${seq} of ${namespace}/${shard} at epoch ${meta.epoch}, not node ${this.settings.nodeId} at epoch ${epoch}`,
        { leader: meta.leader, epoch: meta.epoch },
      );
    }
    return this.activate(meta);
  }

  /** placement says a segment's metadata changed: re-read it and act on it now, not at the next lease check. */
  async refreshSegment(namespace: string, shard: string, seq: number): Promise<SegmentMeta> {
    const meta = await this.directory.segment(namespace, shard, seq, true);
    const local = this.store.get(namespace, shard, seq);
    if (local) {
      const leader = this.leaders.get(local.key);
      if (leader && leader.epoch < meta.epoch)
        leader.stop(`placement moved the segment to node ${meta.leader} at epoch ${meta.epoch}`);
      // a new leader gets a full lease before this replica checks on it
      this.follower(local.key).lastContactMs = Date.now();
      if (meta.status === 'SEGMENT_DELETING') await this.dropLocal(local);
      else if (meta.status === 'SEGMENT_SEALED') await this.repair(local, meta);
    }
    if (meta.status === 'SEGMENT_WRITE' && meta.leader === this.settings.nodeId) await this.activate(meta);
    return meta;
  }

  /** UNAVAILABLE once close() began: nothing new may reach the store, which closes right after the node. */
  private checkOpen(): void {
    if (this.closed) throw this.closingError();
  }

  private closingError(): JournalError {
    return new JournalError('UNAVAILABLE', `journal server ${this.settings.nodeId} is shutting down`);
  }

  /**
   * stops taking work (every entry point answers UNAVAILABLE from now on), stops the leaders (which wakes their long
   * polls) and waits for take-overs and file writes already running, so the store can close under nobody.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const leader of [...this.leaders.values()]) leader.stop('journal server closing');
    await Promise.allSettled([...this.activating.values()]);
    // a take-over that finished meanwhile is stopped as well
    for (const leader of [...this.leaders.values()]) leader.stop('journal server closing');
    // a stopped leader's write in flight holds the lock too: wait for it as for the follower side's tasks
    await Promise.all(this.store.list().map((seg) => seg.lock));
  }
}
