// A broker process killed with SIGKILL (no chance to unregister) disappears from placement after the heartbeat
// timeout; one stopped with SIGTERM unregisters at once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger, freePort } from '@robustmq/common';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';
import { killAll, nodesOf, runNode, waitFor } from './processes.js';

const TIMEOUT_MS = 2_000;
const dir = mkdtempSync(join(tmpdir(), 'robustmq-expiry-'));
let placement: PlacementCenterHandle;
let http: string;

beforeAll(async () => {
  placement = await startPlacementCenter(
    loadPlacementCenterConfig({
      env: {},
      overrides: {
        node: { data_dir: join(dir, 'pc') },
        network: { host: '127.0.0.1', grpc_port: 0, http_port: 0 },
        heartbeat: { timeout_ms: TIMEOUT_MS, check_interval_ms: 100 },
      },
    }),
    { logger: createLogger({ service: 'test', level: 'silent' }) },
  );
  http = `http://127.0.0.1:${placement.ports.http}`;
});
afterAll(async () => {
  killAll();
  await placement.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startBroker(id: number) {
  const file = join(dir, `broker-${id}.toml`);
  writeFileSync(
    file,
    [
      '[node]',
      `id = ${id}`,
      `data_dir = "${join(dir, `broker-${id}`)}"`,
      '[network]',
      'host = "127.0.0.1"',
      `tcp_port = ${await freePort()}`,
      'ws_port = 0',
      'grpc_port = 0',
      `http_port = ${await freePort()}`,
      '[placement]',
      `addresses = ["${placement.grpcAddress}"]`,
      'heartbeat_interval_ms = 200',
    ].join('\n'),
  );
  const proc = runNode('apps/mqtt-broker/dist/main.js', ['--config', file]);
  await waitFor(`broker ${id} registered`, async () => (await nodesOf(http, 'MQTT_BROKER')).some((n) => n.nodeId === id), 15_000, proc);
  return proc;
}

it('removes a SIGKILLed broker after the heartbeat timeout, not before', async () => {
  const proc = await startBroker(11);
  proc.child.kill('SIGKILL');
  const killedAt = Date.now();
  await proc.exited;
  await waitFor('killed broker to expire', async () => !(await nodesOf(http, 'MQTT_BROKER')).some((n) => n.nodeId === 11), TIMEOUT_MS + 5_000);
  // it was still listed for most of the timeout (heartbeats had refreshed it up to the kill)
  expect(Date.now() - killedAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 500);
});

it('removes a broker stopped with SIGTERM at once, because it unregisters', async () => {
  const proc = await startBroker(12);
  proc.child.kill('SIGTERM');
  const { code } = await proc.exited;
  expect(code, proc.output()).toBe(0);
  expect((await nodesOf(http, 'MQTT_BROKER')).some((n) => n.nodeId === 12)).toBe(false);
});
