// Placement hands an expired journal server's segments over, against real processes (1 placement center + 3 journal
// servers, each `node dist/main.js`): appends run at acks=quorum, the segment leader is SIGKILLed, placement expires
// it (heartbeat timeout 2 s) and moves the segment to the most caught-up live replica — within the timeout + ~1 s,
// with the epoch bumped once — and tells that replica to lead. Followers' own lease is set far beyond the test, so
// the move can only be placement's. Appends resume under the new leader; every acknowledged record reads back.
import type { PlacementClient } from '@robustmq/common';
import { JournalStorageAdapter } from '@robustmq/storage-adapter';
import { beforeAll, expect, it } from 'vitest';
import { useProcessCluster } from '@robustmq/testing';
import { readAll, startProducers, type Producers } from './support/producers.js';

const EXPIRY_MS = 2_000; // the placement heartbeat timeout ProcessCluster configures
const cluster = useProcessCluster(3, { leaderLeaseMs: 600_000 });
let placement: PlacementClient;

beforeAll(() => {
  placement = cluster.client();
});

it('moves a SIGKILLed leader’s segment to a live replica within the expiry timeout + 1 s and loses no acknowledged record', async () => {
  const adapter = new JournalStorageAdapter({ placementAddresses: [cluster.placementAddress], namespace: 'handover', replicaCount: 3, acks: 'quorum', requestTimeoutMs: 30_000 });
  let producers: Producers | undefined;
  try {
    await adapter.createShard('orders');
    const { name } = await adapter.placementShard('orders');
    producers = startProducers(adapter, 'orders');
    const { acked } = producers;

    await expect.poll(() => acked.size, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(5_000);
    const [before] = (await placement.listSegments('handover', name)).filter((s) => s.status === 'SEGMENT_WRITE');
    const killedAt = Date.now();
    await cluster.kill(cluster.journal(before!.leader));
    const ackedAtKill = acked.size;

    const after = await expect
      .poll(async () => (await placement.listSegments('handover', name)).find((s) => s.seq === before!.seq && s.leader !== before!.leader), { timeout: 15_000, interval: 25 })
      .toBeDefined()
      .then(async () => (await placement.listSegments('handover', name)).find((s) => s.seq === before!.seq)!);
    const elapsed = Date.now() - killedAt;
    expect(elapsed, `new leader after ${elapsed} ms`).toBeLessThan(EXPIRY_MS + 1_500);
    expect(after.epoch).toBe(before!.epoch + 1);
    expect(before!.replicas).toContain(after.leader);
    expect(after.status).toBe('SEGMENT_WRITE');

    // appends resume under the new leader
    await expect.poll(() => acked.size, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(ackedAtKill + 2_000);
    await producers.stop();

    const all = await readAll(adapter, 'orders');
    for (const [offset, text] of acked) expect(all[offset], `acknowledged offset ${offset}`).toBe(text);
    expect(producers.failures, 'appends that failed while the leader was down').toBeLessThan(100);
  } finally {
    // on failure too: stop the producers (an append may wait out its timeout) before closing the adapter
    await producers?.stop(5_000);
    await adapter.close();
  }
}, 120_000);
