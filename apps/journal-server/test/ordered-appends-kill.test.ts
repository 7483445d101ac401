// Proof for pipelined (ordered) appends, against real processes (1 placement center + 3 journal servers): a writer
// keeps several ordered append() calls in flight — the broker's shared message log does — while the segment's
// leader is SIGKILLed. Afterwards its records are in the shard exactly once each, in call order, and every offset an
// append returned holds the record it was given. A second, ordinary (unordered) writer appends in between all along,
// several calls in flight: each of its records acknowledged to it is stored exactly once too — its requests carry a
// producer id and sequence, and the leader (the new one too, from the log it replicated) answers a retried request
// it holds with the first attempt's offsets instead of writing it again (a retry looks in the log only when the
// segment it first went to has been sealed since and none of its replicas can say).
import type { PlacementClient } from '@robustmq/placement-client';
import { journalAdapter } from '@robustmq/testing/journal';
import { beforeAll, expect, it } from 'vitest';
import { useProcessCluster } from '@robustmq/testing';

const cluster = useProcessCluster(3);
let placement: PlacementClient;

beforeAll(() => {
  placement = cluster.client();
});

it('keeps ordered appends in order, once each, when the segment leader is SIGKILLed with several in flight', async () => {
  const adapter = (requestTimeoutMs: number) =>
    journalAdapter([cluster.placementAddress], 'ordkill', { requestTimeoutMs });
  const writer = adapter(60_000);
  const other = adapter(60_000);
  const reader = adapter(60_000);
  try {
    await writer.createShard('log', { maxRecordsPerSegment: 1_000_000 });
    const { name } = await writer.placementShard('log');
    const total = 12_000;
    const perCall = 20;
    const inFlight = 8;
    let issued = 0;
    const acked = new Map<number, string>();
    let killAt: (() => void) | undefined;
    const killed = new Promise<void>((r) => (killAt = r));
    // the ordered writer: calls go out without waiting for earlier ones, up to `inFlight` at once
    const calls = new Set<Promise<void>>();
    const ordered = (async () => {
      while (issued < total) {
        while (calls.size >= inFlight) await Promise.race(calls);
        const from = issued;
        issued += perCall;
        const texts = Array.from({ length: perCall }, (_, i) => `w:${from + i}`);
        const call = writer
          .append(
            'log',
            texts.map((t) => ({ payload: Buffer.from(t) })),
            { ordered: true },
          )
          .then((offsets) => {
            offsets.forEach((o, i) => acked.set(o, texts[i]!));
            if (acked.size >= 3_000 && killAt) {
              killAt();
              killAt = undefined;
            }
          });
        const tracked = call.finally(() => calls.delete(tracked));
        calls.add(tracked);
      }
      await Promise.all(calls);
    })();
    // the ordinary writer: 4 calls of 5 records in flight until the ordered one is done
    let others = 0;
    let done = false;
    const otherAcked = new Set<string>();
    const otherFailed = new Set<string>();
    const ordinary = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (!done) {
          const texts = Array.from({ length: 5 }, () => `o:${others++}`);
          try {
            await other.append(
              'log',
              texts.map((t) => ({ payload: Buffer.from(t) })),
            );
            for (const t of texts) otherAcked.add(t);
          } catch {
            for (const t of texts) otherFailed.add(t); // not acknowledged: stored once or not at all
          }
        }
      }),
    );
    await killed;
    const [segment] = await placement.journal.listSegments('ordkill', name);
    const chainedBefore = writer.orderedStats.chained;
    await cluster.kill(cluster.journal(segment!.leader));
    await ordered;
    done = true;
    await ordinary;
    expect(acked.size).toBe(total);
    expect(writer.orderedStats.chained).toBeGreaterThan(chainedBefore);

    const records: string[] = [];
    for (;;) {
      const got = await reader.read('log', records.length, { maxRecords: 5_000, maxBytes: 4 << 20 });
      if (got.length === 0) break;
      records.push(...got.map((r) => r.payload.toString()));
    }
    const mine = records.filter((t) => t.startsWith('w:'));
    const duplicates = mine.length - new Set(mine).size;
    const theirs = records.filter((t) => t.startsWith('o:'));
    const stored = new Map<string, number>();
    for (const t of theirs) stored.set(t, (stored.get(t) ?? 0) + 1);
    const otherDuplicates = [...otherAcked].filter((t) => stored.get(t)! > 1).length;
    const otherLost = [...otherAcked].filter((t) => !stored.has(t)).length;
    console.log(
      `ordered appends through a leader SIGKILL: ${total} records in ${total / perCall} calls, ${inFlight} in flight; ` +
        `stored ${mine.length} (duplicates ${duplicates}); re-sent calls ${writer.orderedStats.resent}, found ` +
        `already stored ${writer.orderedStats.foundStored}. Ordinary writer: ${otherAcked.size} acknowledged, ` +
        `${otherFailed.size} failed, stored ${theirs.length}, acknowledged ones stored twice ${otherDuplicates}, ` +
        `lost ${otherLost}; looked up ${other.retryStats.lookedUp}, found stored ${other.retryStats.foundStored}; ` +
        `retries answered as repeats by the journal ${other.idempotenceStats.duplicates}`,
    );
    // in call order, each once, nothing lost
    expect(mine).toEqual(Array.from({ length: total }, (_, i) => `w:${i}`));
    for (const [offset, text] of acked) expect(records[offset]).toBe(text);
    // the ordinary writer's acknowledged records: each exactly once; a failed call's at most once
    expect(otherLost).toBe(0);
    expect(otherDuplicates).toBe(0);
    for (const t of otherFailed) expect(stored.get(t) ?? 0).toBeLessThanOrEqual(1);
  } finally {
    await Promise.all([writer.close(), other.close(), reader.close()]);
  }
}, 120_000);
