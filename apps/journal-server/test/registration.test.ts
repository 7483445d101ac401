// A journal server registers with a real placement center at start, heartbeats, comes back after being expired,
// and unregisters on close.
import { beforeAll, expect, it } from 'vitest';
import type { PlacementClient } from '@robustmq/common';
import { testScope } from '@robustmq/testing';
import { startTestJournal } from '@robustmq/testing/journal';
import { startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';

const scope = testScope();
let placement: TestPlacement;
let client: PlacementClient;

beforeAll(async () => {
  placement = scope.add(await startTestPlacement({ heartbeat: { timeout_ms: 800, check_interval_ms: 100 } }));
  client = placement.client();
});

it('registers, serves /health, survives expiry by registering again, and unregisters on close', async () => {
  const journal = scope.add(
    await startTestJournal({ id: 5, placement: [placement.grpcAddress], overrides: { placement: { heartbeat_interval_ms: 100 } } }),
  ).server;
  const nodes = await client.listNodes('JOURNAL_SERVER');
  expect(nodes).toEqual([expect.objectContaining({ nodeId: 5, host: '127.0.0.1', ports: { http: journal.ports.http, data: journal.ports.data, grpc: journal.ports.grpc } })]);
  const health = await fetch(`http://127.0.0.1:${journal.ports.http}/health`);
  expect(await health.json()).toMatchObject({ status: 'ok', registered: true });

  // placement forgets the node (as after an expiry); the next heartbeat gets NOT_FOUND and it registers again
  await client.unregisterNode('JOURNAL_SERVER', 'robustmq', 5);
  await expect.poll(async () => (await client.listNodes('JOURNAL_SERVER')).length, { timeout: 3000 }).toBe(1);

  await journal.close();
  expect(await client.listNodes('JOURNAL_SERVER')).toEqual([]);
});
