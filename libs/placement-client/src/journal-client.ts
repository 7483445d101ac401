// Placement's journal metadata service: shards, their chains of segments (replica sets, leader, epoch, seal and
// hand-over) and consumer offsets.
import type {
  CommitOffsetResult__Output,
  ConsumerOffset__Output,
  Segment__Output,
  Shard__Output,
  ShardConfig,
} from '@robustmq/protocol';
import { PlacementError, orUndefined, type PlacementConnection } from './connection.js';
import { OffsetCommitBatcher } from './offset-commit-batcher.js';

/** SealAndOpenNext: the segment to seal, its end offset and (when it has records) their time range. */
export interface SealSegmentRequest {
  namespace: string;
  shardName: string;
  segmentSeq: number;
  endOffset: number;
  startTimestampMs?: number;
  endTimestampMs?: number;
}

export class JournalMetadataClient {
  /** coalesces the offset commits made while one is out into one CommitOffsets call (offset-commit-batcher.ts). */
  readonly commits: OffsetCommitBatcher;

  constructor(private readonly conn: PlacementConnection) {
    this.commits = new OffsetCommitBatcher({
      single: async (request) => {
        await this.conn.call('journal', 'CommitOffset', request);
      },
      batch: async (commits) =>
        (
          await this.conn.call<{ results: CommitOffsetResult__Output[] }>('journal', 'CommitOffsets', {
            commits,
          })
        ).results,
      commitError: (code, message) => new PlacementError(code, message),
    });
  }

  // ---- shards and segments ----

  /** Creates the shard and opens segment 0; FAILED_PRECONDITION when too few journal servers are registered. */
  async createShard(
    namespace: string,
    name: string,
    config: ShardConfig,
  ): Promise<{ shard: Shard__Output; segment: Segment__Output }> {
    return this.conn.call('journal', 'CreateShard', {
      namespace,
      name,
      config,
      requestId: this.conn.requestId(),
    });
  }

  async deleteShard(namespace: string, name: string): Promise<void> {
    await this.conn.call('journal', 'DeleteShard', { namespace, name, requestId: this.conn.requestId() });
  }

  /** The shard, or undefined when it does not exist. */
  async getShard(namespace: string, name: string): Promise<Shard__Output | undefined> {
    return orUndefined(
      this.conn
        .call<{ shard: Shard__Output }>('journal', 'GetShard', { namespace, name })
        .then((r) => r.shard),
    );
  }

  async listShards(
    options: { namespace?: string; startAfter?: string; limit?: number } = {},
  ): Promise<{ shards: Shard__Output[]; more: boolean }> {
    return this.conn.call('journal', 'ListShards', {
      namespace: options.namespace ?? '',
      startAfter: options.startAfter ?? '',
      limit: options.limit ?? 0,
    });
  }

  async listSegments(namespace: string, shardName: string): Promise<Segment__Output[]> {
    return (
      await this.conn.call<{ segments: Segment__Output[] }>('journal', 'ListSegments', {
        namespace,
        shardName,
      })
    ).segments;
  }

  /** Seals the active segment at endOffset and opens the next (possibly on other journal servers). */
  async sealAndOpenNext(
    request: SealSegmentRequest,
  ): Promise<{ sealed: Segment__Output; next: Segment__Output }> {
    return this.conn.call('journal', 'SealAndOpenNext', { ...request, requestId: this.conn.requestId() });
  }

  /** Moves the segment's leadership to another replica and bumps its epoch (only from expectedEpoch when given). */
  async updateSegmentLeader(request: {
    namespace: string;
    shardName: string;
    segmentSeq: number;
    leader: number;
    expectedEpoch?: number;
  }): Promise<Segment__Output> {
    return (
      await this.conn.call<{ segment: Segment__Output }>('journal', 'UpdateSegmentLeader', {
        ...request,
        requestId: this.conn.requestId(),
      })
    ).segment;
  }

  // ---- consumer offsets ----

  /** Commits the group's next offset in the shard; commits made while another is out go together in one call. */
  commitOffset(group: string, namespace: string, shardName: string, offset: number): Promise<void> {
    return this.commits.commit({ group, namespace, shardName, offset, requestId: this.conn.requestId() });
  }

  /** The group's committed offset in the shard, or undefined when it has committed none. */
  async fetchOffset(group: string, namespace: string, shardName: string): Promise<number | undefined> {
    return orUndefined(
      this.conn
        .call<{ offset: ConsumerOffset__Output }>('journal', 'FetchOffset', { group, namespace, shardName })
        .then((r) => r.offset.offset),
    );
  }

  async listOffsets(group: string): Promise<ConsumerOffset__Output[]> {
    return (await this.conn.call<{ offsets: ConsumerOffset__Output[] }>('journal', 'ListOffsets', { group }))
      .offsets;
  }
}
