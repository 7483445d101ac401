// Proof for pipelined (ordered) appends, against real processes (1 placement center + 3 journal servers): a writer
// keeps several ordered append() calls in flight — the broker's shared message log does — while the segment's
// leader is SIGKILLed. Afterwards its records are in the shard exactly once each, in call order, and every offset an
// append returned holds the record it was given; a second, ordinary writer appends in between all along.
import type { PlacementClient } from '@robustmq/placement-client';
import { JournalStorageAdapter } from '@robustmq/storage-adapter';
import { beforeAll, expect, it } from 'vitest';
import { useProcessCluster } from '@robustmq/testing';

const cluster = useProcessCluster(3);
let placement: PlacementClient;

beforeAll(() => {
  placement = cluster.client();
});

it('keeps ordered appends in order, once each, when the segment leader is SIGKILLed with several in flight', async () => {
  const adapter = (requestTimeoutMs: number) =>
    new JournalStorageAdapter({
      placementAddresses: [cluster.placementAddress],
      namespace: 'ordkill',
      replicaCount: 3,
      acks: 'quorum',
      requestTimeoutMs,
    });
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
    // the ordinary writer, one record at a time until the ordered one is done
    let others = 0;
    let done = false;
    const ordinary = (async () => {
      while (!done) {
        await other.append('log', [{ payload: Buffer.from(`o:${others}`) }]);
        others++;
      }
    })();
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
    console.log(
      `ordered appends through a leader SIGKILL: ${total} records in ${total / perCall} calls, ${inFlight} in flight; ` +
        `stored ${mine.length} (duplicates ${duplicates}), other writer ${others}; re-sent calls ` +
        `${writer.orderedStats.resent}, found already stored ${writer.orderedStats.foundStored}`,
    );
    // in call order, each once, nothing lost
    expect(mine).toEqual(Array.from({ length: total }, (_, i) => `w:${i}`));
    for (const [offset, text] of acked) expect(records[offset]).toBe(text);
    // (the ordinary writer's calls are at least once: a retry after a lost answer may store one twice)
    expect(new Set(records.filter((t) => t.startsWith('o:'))).size).toBe(others);
  } finally {
    await Promise.all([writer.close(), other.close(), reader.close()]);
  }
}, 120_000);
