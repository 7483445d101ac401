// A journal server registers with a real placement center at start, heartbeats, comes back after being expired,
// and unregisters on close.
import { expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { startTestJournal } from '@robustmq/testing/journal';
import { usePlacement } from '@robustmq/testing/placement';

const scope = testScope();
const pc = usePlacement({ heartbeat: { timeout_ms: 800, check_interval_ms: 100 } });

it('registers, serves /health, survives expiry by registering again, and unregisters on close', async () => {
  const journal = scope.add(
    await startTestJournal({
      id: 5,
      placement: [pc.placement.grpcAddress],
      overrides: { placement: { heartbeat_interval_ms: 100 } },
    }),
  ).server;
  const nodes = await pc.client.cluster.listNodes('JOURNAL_SERVER');
  expect(nodes).toEqual([
    expect.objectContaining({
      nodeId: 5,
      host: '127.0.0.1',
      ports: { http: journal.ports.http, data: journal.ports.data, grpc: journal.ports.grpc },
    }),
  ]);
  const health = await fetch(`http://127.0.0.1:${journal.ports.http}/health`);
  expect(await health.json()).toMatchObject({ status: 'ok', registered: true });

  // placement forgets the node (as after an expiry); the next heartbeat gets NOT_FOUND and it registers again
  await pc.client.cluster.unregisterNode('JOURNAL_SERVER', 'robustmq', 5);
  await expect
    .poll(async () => (await pc.client.cluster.listNodes('JOURNAL_SERVER')).length, { timeout: 3000 })
    .toBe(1);

  await journal.close();
  expect(await pc.client.cluster.listNodes('JOURNAL_SERVER')).toEqual([]);
});
