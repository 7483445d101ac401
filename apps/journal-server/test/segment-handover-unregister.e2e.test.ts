// Placement hands a cleanly stopping journal server's segments over, against real processes (1 placement center + 3
// journal servers, each `node dist/main.js`): appends run at acks=quorum, the segment leader gets SIGTERM, unregisters
// from placement on its way out, and placement moves the segment to the most caught-up live replica at once — no
// heartbeat timeout to wait out (an unregistered node never expires), and followers' own lease is set far beyond the
// test, so the move can only be placement's reaction to the unregister. The epoch goes up by exactly one, appends
// resume under the new leader, and every acknowledged record reads back.
import { expect, it } from 'vitest';
import { useProcessCluster } from '@robustmq/testing';
import { expectHandoverUnderLoad } from './support/segment-handover.js';

const EXPIRY_MS = 2_000; // the placement heartbeat timeout ProcessCluster configures
const cluster = useProcessCluster(3, { leaderLeaseMs: 600_000 });

it('moves a cleanly unregistered leader’s segment to a live replica before any expiry and loses no acknowledged record', async () => {
  const placement = cluster.client();
  const { before, name } = await expectHandoverUnderLoad(cluster, {
    namespace: 'unregister',
    // SIGTERM: the server closes cleanly, unregistering from placement first
    stop: (leader) => cluster.kill(leader, 'SIGTERM'),
    // it left through Unregister, not by expiring
    afterStop: async (leader) =>
      expect((await placement.cluster.listNodes('JOURNAL_SERVER')).map((n) => n.nodeId)).not.toContain(
        leader,
      ),
    withinMs: EXPIRY_MS,
  });
  // handed over once: no second move after the dust settled
  expect(
    (await placement.journal.listSegments('unregister', name)).find((s) => s.seq === before.seq)!.epoch,
  ).toBe(before.epoch + 1);
}, 120_000);
