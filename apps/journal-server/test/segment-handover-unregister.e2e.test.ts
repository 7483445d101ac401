// Placement hands a cleanly stopping journal server's segments over, against real processes (1 placement center + 3
// journal servers, each `node dist/main.js`): appends run at acks=quorum, the segment leader gets SIGTERM, unregisters
// from placement on its way out, and placement moves the segment to the most caught-up live replica at once — no
// heartbeat timeout to wait out (an unregistered node never expires), and followers' own lease is set far beyond the
// test, so the move can only be placement's reaction to the unregister. The epoch goes up by exactly one, appends
// resume under the new leader, and every acknowledged record reads back.
import type { PlacementClient } from '@robustmq/common';
import { JournalStorageAdapter } from '@robustmq/storage-adapter';
import { beforeAll, expect, it } from 'vitest';
import { useProcessCluster, type ProcessNode } from '@robustmq/testing';
import { readAll, startProducers, type Producers } from './support/producers.js';

const EXPIRY_MS = 2_000; // the placement heartbeat timeout ProcessCluster configures
const cluster = useProcessCluster(3, { leaderLeaseMs: 600_000 });
let placement: PlacementClient;

/** SIGTERM: the server closes cleanly, unregistering from placement first. */
function terminate(node: ProcessNode): Promise<void> {
  return cluster.kill(node, 'SIGTERM');
}

beforeAll(() => {
  placement = cluster.client();
});

it('moves a cleanly unregistered leader’s segment to a live replica before any expiry and loses no acknowledged record', async () => {
  const adapter = new JournalStorageAdapter({ placementAddresses: [cluster.placementAddress], namespace: 'unregister', replicaCount: 3, acks: 'quorum', requestTimeoutMs: 30_000 });
  let producers: Producers | undefined;
  try {
    await adapter.createShard('orders');
    const { name } = await adapter.placementShard('orders');
    producers = startProducers(adapter, 'orders');
    const { acked } = producers;

    await expect.poll(() => acked.size, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(5_000);
    const [before] = (await placement.listSegments('unregister', name)).filter((s) => s.status === 'SEGMENT_WRITE');
    const stoppedAt = Date.now();
    await terminate(cluster.journal(before!.leader));
    const ackedAtStop = acked.size;
    // it left through Unregister, not by expiring
    expect((await placement.listNodes('JOURNAL_SERVER')).map((n) => n.nodeId)).not.toContain(before!.leader);

    const after = await expect
      .poll(async () => (await placement.listSegments('unregister', name)).find((s) => s.seq === before!.seq && s.leader !== before!.leader), { timeout: 15_000, interval: 25 })
      .toBeDefined()
      .then(async () => (await placement.listSegments('unregister', name)).find((s) => s.seq === before!.seq)!);
    const elapsed = Date.now() - stoppedAt;
    expect(elapsed, `new leader after ${elapsed} ms`).toBeLessThan(EXPIRY_MS);
    expect(after.epoch).toBe(before!.epoch + 1);
    expect(before!.replicas).toContain(after.leader);
    expect(after.status).toBe('SEGMENT_WRITE');

    // appends resume under the new leader
    await expect.poll(() => acked.size, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(ackedAtStop + 2_000);
    await producers.stop();
    // handed over once: no second move after the dust settled
    expect((await placement.listSegments('unregister', name)).find((s) => s.seq === before!.seq)!.epoch).toBe(before!.epoch + 1);

    const all = await readAll(adapter, 'orders');
    for (const [offset, text] of acked) expect(all[offset], `acknowledged offset ${offset}`).toBe(text);
    expect(producers.failures, 'appends that failed while the leader moved').toBeLessThan(100);
  } finally {
    await producers?.stop(5_000);
    await adapter.close();
  }
}, 120_000);
