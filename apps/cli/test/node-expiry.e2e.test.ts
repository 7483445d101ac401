// A broker process killed with SIGKILL (no chance to unregister) disappears from placement after the heartbeat
// timeout; one stopped with SIGTERM unregisters at once.
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import {
  buildOnce,
  freePort,
  registeredNodes,
  ServiceProcess,
  tempDir,
  testScope,
  waitFor,
} from '@robustmq/testing';
import { startTestPlacement, type TestPlacement } from '@robustmq/testing/placement';

const TIMEOUT_MS = 2_000;
const scope = testScope();
const dir = tempDir('expiry', scope);
let placement: TestPlacement;
let http: string;

beforeAll(async () => {
  await buildOnce();
  placement = scope.add(
    await startTestPlacement({ heartbeat: { timeout_ms: TIMEOUT_MS, check_interval_ms: 100 } }),
  );
  http = placement.http;
}, 120_000);

async function startBroker(id: number) {
  const broker = new ServiceProcess(
    'mqtt-broker',
    join(dir, `broker-${id}.toml`),
    {
      node: { id, data_dir: join(dir, `broker-${id}`) },
      network: {
        host: '127.0.0.1',
        tcp_port: await freePort(),
        ws_port: 0,
        grpc_port: 0,
        http_port: await freePort(),
      },
      placement: { addresses: [placement.grpcAddress], heartbeat_interval_ms: 200 },
    },
    scope,
  );
  await broker.startUntil(
    async () => (await registeredNodes(http, 'MQTT_BROKER')).some((n) => n.nodeId === id),
    15_000,
  );
  return broker.proc!;
}

it('removes a SIGKILLed broker after the heartbeat timeout, not before', async () => {
  const proc = await startBroker(11);
  proc.child.kill('SIGKILL');
  const killedAt = Date.now();
  await proc.exited;
  await waitFor(
    'killed broker to expire',
    async () => !(await registeredNodes(http, 'MQTT_BROKER')).some((n) => n.nodeId === 11),
    { timeoutMs: TIMEOUT_MS + 5_000 },
  );
  // it was still listed for most of the timeout (heartbeats had refreshed it up to the kill)
  expect(Date.now() - killedAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 500);
});

it('removes a broker stopped with SIGTERM at once, because it unregisters', async () => {
  const proc = await startBroker(12);
  proc.child.kill('SIGTERM');
  const { code } = await proc.exited;
  expect(code, proc.output()).toBe(0);
  expect((await registeredNodes(http, 'MQTT_BROKER')).some((n) => n.nodeId === 12)).toBe(false);
});
