// The journal's segment handover under load, as both handover tests run it against a ProcessCluster of 3 journal
// servers: producers append at acks=quorum, the active segment's leader is stopped (how is the test's: SIGKILL, so
// placement must expire it, or SIGTERM, so it unregisters), placement moves the segment to a live replica within
// `withinMs` with the epoch bumped once, appends resume under the new leader, and every acknowledged record reads back.
import type { Segment__Output } from '@robustmq/protocol';
import { journalAdapter } from '@robustmq/testing/journal';
import type { ProcessCluster, ProcessNode } from '@robustmq/testing';
import { expect } from 'vitest';
import { readAll, startProducers, type Producers } from './producers.js';

export interface HandoverOptions {
  /** placement namespace of the test's shard. */
  namespace: string;
  /** stops the segment's leader. */
  stop(leader: ProcessNode): Promise<void>;
  /** checks right after the stop, before placement is watched for the move. */
  afterStop?(leader: number): Promise<void>;
  /** the move must be seen within this long of the stop. */
  withinMs: number;
}

/** Runs the scenario; returns the segment as it was before the stop, and the shard's placement name. */
export async function expectHandoverUnderLoad(
  cluster: ProcessCluster,
  options: HandoverOptions,
): Promise<{ before: Segment__Output; name: string }> {
  const { namespace } = options;
  const placement = cluster.client();
  const adapter = journalAdapter([cluster.placementAddress], namespace, { requestTimeoutMs: 30_000 });
  let producers: Producers | undefined;
  try {
    await adapter.createShard('orders');
    const { name } = await adapter.placementShard('orders');
    producers = startProducers(adapter, 'orders');
    const { acked } = producers;

    await expect.poll(() => acked.size, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(5_000);
    const [before] = (await placement.journal.listSegments(namespace, name)).filter(
      (s) => s.status === 'SEGMENT_WRITE',
    );
    const stoppedAt = Date.now();
    await options.stop(cluster.journal(before!.leader));
    const ackedAtStop = acked.size;
    await options.afterStop?.(before!.leader);

    const segment = async () =>
      (await placement.journal.listSegments(namespace, name)).find((s) => s.seq === before!.seq);
    await expect
      .poll(async () => (await segment())?.leader !== before!.leader, { timeout: 15_000, interval: 25 })
      .toBe(true);
    const after = (await segment())!;
    const elapsed = Date.now() - stoppedAt;
    expect(elapsed, `new leader after ${elapsed} ms`).toBeLessThan(options.withinMs);
    expect(after.epoch).toBe(before!.epoch + 1);
    expect(before!.replicas).toContain(after.leader);
    expect(after.status).toBe('SEGMENT_WRITE');

    // appends resume under the new leader
    await expect
      .poll(() => acked.size, { timeout: 20_000, interval: 20 })
      .toBeGreaterThanOrEqual(ackedAtStop + 2_000);
    await producers.stop();

    const all = await readAll(adapter, 'orders');
    for (const [offset, text] of acked) expect(all[offset], `acknowledged offset ${offset}`).toBe(text);
    expect(producers.failures, 'appends that failed while the leader moved').toBeLessThan(100);
    return { before: before!, name };
  } finally {
    // on failure too: stop the producers (an append may wait out its timeout) before closing the adapter
    await producers?.stop(5_000);
    await adapter.close();
  }
}
