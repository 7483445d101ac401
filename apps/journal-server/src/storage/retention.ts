// Server-side retention: sealed segments of shards whose placement config sets retention_ms or retention_bytes are
// removed whole, oldest first — by age when every record in them is older than retention_ms (placement records the
// newest record time of a sealed segment), by size while the shard's sealed segments here exceed retention_bytes.
// Before deleting, the shard's retention mark in placement KV (`journal-retention/<namespace>/<shard>` = the first
// kept segment) is moved forward, so readers learn the new start offset instead of finding a hole; a read of a removed
// segment is answered OFFSET_OUT_OF_RANGE naming that start (`removedByRetention`). Each pass also drops this server's
// copies of segments below the mark, however the mark got there.
import type { Logger } from '@robustmq/common';
import type { PlacementClient } from '@robustmq/placement-client';
import {
  JournalError,
  advanceRetentionMark,
  isJournalError,
  readRetentionMark,
} from '@robustmq/protocol/journal';
import type { SegmentDirectory } from '../replication/segment-directory.js';
import type { LocalSegment } from './local-segment.js';
import type { SegmentStore } from './segment-store.js';

/** what a retention pass needs of the journal node (the JournalNode, which imports this file, has it). */
export interface RetentionHost {
  readonly store: SegmentStore;
  readonly directory: SegmentDirectory;
  dropLocal(seg: LocalSegment): Promise<void>;
}

/**
 * when segment `seq` lies below the shard's retention mark: the OFFSET_OUT_OF_RANGE error to answer a read of it with,
 * naming where the shard now starts (segment and offset). undefined when retention did not remove it.
 */
export async function removedByRetention(
  placement: PlacementClient,
  directory: SegmentDirectory,
  namespace: string,
  shard: string,
  seq: number,
): Promise<JournalError | undefined> {
  const firstSeq = await readRetentionMark(placement.kv, namespace, shard);
  if (!(seq < firstSeq)) return undefined;
  const first = await directory.segment(namespace, shard, firstSeq).catch(() => undefined);
  const start = first ? `offset ${first.startOffset} (segment ${firstSeq})` : `segment ${firstSeq}`;
  return new JournalError(
    'OFFSET_OUT_OF_RANGE',
    `segment ${seq} of ${namespace}/${shard} was removed by retention; the shard now starts at ${start}`,
    { firstSegment: firstSeq, ...(first ? { startOffset: first.startOffset } : {}) },
  );
}

export async function enforceRetention(
  node: RetentionHost,
  placement: PlacementClient,
  logger: Logger,
  now = Date.now(),
): Promise<number> {
  const byShard = new Map<string, ReturnType<SegmentStore['list']>>();
  for (const seg of node.store.list()) {
    const key = `${seg.meta.namespace}/${seg.meta.shard}`;
    byShard.set(key, [...(byShard.get(key) ?? []), seg]);
  }
  let removed = 0;
  for (const segs of byShard.values()) {
    const { namespace, shard } = segs[0]!.meta;
    let config;
    try {
      config = (await node.directory.shard(namespace, shard, true)).config;
    } catch (err) {
      if (isJournalError(err, 'SHARD_NOT_FOUND')) {
        for (const seg of segs) await node.dropLocal(seg);
        logger.info({ namespace, shard }, 'dropped the local segments of a deleted shard');
      }
      continue;
    }
    // whatever lies below the shard's retention mark is gone for readers, whoever moved the mark (another replica's
    // pass while this server was down, or the journal StorageAdapter's enforceRetention): drop this server's copy too,
    // or it would stay on disk forever
    const firstKept = await readRetentionMark(placement.kv, namespace, shard);
    const below = segs.filter((s) => s.meta.seq < firstKept);
    for (const seg of below) await node.dropLocal(seg);
    if (below.length > 0) {
      removed += below.length;
      logger.info(
        { namespace, shard, segments: below.map((s) => s.meta.seq) },
        'dropped local segments below the retention mark',
      );
    }
    if (!config || (!config.retentionMs && !config.retentionBytes)) continue;
    const sealed = segs
      .filter((s) => s.meta.seq >= firstKept && s.meta.sealedEnd !== null)
      .sort((a, b) => a.meta.seq - b.meta.seq);
    let bytes = sealed.reduce((sum, s) => sum + s.file.size, 0);
    const doomed = [];
    for (const seg of sealed) {
      let meta = await node.directory.segment(namespace, shard, seg.meta.seq).catch(() => undefined);
      // an entry cached before the seal has no end time yet (0 would read as "ancient"): ask placement again
      if (meta !== undefined && meta.status !== 'SEGMENT_SEALED')
        meta = await node.directory.segment(namespace, shard, seg.meta.seq, true).catch(() => undefined);
      const old =
        config.retentionMs > 0 &&
        meta?.status === 'SEGMENT_SEALED' &&
        meta.endTimestampMs < now - config.retentionMs;
      const over = config.retentionBytes > 0 && bytes > config.retentionBytes;
      if (!old && !over) break;
      doomed.push(seg);
      bytes -= seg.file.size;
    }
    if (doomed.length === 0) continue;
    await advanceRetentionMark(placement.kv, namespace, shard, doomed[doomed.length - 1]!.meta.seq + 1);
    for (const seg of doomed) await node.dropLocal(seg);
    removed += doomed.length;
    logger.info(
      { namespace, shard, segments: doomed.map((s) => s.meta.seq) },
      'retention removed sealed segments',
    );
  }
  return removed;
}
