// Fetch: the stored record batches of each asked-for partition, returned as the producers wrote them (base offsets
// written in at append, no record decoded or encoded here), within the request's max_bytes and each partition's
// partition_max_bytes (at least one batch, KIP-74). A fetch from an offset inside a batch gets the whole batch, as
// from Kafka: clients skip the records before the offset they asked for. When the first pass
// finds fewer than min_bytes, the broker waits up to max_wait_ms (capped by `[kafka] max_fetch_wait_ms`) on the
// journal's long poll of every partition that had nothing, and answers as soon as one of them gets records.
// Fetch sessions (KIP-227) are not kept: every request is a full fetch (session id 0), which clients accept.
import {
  ApiKey,
  ErrorCode,
  type FetchPartitionResponseData,
  type FetchRequestData,
} from '@robustmq/protocol/kafka';
import { kafkaCodeOf } from '../topics/partition-store.js';
import { topicAllowed } from './authorize.js';
import { apiHandler, type BrokerContext } from './context.js';

const EMPTY = Buffer.alloc(0);

interface Wanted {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
  result: FetchPartitionResponseData | undefined;
}

function answer(
  w: Wanted,
  errorCode: number,
  read?: { highWatermark: number; logStartOffset: number },
  records: Buffer | null = null,
): FetchPartitionResponseData {
  return {
    partitionIndex: w.partition,
    errorCode,
    highWatermark: read?.highWatermark ?? -1,
    lastStableOffset: read?.highWatermark ?? -1,
    logStartOffset: read?.logStartOffset ?? -1,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records,
  };
}

async function readOne(
  ctx: BrokerContext,
  w: Wanted,
  budget: number,
  waitMs: number,
): Promise<{ result: FetchPartitionResponseData; bytes: number; count: number }> {
  try {
    const read = await ctx.partitions.read(
      w.topic,
      w.partition,
      w.offset,
      Math.max(1, Math.min(w.maxBytes, budget)),
      waitMs,
    );
    if (read.batches.length === 0)
      return { result: answer(w, ErrorCode.NONE, read, EMPTY), bytes: 0, count: 0 };
    const records = read.batches.length === 1 ? read.batches[0]! : Buffer.concat(read.batches, read.bytes);
    return { result: answer(w, ErrorCode.NONE, read, records), bytes: read.bytes, count: read.records };
  } catch (err) {
    const code = kafkaCodeOf(err);
    if (code === ErrorCode.UNKNOWN_SERVER_ERROR || code === ErrorCode.KAFKA_STORAGE_ERROR)
      ctx.logger.warn({ err, topic: w.topic, partition: w.partition }, 'kafka fetch failed');
    return { result: answer(w, code), bytes: 0, count: 0 };
  }
}

// v4 is the first that carries record batches v2
export const fetch = apiHandler<FetchRequestData>(
  ApiKey.Fetch,
  { minVersion: 4 },
  async (ctx, conn, request) => {
    const wanted: Wanted[] = request.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.topic,
        partition: p.partition,
        offset: p.fetchOffset,
        maxBytes: p.partitionMaxBytes,
        result: undefined,
      })),
    );
    // reading a topic is SUBSCRIBE on it (server/authorizer.ts)
    for (const w of wanted)
      if (!topicAllowed(ctx, conn, 'subscribe', w.topic))
        w.result = answer(w, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    let budget = request.maxBytes > 0 ? request.maxBytes : 0x7fffffff;
    let total = 0;
    let records = 0;
    const take = (w: Wanted, r: { result: FetchPartitionResponseData; bytes: number; count: number }) => {
      w.result = r.result;
      budget -= r.bytes;
      total += r.bytes;
      records += r.count;
    };
    // first pass: whatever is there now, partitions in request order (KIP-74: the budget goes to the first ones)
    for (const w of wanted) {
      if (w.result) continue;
      if (budget <= 0 && total > 0) {
        // out of budget: no records this time, but the true watermark (a consumer must not think it caught up)
        try {
          const { start, next } = await ctx.partitions.offsets(w.topic, w.partition);
          w.result = answer(w, ErrorCode.NONE, { highWatermark: next, logStartOffset: start }, EMPTY);
        } catch (err) {
          w.result = answer(w, kafkaCodeOf(err));
        }
        continue;
      }
      take(w, await readOne(ctx, w, budget, 0));
    }
    const waitMs = Math.min(Math.max(0, request.maxWaitMs), ctx.config.kafka.max_fetch_wait_ms);
    const empty = wanted.filter((w) => w.result!.errorCode === ErrorCode.NONE && !w.result!.records?.length);
    if (total < Math.max(1, request.minBytes) && waitMs > 0 && empty.length > 0) {
      // long poll: the first partition that gets records answers the request (the others' polls end on their own)
      const polls = empty.map((w) => readOne(ctx, w, budget, waitMs).then((r) => ({ w, r })));
      const first = await Promise.race(polls);
      if (first.r.count > 0 || first.r.result.errorCode !== ErrorCode.NONE) take(first.w, first.r);
      else {
        // timed out (all polls share the deadline): collect what the others found meanwhile
        for (const { w, r } of await Promise.all(polls)) if (r.count > 0 && budget > 0) take(w, r);
      }
    }
    ctx.stats.fetchedRecords += records;
    ctx.stats.fetchedBytes += total;
    const byTopic = new Map<string, FetchPartitionResponseData[]>();
    for (const w of wanted) {
      let list = byTopic.get(w.topic);
      if (!list) byTopic.set(w.topic, (list = []));
      // an empty partition answers an empty record set, not null: Kafka does, and kafka-python cannot read a null one
      list.push(w.result!.records === null ? { ...w.result!, records: Buffer.alloc(0) } : w.result!);
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      sessionId: 0,
      responses: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    };
  },
);
