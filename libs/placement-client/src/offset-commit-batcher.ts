// Coalesced consumer-offset commits (as kv-batcher.ts does for KV calls): the commits one JournalMetadataClient
// receives while an earlier one is out travel together in one JournalService.CommitOffsets RPC instead of one RPC each.
// A broker commits the position of every persistent session as its subscriber acknowledges; with a thousand sessions
// that was a thousand gRPC calls a second into placement, whose per-call work (HTTP/2 stream, headers, deadline,
// callbacks on both sides) cost placement more CPU than the brokers spent delivering. A lone commit still goes at
// once as its plain RPC. Commits of the same group and shard queued together are one commit (the latest offset: a
// commit sets the position, it does not add to it). A member without CommitOffsets (older code) gets one RPC per
// commit from then on.
import * as grpc from '@grpc/grpc-js';
import type { CommitOffsetRequest, CommitOffsetResult__Output } from '@robustmq/protocol';

/** Below the server's limit (10,000 per call). */
export const MAX_OFFSET_COMMITS_PER_CALL = 2_000;

interface QueuedCommit {
  request: CommitOffsetRequest;
  waiters: Array<{ resolve(): void; reject(err: Error): void }>;
}

export interface OffsetCommitTransport {
  /** One CommitOffset RPC (with the client's retries). */
  single(request: CommitOffsetRequest): Promise<void>;
  /** One CommitOffsets RPC (with the client's retries): one result per commit, or a rejection for the whole call. */
  batch(commits: CommitOffsetRequest[]): Promise<CommitOffsetResult__Output[]>;
  /** The error a failed commit rejects with (the client's PlacementError). */
  commitError(code: grpc.status, message: string): Error;
}

export class OffsetCommitBatcher {
  private queue = new Map<string, QueuedCommit>();
  private scheduled = false;
  private batchUnsupported = false;
  /** RPCs sent and not answered yet. */
  private inFlight = 0;
  /** CommitOffset / CommitOffsets RPCs sent, and commits they carried (for tests and benchmarks). */
  readonly stats = { singles: 0, batches: 0, batchedCommits: 0 };

  constructor(private readonly transport: OffsetCommitTransport) {}

  commit(request: CommitOffsetRequest): Promise<void> {
    if (this.batchUnsupported || (this.queue.size === 0 && this.inFlight === 0)) return this.single(request);
    return new Promise<void>((resolve, reject) => {
      const key = `${request.group}\u0000${request.namespace}\u0000${request.shardName}`;
      const queued = this.queue.get(key);
      if (queued) {
        queued.request = request; // the later position wins; both callers learn its fate
        queued.waiters.push({ resolve, reject });
      } else this.queue.set(key, { request, waiters: [{ resolve, reject }] });
      if (this.queue.size >= MAX_OFFSET_COMMITS_PER_CALL) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private single(request: CommitOffsetRequest): Promise<void> {
    this.inFlight++;
    this.stats.singles++;
    return this.transport.single(request).finally(() => this.inFlight--);
  }

  private flush(): void {
    this.scheduled = false;
    if (this.queue.size === 0) return;
    const commits = [...this.queue.values()];
    this.queue = new Map();
    if (commits.length === 1 || this.batchUnsupported) {
      for (const c of commits) this.settle(c, this.single(c.request));
      return;
    }
    this.inFlight++;
    void this.send(commits).finally(() => this.inFlight--);
  }

  private settle(c: QueuedCommit, done: Promise<void>): void {
    done.then(
      () => {
        for (const w of c.waiters) w.resolve();
      },
      (err: Error) => {
        for (const w of c.waiters) w.reject(err);
      },
    );
  }

  private async send(commits: QueuedCommit[]): Promise<void> {
    this.stats.batches++;
    this.stats.batchedCommits += commits.length;
    let results: CommitOffsetResult__Output[];
    try {
      results = await this.transport.batch(commits.map((c) => c.request));
    } catch (err) {
      if ((err as { code?: unknown }).code === grpc.status.UNIMPLEMENTED) {
        this.batchUnsupported = true;
        for (const c of commits) this.settle(c, this.single(c.request));
        return;
      }
      for (const c of commits) for (const w of c.waiters) w.reject(err as Error);
      return;
    }
    for (let i = 0; i < commits.length; i++) {
      const result = results[i];
      const c = commits[i]!;
      const err =
        result === undefined
          ? this.transport.commitError(
              grpc.status.INTERNAL,
              `CommitOffsets: ${results.length} results for ${commits.length} commits`,
            )
          : result.code !== grpc.status.OK
            ? this.transport.commitError(result.code, `CommitOffset: ${result.message}`)
            : undefined;
      for (const w of c.waiters) {
        if (err) w.reject(err);
        else w.resolve();
      }
    }
  }
}
