// gRPC JournalService: shards, segments and consumer offsets, over JournalMetadata and ConsumerOffsets. Writes pass
// the request's request_id on, so a retried write takes effect once and answers like its first attempt.
import type { JournalServiceHandlers } from '@robustmq/protocol';
import type { ConsumerOffsets } from '../journal/consumer-offsets.js';
import type { JournalMetadata } from '../journal/journal-metadata.js';
import { writeOptions } from '../metadata/write-options.js';
import { InvalidArgument, settleBatch, unary } from './grpc-errors.js';

/** Most commits one CommitOffsets call may carry (as KvService.Batch's operations). */
export const MAX_OFFSET_COMMITS = 10_000;

export function journalServiceHandlers(
  journal: JournalMetadata,
  offsets: ConsumerOffsets,
): JournalServiceHandlers {
  return {
    CreateShard: unary(async (request) =>
      journal.createShard(request.namespace, request.name, request.config, writeOptions(request)),
    ),
    DeleteShard: unary(async (request) => {
      await journal.deleteShard(request.namespace, request.name, writeOptions(request));
      return {};
    }),
    GetShard: unary(async (request) => ({ shard: await journal.getShard(request.namespace, request.name) })),
    ListShards: unary(async (request) =>
      journal.listShards(request.namespace, request.startAfter, request.limit),
    ),
    ListSegments: unary(async (request) => ({
      segments: await journal.listSegments(request.namespace, request.shardName),
    })),
    SealAndOpenNext: unary(async (request) => journal.sealAndOpenNext(request, writeOptions(request))),
    UpdateSegmentLeader: unary(async (request) => ({
      segment: await journal.updateSegmentLeader(request, writeOptions(request)),
    })),

    CommitOffset: unary(async (request) => {
      await offsets.commit(
        request.group,
        request.namespace,
        request.shardName,
        request.offset,
        writeOptions(request),
      );
      return {};
    }),
    // every commit starts in this turn, so their proposals go out together (one Raft entry); a commit's own failure
    // is its result, a failure that says "not here, not now" fails the call (the client retries it elsewhere)
    CommitOffsets: unary(async (request) => {
      if (request.commits.length > MAX_OFFSET_COMMITS) {
        throw new InvalidArgument(
          `a CommitOffsets call holds at most ${MAX_OFFSET_COMMITS} commits, got ${request.commits.length}`,
        );
      }
      const results = await settleBatch(request.commits, async (c) => {
        await offsets.commit(c.group, c.namespace, c.shardName, c.offset, writeOptions(c));
        return { code: 0, message: '' };
      });
      return { results };
    }),
    FetchOffset: unary(async (request) => ({
      offset: await offsets.fetch(request.group, request.namespace, request.shardName),
    })),
    ListOffsets: unary(async (request) => ({ offsets: await offsets.list(request.group) })),
  };
}
