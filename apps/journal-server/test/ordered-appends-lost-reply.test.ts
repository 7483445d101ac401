// An ordered (chained) append whose answer is lost is stored once, with real processes (1 placement center + 3
// journal servers). The shard takes acks=all; one follower is frozen with SIGSTOP, so the leader writes the request
// but cannot commit it and the writer's request times out: its answer is lost. The writer re-sends it. Before, a
// chained request carried no producer stamp: the re-send first looked for its records in the log (they were not
// committed yet, so not found within the look's deadline) and then wrote them a second time, and both copies were
// committed once the follower was thawed. Now a chained request is stamped (producer id, sequence, floor) as an
// ordinary append is, and its re-send keeps the stamp: the leader answers it with the first attempt's offsets (or the
// call gives up, unacknowledged) — never a second copy. The test prints what it counted.
import { JournalStorageAdapter } from '@robustmq/storage-adapter';
import { afterAll, expect, it } from 'vitest';
import { sleep, useProcessCluster, type ProcessNode } from '@robustmq/testing';

const cluster = useProcessCluster(3);
let frozen: ProcessNode | undefined;

afterAll(() => {
  frozen?.child?.kill('SIGCONT');
});

it('a chained append whose answer was lost (a frozen acks=all replica) is stored once', async () => {
  const timeoutMs = 3_000;
  const writer = new JournalStorageAdapter({
    placementAddresses: [cluster.placementAddress],
    namespace: 'lostreply',
    replicaCount: 3,
    acks: 'all',
    requestTimeoutMs: timeoutMs,
  });
  const reader = new JournalStorageAdapter({
    placementAddresses: [cluster.placementAddress],
    namespace: 'lostreply',
    requestTimeoutMs: 30_000,
  });
  try {
    await writer.createShard('log');
    // an ordinary append (the writer's producer id), then an ordered one (the leader says it takes stamped chains)
    await writer.append('log', [{ payload: Buffer.from('w0') }]);
    await writer.append('log', [{ payload: Buffer.from('o0') }], { ordered: true });
    const { name } = await writer.placementShard('log');
    const placement = cluster.client();
    const segment = (await placement.journal.listSegments('lostreply', name))[0]!;
    frozen = cluster.journals.find((j) => j.id !== segment.leader && segment.replicas.includes(j.id))!;
    frozen.child!.kill('SIGSTOP');
    const stampedBefore = writer.orderedStats.stamped;
    const call = writer.append('log', [{ payload: Buffer.from('o1') }], { ordered: true }).then(
      (offsets) => ({ offsets }),
      (err: unknown) => ({ err }),
    );
    // the chained request times out; its re-send (or, before, the look in the log and then a second copy) goes out;
    // the follower is thawed after the look of the old code gave up and before its second copy timed out
    await sleep(timeoutMs * 2.5);
    frozen.child!.kill('SIGCONT');
    frozen = undefined;
    const outcome = await call;
    // the lane goes on, in order
    const [after] = await writer.append('log', [{ payload: Buffer.from('o2') }], { ordered: true });
    const records = await reader.read('log', 0, { maxRecords: 100 });
    const payloads = records.map((r) => r.payload.toString());
    const copies = payloads.filter((p) => p === 'o1').length;
    console.log(
      `chained append with a lost answer: ${JSON.stringify({
        outcome:
          'offsets' in outcome
            ? `acknowledged at ${outcome.offsets.join(',')}`
            : `not acknowledged (${String(outcome.err)})`,
        stored: payloads,
        copiesOfO1: copies,
        stampedChained: (writer.orderedStats.stamped ?? 0) - (stampedBefore ?? 0),
        resent: writer.orderedStats.resent,
        foundStored: writer.orderedStats.foundStored,
      })}`,
    );
    expect(copies).toBe(1);
    if ('offsets' in outcome)
      expect(payloads[records.findIndex((r) => r.offset === outcome.offsets[0])]).toBe('o1');
    expect(payloads.slice(0, 2)).toEqual(['w0', 'o0']);
    expect(payloads.at(-1)).toBe('o2');
    expect(records.at(-1)!.offset).toBe(after);
  } finally {
    await writer.close();
    await reader.close();
  }
}, 120_000);
