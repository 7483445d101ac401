// A journal server registers with a real placement center at start, heartbeats, comes back after being expired,
// and unregisters on close.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '@robustmq/common';
import { PlacementClient } from '@robustmq/placement-client';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';
import { loadJournalServerConfig, startJournalServer } from '@robustmq/journal-server';

const logger = createLogger({ service: 'test', level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'robustmq-js-'));
let placement: PlacementCenterHandle;
let client: PlacementClient;

beforeAll(async () => {
  placement = await startPlacementCenter(
    loadPlacementCenterConfig({
      env: {},
      overrides: {
        node: { data_dir: join(dir, 'pc') },
        network: { host: '127.0.0.1', grpc_port: 0, http_port: 0 },
        heartbeat: { timeout_ms: 800, check_interval_ms: 100 },
      },
    }),
    { logger },
  );
  client = new PlacementClient({ addresses: [placement.grpcAddress] });
});
afterAll(async () => {
  client.close();
  await placement.close();
  rmSync(dir, { recursive: true, force: true });
});

it('registers, serves /health, survives expiry by registering again, and unregisters on close', async () => {
  const journal = await startJournalServer(
    loadJournalServerConfig({
      env: {},
      overrides: {
        node: { id: 5, data_dir: join(dir, 'js') },
        network: { host: '127.0.0.1', http_port: 0, data_port: 0, grpc_port: 0 },
        placement: { addresses: [placement.grpcAddress], heartbeat_interval_ms: 100 },
      },
    }),
    { logger },
  );
  const nodes = await client.cluster.listNodes('JOURNAL_SERVER');
  expect(nodes).toEqual([expect.objectContaining({ nodeId: 5, host: '127.0.0.1', ports: { http: journal.ports.http, data: journal.ports.data, grpc: journal.ports.grpc } })]);
  const health = await fetch(`http://127.0.0.1:${journal.ports.http}/health`);
  expect(await health.json()).toMatchObject({ status: 'ok', registered: true });

  // placement forgets the node (as after an expiry); the next heartbeat gets NOT_FOUND and it registers again
  await client.cluster.unregisterNode('JOURNAL_SERVER', 'robustmq', 5);
  await expect.poll(async () => (await client.cluster.listNodes('JOURNAL_SERVER')).length, { timeout: 3000 }).toBe(1);

  await journal.close();
  expect(await client.cluster.listNodes('JOURNAL_SERVER')).toEqual([]);
});
