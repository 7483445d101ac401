// Idempotent appends (producer id + sequence, @robustmq/protocol/journal producer-stamp.ts) against real in-process
// servers (placement center + 3 journal servers, 3 replicas, acks=quorum), spoken to over the data port the way the
// journal StorageAdapter does: a request repeated after its answer was lost is answered with the first attempt's
// offsets and stored once — by the same leader, by a new leader after the old one is stopped (it rebuilt the
// producers' requests from the log it replicated), and by a segment sealed since; a late copy of a request below the
// producer's floor is refused with OUT_OF_ORDER_SEQUENCE and not written — also when the first attempt, its repeat
// and the late copy meet in one group commit.
import {
  JOURNAL_MESSAGE,
  encodeRecordBatch,
  formatProducerStamp,
  isJournalError,
  type JournalReply,
} from '@robustmq/protocol/journal';
import { beforeAll, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { InProcessCluster } from './support/in-process-cluster.js';

const cluster = testScope().add(new InProcessCluster());

beforeAll(() => cluster.start(3), 60_000);

const ns = 'idem';
const shard = 's';
const producerId = 77;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function request(sequence: number, floor: number, texts: string[], producer = producerId): Buffer[] {
  const records = texts.map((t, i) => ({
    timestamp: Date.now(),
    tags: [],
    headers:
      i === 0 ? [formatProducerStamp({ producerId: producer, sequence, floor, count: texts.length })] : [],
    payload: Buffer.from(t),
  }));
  return [encodeRecordBatch(records).data];
}

/** sends to the segment's current leader (from placement), riding out a leader change. */
async function send(segment: number, data: Buffer[], shardName = shard): Promise<JournalReply> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const seg = (await cluster.client.journal.listSegments(ns, shardName)).find((s) => s.seq === segment)!;
    try {
      return await cluster.data.request(
        seg.leader,
        JOURNAL_MESSAGE.Append,
        { namespace: ns, shard: shardName, segment, epoch: 0, maxSegmentRecords: 6 },
        data,
        3_000,
      );
    } catch (err) {
      const moving =
        !isJournalError(err) || // (the stopped leader is still named, but no longer registered)
        isJournalError(err, 'NOT_LEADER') ||
        isJournalError(err, 'UNAVAILABLE') ||
        isJournalError(err, 'CLOSED') ||
        isJournalError(err, 'NOT_ENOUGH_REPLICAS');
      if (!moving || Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

const answer = (r: JournalReply) => ({
  baseOffset: r.header['baseOffset'],
  count: r.header['count'],
  duplicate: r.header['duplicate'] === true,
});

it('answers a repeated request with its first offsets, across a leader change and a seal, and refuses a late copy below the floor', async () => {
  await cluster.client.journal.createShard(ns, shard, { replicaCount: 3, acks: 'ACKS_QUORUM' });
  const first = request(0, 0, ['a', 'b']);
  expect(answer(await send(0, first))).toEqual({ baseOffset: 0, count: 2, duplicate: false });
  // the answer was "lost": the same request again
  const again = await send(0, first);
  expect(answer(again)).toEqual({ baseOffset: 0, count: 2, duplicate: true });
  expect(again.header['idempotent']).toBe(true);
  // the next request says every request below 1 was answered
  expect(answer(await send(0, request(1, 1, ['c'])))).toEqual({ baseOffset: 2, count: 1, duplicate: false });
  const late = await send(0, first).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isJournalError(late, 'OUT_OF_ORDER_SEQUENCE'), String(late)).toBe(true);
  // a request the producer gave up on (never written) arriving late is refused as well
  const never = await send(0, request(0, 0, ['never'])).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isJournalError(never, 'OUT_OF_ORDER_SEQUENCE')).toBe(true);

  // the leader goes away; a new one (a follower that replicated the log) answers the repeat from the log
  const oldLeader = (await cluster.client.journal.listSegments(ns, shard))[0]!.leader;
  await cluster.stopJournal(cluster.journal(oldLeader));
  try {
    const repeat = await send(0, request(1, 1, ['c']));
    expect(answer(repeat)).toEqual({ baseOffset: 2, count: 1, duplicate: true });
    expect((await cluster.client.journal.listSegments(ns, shard))[0]!.leader).not.toBe(oldLeader);
    expect(answer(await send(0, request(2, 2, ['d'])))).toEqual({
      baseOffset: 3,
      count: 1,
      duplicate: false,
    });
  } finally {
    // (back before the seal below: the next segment needs 3 registered servers for its replicas)
    await cluster.startJournal(cluster.journal(oldLeader));
  }
  // 3 records where the segment's 6-record limit leaves room for 2: the segment takes 2 and seals
  const cut = request(3, 3, ['e', 'f', 'g']);
  expect(answer(await send(0, cut))).toEqual({ baseOffset: 4, count: 2, duplicate: false });
  // a retry of it to the sealed segment: answered there, as the first attempt was
  expect(answer(await send(0, cut))).toEqual({ baseOffset: 4, count: 2, duplicate: true });
  // every record once, on every replica (the restarted old leader too, once it has caught up)
  for (const j of cluster.journals) {
    let payloads: string[] = [];
    for (let i = 0; i < 100; i++) {
      payloads = await cluster.data
        .read(j.id, ns, shard, 0, 0)
        .then((r) => r.records.map((x) => x.payload))
        .catch(() => []);
      if (payloads.length >= 6) break;
      await sleep(100);
    }
    expect(payloads, `segment 0 on node ${j.id}`).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  }
  // the restarted server rebuilt the producer's requests from its RocksDB state and log: a repeat is answered by it
  const local = cluster.journal(oldLeader);
  const reply = await cluster.data.request(
    local.id,
    JOURNAL_MESSAGE.Append,
    { namespace: ns, shard, segment: 0, epoch: 0 },
    request(3, 3, ['e', 'f', 'g']),
  );
  expect(answer(reply)).toEqual({ baseOffset: 4, count: 2, duplicate: true });
}, 90_000);

it('takes a stamped chained request, answers its re-send outside the chain with the first offsets, and says so', async () => {
  const chained = 'chained';
  await cluster.client.journal.createShard(ns, chained, { replicaCount: 3, acks: 'ACKS_QUORUM' });
  const leader = (await cluster.client.journal.listSegments(ns, chained))[0]!.leader;
  const target = { namespace: ns, shard: chained, segment: 0, epoch: 0 };
  const head = request(10, 10, ['p', 'q']);
  const first = await cluster.data.request(
    leader,
    JOURNAL_MESSAGE.Append,
    { ...target, chain: 'c1', seq: 1 },
    head,
  );
  expect(answer(first)).toEqual({ baseOffset: 0, count: 2, duplicate: false });
  // the writer learns from this that it may stamp its chains
  expect(first.header['stampedChains']).toBe(true);
  expect(first.header['idempotent']).toBe(true);
  const next = await cluster.data.request(
    leader,
    JOURNAL_MESSAGE.Append,
    { ...target, chain: 'c1', seq: 2, after: 1 },
    request(11, 10, ['r']),
  );
  expect(answer(next)).toEqual({ baseOffset: 2, count: 1, duplicate: false });
  // the answer to seq 2 was "lost": the writer re-sends it on its own, with the same stamp
  const again = await cluster.data.request(leader, JOURNAL_MESSAGE.Append, target, request(11, 10, ['r']));
  expect(answer(again)).toEqual({ baseOffset: 2, count: 1, duplicate: true });
  // a chained request refused as out of order is not taken: its re-send with the same stamp is written
  const gap = await cluster.data
    .request(
      leader,
      JOURNAL_MESSAGE.Append,
      { ...target, chain: 'c1', seq: 4, after: 3 },
      request(12, 12, ['s']),
    )
    .then(
      () => undefined,
      (err: unknown) => err,
    );
  expect(isJournalError(gap, 'OUT_OF_ORDER'), String(gap)).toBe(true);
  expect(
    answer(await cluster.data.request(leader, JOURNAL_MESSAGE.Append, target, request(12, 12, ['s']))),
  ).toEqual({
    baseOffset: 3,
    count: 1,
    duplicate: false,
  });
  const payloads = (await cluster.data.read(leader, ns, chained, 0, 0)).records.map((r) => r.payload);
  expect(payloads).toEqual(['p', 'q', 'r', 's']);
}, 60_000);

it('in one group commit: a repeat of a request queued behind it is answered with its offsets, a late copy below a floor raised in the group is refused', async () => {
  const name = 'group';
  await cluster.client.journal.createShard(ns, name, { replicaCount: 3, acks: 'ACKS_QUORUM' });
  const p = 78;
  expect(answer(await send(0, request(0, 0, ['x'], p), name))).toEqual({
    baseOffset: 0,
    count: 1,
    duplicate: false,
  });
  const leaderId = (await cluster.client.journal.listSegments(ns, name))[0]!.leader;
  const node = cluster.journal(leaderId).server.node;
  const seg = node.store.get(ns, name, 0)!;
  const leader = node.leaders.get(seg.key)!;
  // hold the segment's lock, so what arrives meanwhile is taken into one group once it is let go
  let release!: () => void;
  const held = seg.exclusive(() => new Promise<void>((resolve) => (release = resolve)));
  // each request is in the leader's queue before the next is sent: the group takes them in this order
  const queued = () => (leader as unknown as { queue: unknown[] }).queue.length;
  // (the reply in an object: an async function would wait for a returned promise itself)
  const enqueue = async (data: Buffer[]): Promise<{ reply: Promise<JournalReply> }> => {
    const before = queued();
    const reply = send(0, data, name);
    reply.catch(() => {}); // (looked at below)
    for (let i = 0; i < 400 && queued() === before; i++) await sleep(5);
    expect(queued(), 'the request reached the leader').toBe(before + 1);
    return { reply };
  };
  const first = (await enqueue(request(1, 1, ['a', 'b'], p))).reply;
  const repeat = (await enqueue(request(1, 1, ['a', 'b'], p))).reply;
  const next = (await enqueue(request(2, 2, ['c'], p))).reply; // says every request below 2 was answered
  const late = (await enqueue(request(1, 1, ['a', 'b'], p))).reply.then(
    () => undefined,
    (err: unknown) => err,
  );
  release();
  await held;
  expect(answer(await first)).toEqual({ baseOffset: 1, count: 2, duplicate: false });
  expect(answer(await repeat)).toEqual({ baseOffset: 1, count: 2, duplicate: true });
  expect(answer(await next)).toEqual({ baseOffset: 3, count: 1, duplicate: false });
  expect(isJournalError(await late, 'OUT_OF_ORDER_SEQUENCE'), String(await late)).toBe(true);
  const stored = await cluster.data.read(leaderId, ns, name, 0, 0);
  expect(stored.records.map((r) => r.payload)).toEqual(['x', 'a', 'b', 'c']);
}, 60_000);
