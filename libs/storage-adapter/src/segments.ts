// Segment arithmetic for adapters whose segments are fixed-size ranges of offsets (memory, rocksdb): segment i of a
// shard holds offsets [i·N, (i+1)·N). A full segment is sealed; retention removes whole sealed segments only.
import type { ResolvedShardOptions, SegmentInfo, ShardDescription, ShardInfo } from './storage-adapter.js';

/** A shard's ShardInfo (a copy of its options) from its offsets, in segments of maxRecordsPerSegment records. */
export function shardInfo(
  name: string,
  options: ResolvedShardOptions,
  startOffset: number,
  nextOffset: number,
): ShardInfo {
  const segmentCount = countSegments(startOffset, nextOffset, options.maxRecordsPerSegment);
  return { name, options: { ...options }, startOffset, nextOffset, segmentCount };
}

/** describeShard's answer: the ShardInfo with its chain of segments. */
export function shardDescription(info: ShardInfo): ShardDescription {
  const segments = segmentsOf(info.startOffset, info.nextOffset, info.options.maxRecordsPerSegment);
  return { ...info, segments };
}

/** listShards' order: by name. */
export function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function segmentsOf(startOffset: number, nextOffset: number, perSegment: number): SegmentInfo[] {
  const segments: SegmentInfo[] = [];
  if (nextOffset <= startOffset) return segments;
  const first = Math.floor(startOffset / perSegment);
  const last = Math.floor((nextOffset - 1) / perSegment);
  for (let index = first; index <= last; index++) {
    const end = Math.min((index + 1) * perSegment, nextOffset);
    segments.push({
      index,
      startOffset: Math.max(index * perSegment, startOffset),
      endOffset: end,
      status: end === (index + 1) * perSegment ? 'sealed' : 'active',
    });
  }
  return segments;
}

function countSegments(startOffset: number, nextOffset: number, perSegment: number): number {
  if (nextOffset <= startOffset) return 0;
  return Math.floor((nextOffset - 1) / perSegment) - Math.floor(startOffset / perSegment) + 1;
}

/**
 * the new start offset after retention: every sealed segment that lies wholly before `firstKept` (the first offset
 * whose record must be kept) goes; the segment holding `firstKept`, and any unsealed one, stays.
 */
export function retentionStart(
  startOffset: number,
  nextOffset: number,
  perSegment: number,
  firstKept: number,
): number {
  const sealedEnd = Math.floor(nextOffset / perSegment) * perSegment;
  const boundary = Math.floor(Math.min(firstKept, sealedEnd) / perSegment) * perSegment;
  return Math.max(startOffset, boundary);
}
