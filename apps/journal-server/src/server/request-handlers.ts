// One function per data-port request type: reads the header fields it needs (a missing or mistyped field is
// BAD_REQUEST naming it), does the work through the JournalNode, and returns the answer header and record data.
import { stageTimings } from '@robustmq/common';
import {
  JOURNAL_MESSAGE,
  JournalError,
  batchParts,
  readProducerStampAt,
  str,
  uint,
  type Header,
} from '@robustmq/protocol/journal';
import type { JournalNode } from '../replication/journal-node.js';
import { checkBatch } from '../storage/framed-batch.js';
import type { JournalMetrics } from './journal-metrics.js';

export interface Answer {
  header: Header;
  data?: Buffer[];
}

export type Handler = (
  node: JournalNode,
  header: Header,
  data: Buffer,
  metrics: JournalMetrics,
) => Promise<Answer>;

const MAX_WAIT_MS = 60_000;

/** namespace and shard are path segments on disk and in RocksDB keys: no '/', no whitespace, no control characters. */
function name(header: Header, field: string): string {
  const v = str(header, field);
  // eslint-disable-next-line no-control-regex
  if (/[/\s\u0000-\u001f\u007f]/.test(v) || Buffer.byteLength(v) > 256) {
    throw new JournalError(
      'BAD_REQUEST',
      `${field} must be 1-256 bytes without '/', whitespace or control characters`,
    );
  }
  return v;
}

function target(h: Header): { namespace: string; shard: string; segment: number } {
  return { namespace: name(h, 'namespace'), shard: name(h, 'shard'), segment: uint(h, 'segment') };
}

const append: Handler = async (node, h, data, metrics) => {
  const t = target(h);
  const epoch = uint(h, 'epoch', 0);
  const maxSegmentRecords = uint(h, 'maxSegmentRecords', 0);
  const expectedOffset = h['expectedOffset'] === undefined ? -1 : uint(h, 'expectedOffset');
  // a pipelined writer's ordered chain (SegmentLeader.append): written only right behind its predecessor
  const chain =
    h['chain'] === undefined
      ? undefined
      : {
          id: str(h, 'chain'),
          seq: uint(h, 'seq'),
          after: h['after'] === undefined ? -1 : uint(h, 'after'),
        };
  // a writer that reads the shard back asks its reads to skip its own records (Read's skipWriter)
  const writer = h['writer'] === undefined ? undefined : str(h, 'writer');
  // the batch is written to the segment file as it came, so every record is checked here first
  const count = checkBatch(data, 'the Append');
  if (count === 0) throw new JournalError('BAD_REQUEST', 'an Append must carry at least one record');
  // an idempotent producer's request (producer-stamp.ts): its first record says who sent it and which request it is
  const stamp = readProducerStampAt(data, 4, 4 + data.readUInt32BE(0));
  if (stamp === 'bad')
    throw new JournalError('BAD_REQUEST', 'the first record carries a producer stamp that does not parse');
  if (stamp && stamp.count !== count) {
    throw new JournalError(
      'BAD_REQUEST',
      `the producer stamp counts ${stamp.count} records, the Append carries ${count}`,
    );
  }
  // (a chained request may be stamped: its re-send after a lost answer, outside the chain, keeps the stamp)
  if (stamp && expectedOffset >= 0)
    throw new JournalError('BAD_REQUEST', 'a stamped Append takes no expectedOffset');
  let leader;
  try {
    leader = await node.leaderFor(t.namespace, t.shard, t.segment);
  } catch (err) {
    // a retry of a request that a segment sealed since then holds: any replica of it answers with its offsets
    const local =
      stamp && err instanceof JournalError && err.code === 'SEGMENT_SEALED'
        ? node.store.get(t.namespace, t.shard, t.segment)
        : undefined;
    const sealedEnd = local?.meta.sealedEnd ?? null;
    const written =
      stamp && sealedEnd !== null && local!.durableEnd >= sealedEnd ? local!.duplicateOf(stamp) : undefined;
    if (written) {
      return {
        header: { baseOffset: written.base, count: written.count, idempotent: true, duplicate: true },
      };
    }
    throw err;
  }
  if (epoch !== 0 && epoch !== leader.epoch) {
    throw new JournalError(
      'NOT_LEADER',
      `segment ${leader.id} is at epoch ${leader.epoch}, the request was for epoch ${epoch}; refresh from placement`,
      { leader: node.settings.nodeId, epoch: leader.epoch },
    );
  }
  const stopTimer = metrics.appendSeconds.startTimer();
  const receivedAt = stageTimings ? performance.now() : 0;
  const result = await leader.append(data, count, maxSegmentRecords, expectedOffset, chain, writer, stamp);
  stageTimings?.record('journal.append', performance.now() - receivedAt);
  stopTimer();
  if (result.duplicate) {
    metrics.duplicateAppends.inc();
    return { header: { ...result, idempotent: true } };
  }
  metrics.appendedRecords.inc(result.count);
  // `stampedChains`: a chained request may carry a producer stamp here (a writer stamps its chains once told)
  if (chain) return { header: { ...result, ...(stamp ? { idempotent: true } : {}), stampedChains: true } };
  return { header: stamp ? { ...result, idempotent: true } : (result as unknown as Header) };
};

const read: Handler = async (node, h, _data, metrics) => {
  const t = target(h);
  const requested = uint(h, 'offset');
  const maxRecords = Math.max(1, uint(h, 'maxRecords', 100));
  const maxBytes = Math.max(1, uint(h, 'maxBytes', 1024 * 1024));
  const waitMs = Math.min(uint(h, 'waitMs', 0), MAX_WAIT_MS);
  // the reader's own appends (Append's writer) are skipped: the answer starts at `from`
  const skipWriter = h['skipWriter'] === undefined ? undefined : str(h, 'skipWriter');
  let r = await node.readable(t.namespace, t.shard, t.segment);
  const start = r.seg.meta.startOffset;
  if (requested < start || requested > r.limit) {
    throw new JournalError(
      'OFFSET_OUT_OF_RANGE',
      `offset ${requested} is outside segment ${r.seg.id}'s readable range [${start}, ${r.limit}]`,
      { startOffset: start, endOffset: r.limit },
    );
  }
  let offset = requested;
  if (skipWriter !== undefined && r.leader) offset = Math.min(r.leader.skipOwn(offset, skipWriter), r.limit);
  let waited = false;
  let wokeAt = -1;
  if (offset === r.limit && !r.sealed && waitMs > 0 && r.leader) {
    offset = await r.leader.waitFor(offset, waitMs, skipWriter);
    waited = true;
    if (stageTimings) wokeAt = performance.now();
    r = await node.readable(t.namespace, t.shard, t.segment);
  }
  // a long poll woken by a commit (the shared log's readers, every record): what was just committed is still in the
  // leader's memory, so it reads no file; other reads go to the file (and see its CRCs)
  const fromTail =
    waited && offset < r.limit ? r.leader?.readTail(offset, r.limit, maxRecords, maxBytes) : undefined;
  const { parts, count } =
    fromTail ??
    (offset < r.limit
      ? await r.seg.readFramed(offset, r.limit, maxRecords, maxBytes)
      : { parts: [], count: 0 });
  // a long poll woken by a commit: how long until its answer is ready (the records read back from the file)
  if (stageTimings && wokeAt >= 0 && count > 0)
    stageTimings.record('journal.read.woken_to_answer', performance.now() - wokeAt, count);
  metrics.readRecords.inc(count);
  // file bytes are already the wire's batch layout: the answer carries them as read
  const header: Header = { highWatermark: r.limit, sealed: r.sealed, startOffset: start };
  if (skipWriter !== undefined) header['from'] = offset;
  return { header, data: parts };
};

function byTerm(kind: 'key' | 'tag'): Handler {
  return async (node, h) => {
    const t = target(h);
    const term = str(h, kind);
    const fromOffset = uint(h, 'fromOffset', 0);
    const maxRecords = Math.max(1, uint(h, 'maxRecords', 100));
    const r = await node.readable(t.namespace, t.shard, t.segment);
    const positions = await r.seg.lookupTerm(kind, term, fromOffset, r.limit, maxRecords);
    const records: Buffer[] = [];
    for (const p of positions) records.push(await r.seg.readAt(p));
    return { header: { highWatermark: r.limit, sealed: r.sealed }, data: batchParts(records) };
  };
}

const offsetForTimestamp: Handler = async (node, h) => {
  const t = target(h);
  const timestamp = uint(h, 'timestamp');
  const r = await node.readable(t.namespace, t.shard, t.segment);
  const offset = await r.seg.offsetForTimestamp(timestamp, r.limit);
  return { header: { offset: offset ?? null, highWatermark: r.limit, sealed: r.sealed } };
};

const replicate: Handler = async (node, h, data, metrics) => {
  const receivedAt = stageTimings ? performance.now() : 0;
  const t = target(h);
  const sealedEnd = h['sealedEnd'] === null || h['sealedEnd'] === undefined ? null : uint(h, 'sealedEnd');
  const reply = await node.replicate(
    {
      ...t,
      epoch: uint(h, 'epoch'),
      leader: uint(h, 'leader', 0),
      startOffset: uint(h, 'startOffset'),
      baseOffset: uint(h, 'baseOffset'),
      highWatermark: uint(h, 'highWatermark', 0),
      sealedEnd,
    },
    data,
  );
  metrics.replicatedBatches.inc();
  stageTimings?.record('journal.follower.replicate', performance.now() - receivedAt);
  return { header: reply };
};

const fence: Handler = async (node, h) => ({
  header: await node.fence({ ...target(h), epoch: uint(h, 'epoch'), startOffset: uint(h, 'startOffset', 0) }),
});

const truncate: Handler = async (node, h) => ({
  header: await node.truncate({ ...target(h), epoch: uint(h, 'epoch'), offset: uint(h, 'offset') }),
});

const segmentState: Handler = async (node, h) => {
  const t = target(h);
  let role = 'replica';
  let highWatermark: number | null = null;
  let sealed = false;
  try {
    const r = await node.readable(t.namespace, t.shard, t.segment);
    role = r.leader ? 'leader' : 'replica';
    highWatermark = r.limit;
    sealed = r.sealed;
  } catch (err) {
    if (!(err instanceof JournalError) || err.code !== 'NOT_LEADER') throw err;
  }
  const seg = node.store.get(t.namespace, t.shard, t.segment);
  const leader = seg && node.leaders.get(seg.key);
  return {
    header: {
      role: seg ? role : 'none',
      epoch: leader?.epoch ?? seg?.meta.epoch ?? 0,
      startOffset: seg?.meta.startOffset ?? null,
      endOffset: seg?.durableEnd ?? null,
      highWatermark,
      sealed,
      maxTimestamp: seg?.maxTimestamp ?? -1,
    },
  };
};

const deleteSegment: Handler = async (node, h) => {
  const t = target(h);
  const seg = node.store.get(t.namespace, t.shard, t.segment);
  if (seg) await node.dropLocal(seg);
  return { header: { deleted: Boolean(seg) } };
};

const replicaFetch: Handler = async (node, h) => {
  const t = target(h);
  const offset = uint(h, 'offset');
  const maxBytes = Math.max(1, uint(h, 'maxBytes', 1024 * 1024));
  const seg = node.requireLocal(t.namespace, t.shard, t.segment);
  if (offset < seg.meta.startOffset || offset > seg.durableEnd) {
    throw new JournalError(
      'OFFSET_OUT_OF_RANGE',
      `offset ${offset} is outside segment ${seg.id}'s stored range [${seg.meta.startOffset}, ${seg.durableEnd}]`,
    );
  }
  const { parts } = await seg.readFramed(offset, seg.durableEnd, Number.MAX_SAFE_INTEGER, maxBytes, true);
  return { header: { endOffset: seg.durableEnd }, data: parts };
};

const epochEndOffset: Handler = async (node, h) => ({
  header: node.epochEndOffset({ ...target(h), epoch: uint(h, 'epoch') }),
});

export const HANDLERS = new Map<number, Handler>([
  [JOURNAL_MESSAGE.Append, append],
  [JOURNAL_MESSAGE.Read, read],
  [JOURNAL_MESSAGE.ReadByKey, byTerm('key')],
  [JOURNAL_MESSAGE.ReadByTag, byTerm('tag')],
  [JOURNAL_MESSAGE.OffsetForTimestamp, offsetForTimestamp],
  [JOURNAL_MESSAGE.Replicate, replicate],
  [JOURNAL_MESSAGE.Fence, fence],
  [JOURNAL_MESSAGE.Truncate, truncate],
  [JOURNAL_MESSAGE.SegmentState, segmentState],
  [JOURNAL_MESSAGE.DeleteSegment, deleteSegment],
  [JOURNAL_MESSAGE.ReplicaFetch, replicaFetch],
  [JOURNAL_MESSAGE.EpochEndOffset, epochEndOffset],
]);
