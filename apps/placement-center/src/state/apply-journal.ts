// Applies journal metadata and consumer-offset commands. The proposer chose replicas and times; apply re-checks
// the preconditions against the state as committed (another proposal may have changed it meanwhile) and refuses
// with a Rejection rather than guessing, so every member reaches the same answer.
import type { Rejection } from '../metadata/metadata-error.js';
import { putJson, readJson, type ApplyContext } from './apply-context.js';
import type { JournalCommand, JournalCommandResult } from './journal-commands.js';
import { offsetKey, segmentKey, shardKey, type StoredSegment, type StoredShard } from './journal-records.js';

function shardMissing(namespace: string, name: string) {
  return { code: 'NOT_FOUND' as const, message: `shard ${namespace}/${name} not found` };
}

/** The refusal of a create whose shard exists; the proposing side uses it too, to fail early with the same words. */
export function shardExists(existing: StoredShard): Rejection {
  const deleting = existing.status === 'SHARD_DELETING' ? ' (it is being deleted)' : '';
  return {
    code: 'ALREADY_EXISTS',
    message: `shard ${existing.namespace}/${existing.name} already exists${deleting}`,
  };
}

export async function applyJournal(ctx: ApplyContext, c: JournalCommand): Promise<JournalCommandResult> {
  switch (c.type) {
    case 'journal.shard.create': {
      const { namespace, name } = c.shard;
      const existing = await readJson<StoredShard>(ctx, shardKey(namespace, name));
      if (existing) return { type: c.type, rejection: shardExists(existing) };
      putJson(ctx, shardKey(namespace, name), c.shard);
      putJson(ctx, segmentKey(namespace, name, c.segment.seq), c.segment);
      return { type: c.type, shard: c.shard, segment: c.segment };
    }
    case 'journal.shard.delete': {
      const key = shardKey(c.namespace, c.name);
      const shard = await readJson<StoredShard>(ctx, key);
      if (!shard) return { type: c.type, rejection: shardMissing(c.namespace, c.name) };
      putJson(ctx, key, { ...shard, status: 'SHARD_DELETING' } satisfies StoredShard);
      // segments form a contiguous chain from firstSegmentSeq to activeSegmentSeq, so no scan is needed
      for (let seq = shard.firstSegmentSeq; seq <= shard.activeSegmentSeq; seq++) {
        const segKey = segmentKey(c.namespace, c.name, seq);
        const segment = await readJson<StoredSegment>(ctx, segKey);
        if (segment) putJson(ctx, segKey, { ...segment, status: 'SEGMENT_DELETING' } satisfies StoredSegment);
      }
      return { type: c.type };
    }
    case 'journal.segment.seal': {
      const shard = await readJson<StoredShard>(ctx, shardKey(c.namespace, c.shardName));
      if (!shard) return { type: c.type, rejection: shardMissing(c.namespace, c.shardName) };
      const where = `shard ${c.namespace}/${c.shardName}`;
      if (shard.status !== 'SHARD_ACTIVE')
        return {
          type: c.type,
          rejection: { code: 'FAILED_PRECONDITION', message: `${where} is being deleted` },
        };
      if (shard.activeSegmentSeq !== c.seq) {
        return {
          type: c.type,
          rejection: {
            code: 'FAILED_PRECONDITION',
            message: `segment ${c.seq} of ${where} is not the active segment (active: ${shard.activeSegmentSeq})`,
          },
        };
      }
      const segKey = segmentKey(c.namespace, c.shardName, c.seq);
      const segment = await readJson<StoredSegment>(ctx, segKey);
      if (!segment || segment.status !== 'SEGMENT_WRITE') {
        return {
          type: c.type,
          rejection: { code: 'FAILED_PRECONDITION', message: `segment ${c.seq} of ${where} is not writable` },
        };
      }
      if (c.endOffset < segment.startOffset - 1) {
        return {
          type: c.type,
          rejection: {
            code: 'FAILED_PRECONDITION',
            message: `end_offset ${c.endOffset} is before segment ${c.seq}'s start offset ${segment.startOffset} (use start - 1 for an empty segment)`,
          },
        };
      }
      const sealed: StoredSegment = {
        ...segment,
        status: 'SEGMENT_SEALED',
        endOffset: c.endOffset,
        startTimestampMs: c.startTimestampMs || segment.startTimestampMs,
        endTimestampMs: c.endTimestampMs,
      };
      const next: StoredSegment = {
        namespace: c.namespace,
        shardName: c.shardName,
        seq: c.seq + 1,
        replicas: c.next.replicas,
        leader: c.next.leader,
        epoch: 1,
        status: 'SEGMENT_WRITE',
        startOffset: c.endOffset + 1,
        endOffset: -1,
        startTimestampMs: 0,
        endTimestampMs: 0,
        createdAtMs: c.next.createdAtMs,
      };
      putJson(ctx, segKey, sealed);
      putJson(ctx, segmentKey(c.namespace, c.shardName, next.seq), next);
      putJson(ctx, shardKey(c.namespace, c.shardName), {
        ...shard,
        activeSegmentSeq: next.seq,
      } satisfies StoredShard);
      return { type: c.type, sealed, next };
    }
    case 'journal.segment.leader': {
      const segKey = segmentKey(c.namespace, c.shardName, c.seq);
      const segment = await readJson<StoredSegment>(ctx, segKey);
      const what = `segment ${c.seq} of shard ${c.namespace}/${c.shardName}`;
      if (!segment) return { type: c.type, rejection: { code: 'NOT_FOUND', message: `${what} not found` } };
      if (!segment.replicas.includes(c.leader)) {
        return {
          type: c.type,
          rejection: {
            code: 'FAILED_PRECONDITION',
            message: `node ${c.leader} is not a replica of ${what} (replicas: ${segment.replicas.join(', ')})`,
          },
        };
      }
      if (c.expectedEpoch !== 0 && c.expectedEpoch !== segment.epoch) {
        return {
          type: c.type,
          rejection: {
            code: 'FAILED_PRECONDITION',
            message: `${what} is at epoch ${segment.epoch}, not ${c.expectedEpoch}`,
          },
        };
      }
      if (segment.status === 'SEGMENT_DELETING')
        return {
          type: c.type,
          rejection: { code: 'FAILED_PRECONDITION', message: `${what} is being deleted` },
        };
      const updated: StoredSegment = { ...segment, leader: c.leader, epoch: segment.epoch + 1 };
      putJson(ctx, segKey, updated);
      return { type: c.type, segment: updated };
    }
    case 'journal.offset.commit': {
      const o = c.offset;
      const shard = await readJson<StoredShard>(ctx, shardKey(o.namespace, o.shardName));
      if (!shard) return { type: c.type, rejection: shardMissing(o.namespace, o.shardName) };
      putJson(ctx, offsetKey(o.group, o.namespace, o.shardName), o);
      return { type: c.type, offset: o };
    }
  }
}
