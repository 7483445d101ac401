// Replicated commands for journal metadata and consumer offsets, and their results. Replica sets, leaders and
// timestamps are chosen by the proposing member (the leader) and travel inside the command; apply only checks
// that the state still allows the change, so every member reaches the same state.
import type { Rejection } from '../metadata/metadata-error.js';
import type { RequestTagged } from './request-id.js';
import type { StoredOffset, StoredSegment, StoredShard } from './journal-records.js';

export type JournalCommand = (
  | { type: 'journal.shard.create'; shard: StoredShard; segment: StoredSegment }
  | { type: 'journal.shard.delete'; namespace: string; name: string }
  | {
      type: 'journal.segment.seal';
      namespace: string;
      shardName: string;
      seq: number;
      endOffset: number;
      startTimestampMs: number;
      endTimestampMs: number;
      /** the segment to open; its seq and start offset are fixed at apply time from the sealed one. */
      next: Pick<StoredSegment, 'replicas' | 'leader' | 'createdAtMs'>;
    }
  | {
      type: 'journal.segment.leader';
      namespace: string;
      shardName: string;
      seq: number;
      leader: number;
      expectedEpoch: number;
    }
  | { type: 'journal.offset.commit'; offset: StoredOffset }
) &
  RequestTagged;

export type JournalCommandResult =
  | { type: 'journal.shard.create'; rejection?: Rejection; shard?: StoredShard; segment?: StoredSegment }
  | { type: 'journal.shard.delete'; rejection?: Rejection }
  | { type: 'journal.segment.seal'; rejection?: Rejection; sealed?: StoredSegment; next?: StoredSegment }
  | { type: 'journal.segment.leader'; rejection?: Rejection; segment?: StoredSegment }
  | { type: 'journal.offset.commit'; rejection?: Rejection; offset?: StoredOffset };

const JOURNAL_TYPES = new Set<string>([
  'journal.shard.create',
  'journal.shard.delete',
  'journal.segment.seal',
  'journal.segment.leader',
  'journal.offset.commit',
] satisfies JournalCommand['type'][]);

export function isJournalCommand(command: { type: string }): command is JournalCommand {
  return JOURNAL_TYPES.has(command.type);
}
