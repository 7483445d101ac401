// The leader's push loop towards one follower of a segment: a handshake (fence with the leader's epoch, learn the
// follower's end and last epoch, cut its diverged tail KIP-101 style), then pipelined Replicate requests (up to
// MAX_IN_FLIGHT) carrying everything from the follower's end onward — the leader's just-written buffers while the
// follower keeps up, bytes read back from the leader's file when it fell behind, restarted or was cut off, so one
// loop both streams and catches up. A failed request drains the window and starts over with a handshake. Idle
// followers get heartbeats, which also tell them the leader is alive and where the high watermark is.
import type { Logger } from '@robustmq/common';
import {
  JOURNAL_MESSAGE,
  isJournalError,
  type JournalConnection,
  type JournalConnectionPool,
} from '@robustmq/protocol/journal';
import type { LocalSegment } from '../storage/local-segment.js';
import type { SegmentStore } from '../storage/segment-store.js';
import type { SegmentDirectory } from './segment-directory.js';

/** a run of batches the leader wrote but has not synced yet (SegmentLeader keeps them, followers send them). */
export interface TailChunk {
  base: number;
  end: number;
  parts: Buffer[];
  bytes: number;
}

/** what a follower loop needs of its segment leader: SegmentLeader has it, and imports this file (not vice versa). */
export interface ReplicationLeader {
  readonly seg: LocalSegment;
  readonly state: string;
  readonly hw: number;
  readonly id: string;
  readonly tail: readonly TailChunk[];
  header(extra?: Record<string, unknown>): Record<string, unknown>;
  endOffsetForEpoch(epoch: number): number;
  recomputeHw(): void;
  stop(reason: string): void;
}

/** the node's parts a follower loop uses (a subset of the leader's context). */
export interface ReplicatorContext {
  store: SegmentStore;
  directory: SegmentDirectory;
  pool: JournalConnectionPool;
  settings: { heartbeatIntervalMs: number; maxReplicateBytes: number; requestTimeoutMs: number };
  logger: Logger;
}

/** Replicate requests in flight per follower: the follower writes one while it syncs the previous ones. */
const MAX_IN_FLIGHT = 4;

export class FollowerReplicator {
  /** exclusive end offset known to be on the follower's disk (valid once handshaken). */
  match: number;
  lastContactMs = 0;
  lastError = '';
  private handshaken = false;
  private running = true;
  private sealAnnounced = false;
  private wakeUp: (() => void) | undefined;
  private kicked = false;
  /** exclusive end of what has been sent (>= match while requests are in flight). */
  private sent: number;
  private inFlight = 0;
  /** the first failure among the requests in flight; the loop drains the rest and starts over with a handshake. */
  private failure: unknown;

  constructor(
    private readonly ctx: ReplicatorContext,
    private readonly leader: ReplicationLeader,
    readonly nodeId: number,
  ) {
    this.match = leader.seg.meta.startOffset;
    this.sent = this.match;
  }

  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    // remembered when the loop is busy, so work that arrives between its check and its wait is not missed
    if (w) w();
    else this.kicked = true;
  }

  stop(): void {
    this.running = false;
    this.wake();
  }

  /** A Replicate without records: carries the high watermark (and the sealed end) and learns the follower's end. */
  private async heartbeat(conn: JournalConnection, sealedEnd: number | null): Promise<void> {
    const reply = await conn.request(
      JOURNAL_MESSAGE.Replicate,
      this.leader.header({
        startOffset: this.leader.seg.meta.startOffset,
        baseOffset: this.sent,
        highWatermark: this.leader.hw,
        sealedEnd,
      }),
      [],
      this.ctx.settings.requestTimeoutMs,
    );
    this.progress(reply.header['endOffset'] as number);
  }

  async run(): Promise<void> {
    const { directory, pool, settings, logger } = this.ctx;
    const seg = this.leader.seg;
    let failures = 0;
    let address = '';
    while (this.running) {
      try {
        address = await directory.address(this.nodeId, failures > 0);
        const conn = pool.get(address);
        if (!this.handshaken) {
          await this.handshake(address);
          this.sent = this.match;
        }
        const sealedEnd = this.leader.state === 'sealed' ? seg.meta.sealedEnd : null;
        // keep up to MAX_IN_FLIGHT requests going: the leader's buffers as written, or the file for a laggard
        while (
          this.failure === undefined &&
          this.inFlight < MAX_IN_FLIGHT &&
          this.sent < seg.endOffset &&
          this.running
        ) {
          const from = this.sent;
          const chunk = await this.nextChunk(from);
          if (chunk.end <= from) break;
          this.sent = chunk.end;
          this.send(conn, from, chunk.parts, sealedEnd);
        }
        if (this.failure !== undefined) {
          const err = this.failure;
          await this.drain();
          this.failure = undefined;
          throw err;
        }
        if (this.inFlight > 0 || this.sent < seg.endOffset) {
          await this.idle(settings.heartbeatIntervalMs);
          failures = 0;
          continue;
        }
        if (sealedEnd !== null) {
          if (this.match >= sealedEnd && this.sealAnnounced) return; // the follower has the whole sealed segment
          await this.heartbeat(conn, sealedEnd);
          if (this.match >= sealedEnd) this.sealAnnounced = true;
          continue;
        }
        if (!(await this.idle(settings.heartbeatIntervalMs))) await this.heartbeat(conn, null);
        failures = 0;
      } catch (err) {
        await this.drain();
        this.failure = undefined;
        if (!this.running) return;
        this.lastError = (err as Error).message;
        if (isJournalError(err, 'FENCED')) {
          this.leader.stop(`follower ${this.nodeId} has seen a newer epoch: ${this.lastError}`);
          return;
        }
        this.handshaken = false;
        if (isJournalError(err, 'OUT_OF_ORDER')) continue;
        failures++;
        if (address && isJournalError(err, 'UNAVAILABLE')) pool.reset(address);
        if (failures === 1 || failures % 50 === 0) {
          logger.warn(
            { segment: this.leader.id, follower: this.nodeId, err: this.lastError },
            'replication to follower failed; retrying',
          );
        }
        await this.idle(Math.min(1_000, 50 * 2 ** Math.min(failures, 5)));
      }
    }
  }

  /** what to send from `from`: whole groups from the leader's in-memory tail, else framed bytes read from its file. */
  private async nextChunk(from: number): Promise<{ parts: Buffer[]; end: number }> {
    const { settings } = this.ctx;
    const parts: Buffer[] = [];
    let at = from;
    let bytes = 0;
    for (const c of this.leader.tail) {
      if (c.end <= at) continue;
      if (c.base !== at || (bytes > 0 && bytes + c.bytes > settings.maxReplicateBytes)) break;
      parts.push(...c.parts);
      bytes += c.bytes;
      at = c.end;
    }
    if (parts.length > 0) return { parts, end: at };
    const seg = this.leader.seg;
    const read = await seg.readFramed(
      from,
      seg.endOffset,
      Number.MAX_SAFE_INTEGER,
      settings.maxReplicateBytes,
      true,
    );
    return { parts: read.parts, end: from + read.count };
  }

  private send(conn: JournalConnection, baseOffset: number, parts: Buffer[], sealedEnd: number | null): void {
    const { settings } = this.ctx;
    const seg = this.leader.seg;
    this.inFlight++;
    conn
      .request(
        JOURNAL_MESSAGE.Replicate,
        this.leader.header({
          startOffset: seg.meta.startOffset,
          baseOffset,
          highWatermark: this.leader.hw,
          sealedEnd,
        }),
        parts,
        settings.requestTimeoutMs,
      )
      .then(
        (reply) => {
          this.inFlight--;
          if (this.failure === undefined) this.progress(reply.header['endOffset'] as number);
          this.wake();
        },
        (err: unknown) => {
          this.inFlight--;
          this.failure ??= err;
          this.wake();
        },
      );
  }

  /** waits until no request is in flight (after a failure, before the next handshake). */
  private async drain(): Promise<void> {
    while (this.inFlight > 0) await this.idle(50);
  }

  private progress(endOffset: number): void {
    // answers of pipelined requests come in order; the max keeps a late heartbeat answer from moving it back
    if (endOffset > this.match) this.match = endOffset;
    this.lastContactMs = Date.now();
    this.leader.recomputeHw();
  }

  /** fences the follower with this leader's epoch and cuts whatever of its log this leader's log does not share. */
  private async handshake(address: string): Promise<void> {
    const { pool, settings } = this.ctx;
    const conn = pool.get(address);
    const seg = this.leader.seg;
    const reply = await conn.request(
      JOURNAL_MESSAGE.Fence,
      this.leader.header({ startOffset: seg.meta.startOffset }),
      [],
      settings.requestTimeoutMs,
    );
    const followerEnd = reply.header['endOffset'] as number;
    const followerEpoch = reply.header['lastEpoch'] as number;
    const agreed = Math.min(followerEnd, this.leader.endOffsetForEpoch(followerEpoch), seg.endOffset);
    if (agreed < followerEnd) {
      await conn.request(
        JOURNAL_MESSAGE.Truncate,
        this.leader.header({ offset: agreed }),
        [],
        settings.requestTimeoutMs,
      );
      this.ctx.logger.info(
        { segment: this.leader.id, follower: this.nodeId, from: followerEnd, to: agreed },
        'truncated a diverged follower tail',
      );
    }
    this.match = agreed;
    this.handshaken = true;
    this.lastContactMs = Date.now();
  }

  /** waits for new records or `ms`; true when woken by new work. */
  private idle(ms: number): Promise<boolean> {
    if (this.kicked) {
      this.kicked = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve(false);
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}
