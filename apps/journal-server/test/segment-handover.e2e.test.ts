// Placement hands an expired journal server's segments over, against real processes (1 placement center + 3 journal
// servers, each `node dist/main.js`): appends run at acks=quorum, the segment leader is SIGKILLed, placement expires
// it (heartbeat timeout 2 s) and moves the segment to the most caught-up live replica — within the timeout + ~1 s,
// with the epoch bumped once — and tells that replica to lead. Followers' own lease is set far beyond the test, so
// the move can only be placement's. Appends resume under the new leader; every acknowledged record reads back.
import { it } from 'vitest';
import { useProcessCluster } from '@robustmq/testing';
import { expectHandoverUnderLoad } from './support/segment-handover.js';

const EXPIRY_MS = 2_000; // the placement heartbeat timeout ProcessCluster configures
const cluster = useProcessCluster(3, { leaderLeaseMs: 600_000 });

it('moves a SIGKILLed leader’s segment to a live replica within the expiry timeout + 1 s and loses no acknowledged record', async () => {
  await expectHandoverUnderLoad(cluster, {
    namespace: 'handover',
    stop: (leader) => cluster.kill(leader),
    withinMs: EXPIRY_MS + 1_500,
  });
}, 120_000);
