// The leader's push loop towards one follower of a segment: a handshake (fence with the leader's epoch, learn the
// follower's end and last epoch, cut its diverged tail KIP-101 style), then Replicate requests carrying everything
// from the follower's end onward read back from the leader's file — so a follower that fell behind, restarted or
// was cut off catches up by the same loop that streams new appends. Idle followers get heartbeats, which also tell
// them the leader is alive and where the high watermark is.
import { JOURNAL_MESSAGE, batchParts, isJournalError } from '@robustmq/storage-adapter';
import type { LeaderContext, SegmentLeader } from './segment-leader.js';

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

  constructor(
    private readonly ctx: LeaderContext,
    private readonly leader: SegmentLeader,
    readonly nodeId: number,
  ) {
    this.match = leader.seg.meta.startOffset;
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

  async run(): Promise<void> {
    const { store, directory, pool, settings, logger } = this.ctx;
    const seg = this.leader.seg;
    let failures = 0;
    let address = '';
    while (this.running) {
      try {
        address = await directory.address(this.nodeId, failures > 0);
        const conn = pool.get(address);
        if (!this.handshaken) await this.handshake(address);
        const end = seg.endOffset;
        const sealedEnd = this.leader.state === 'sealed' ? seg.meta.sealedEnd : null;
        if (this.match < end || (sealedEnd !== null && !this.sealAnnounced)) {
          const records = this.match < end ? await store.readForReplication(seg, this.match, end, settings.maxReplicateBytes) : [];
          const reply = await conn.request(
            JOURNAL_MESSAGE.Replicate,
            this.leader.header({ startOffset: seg.meta.startOffset, baseOffset: this.match, highWatermark: this.leader.hw, sealedEnd }),
            batchParts(records),
            settings.requestTimeoutMs,
          );
          this.progress(reply.header['endOffset'] as number);
          if (sealedEnd !== null && this.match >= sealedEnd) this.sealAnnounced = true;
          failures = 0;
          continue;
        }
        if (sealedEnd !== null) return; // the follower has the whole sealed segment
        if (!(await this.idle(settings.heartbeatIntervalMs))) {
          const reply = await conn.request(
            JOURNAL_MESSAGE.Replicate,
            this.leader.header({ startOffset: seg.meta.startOffset, baseOffset: this.match, highWatermark: this.leader.hw, sealedEnd: null }),
            [],
            settings.requestTimeoutMs,
          );
          this.progress(reply.header['endOffset'] as number);
        }
      } catch (err) {
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
          logger.warn({ segment: this.leader.id, follower: this.nodeId, err: this.lastError }, 'replication to follower failed; retrying');
        }
        await this.idle(Math.min(1_000, 50 * 2 ** Math.min(failures, 5)));
      }
    }
  }

  private progress(endOffset: number): void {
    this.match = endOffset;
    this.lastContactMs = Date.now();
    this.leader.recomputeHw();
  }

  /** fences the follower with this leader's epoch and cuts whatever of its log this leader's log does not share. */
  private async handshake(address: string): Promise<void> {
    const { pool, settings } = this.ctx;
    const conn = pool.get(address);
    const seg = this.leader.seg;
    const reply = await conn.request(JOURNAL_MESSAGE.Fence, this.leader.header({ startOffset: seg.meta.startOffset }), [], settings.requestTimeoutMs);
    const followerEnd = reply.header['endOffset'] as number;
    const followerEpoch = reply.header['lastEpoch'] as number;
    const agreed = Math.min(followerEnd, this.leader.endOffsetForEpoch(followerEpoch), seg.endOffset);
    if (agreed < followerEnd) {
      await conn.request(JOURNAL_MESSAGE.Truncate, this.leader.header({ offset: agreed }), [], settings.requestTimeoutMs);
      this.ctx.logger.info({ segment: this.leader.id, follower: this.nodeId, from: followerEnd, to: agreed }, 'truncated a diverged follower tail');
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
