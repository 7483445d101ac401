// A broker that dies hands its clients' wills to the placement leader: broker 1 runs as a child process
// (node dist/main.js) and is killed with SIGKILL, so it never unregisters nor publishes anything; once its
// heartbeats stop, placement expires the node, marks its sessions disconnected and, after the will delay, publishes
// the will through the other broker (in-process), where an MQTT.js subscriber receives it exactly once. Restarted
// on its data, the broker finds the session and will in its own storage, learns from placement that the will went
// out already, and does not publish it a second time.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlacementClient, createLogger, freePort } from '@robustmq/common';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadMqttBrokerConfig, startMqttBroker, type MqttBrokerHandle } from '../src/index.js';
import { buildOnce, collect, connectClient, sleep } from '@robustmq/testing';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'robustmq-will-takeover-'));
const quiet = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const HEARTBEAT_TIMEOUT_MS = 1_500;
let placement: PlacementCenterHandle;
let client: PlacementClient;
let survivor: MqttBrokerHandle;
let child: ChildProcess | undefined;
const clients: MqttClient[] = [];

beforeAll(async () => {
  await buildOnce();
  placement = await startPlacementCenter(
    loadPlacementCenterConfig({
      env: {},
      overrides: {
        node: { data_dir: join(dir, 'pc') },
        network: { host: '127.0.0.1', grpc_port: 0, http_port: 0 },
        heartbeat: { timeout_ms: HEARTBEAT_TIMEOUT_MS, check_interval_ms: 200 },
        scheduler: { leader_check_ms: 50, retry_ms: 200 },
      },
    }),
    { logger: quiet },
  );
  client = new PlacementClient({ addresses: [placement.grpcAddress] });
  survivor = await startMqttBroker(
    loadMqttBrokerConfig({
      env: {},
      overrides: {
        node: { id: 2, data_dir: join(dir, 'broker-2') },
        network: { host: '127.0.0.1', tcp_port: 0, http_port: 0, ws_port: 0, grpc_port: 0 },
        placement: { enabled: true, addresses: [placement.grpcAddress], heartbeat_interval_ms: 200 },
        mqtt: { sys_interval_s: 0 },
        log: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
      },
    }),
    { logger: quiet },
  );
}, 150_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  for (const c of clients) c.end(true);
  await survivor?.close();
  client?.close();
  await placement?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startBrokerProcess(id: number, mqttPort: number): Promise<ChildProcess> {
  const config = join(dir, `broker-${id}.toml`);
  writeFileSync(
    config,
    [
      `[node]\nid = ${id}\ndata_dir = ${JSON.stringify(join(dir, `broker-${id}`))}`,
      `[network]\nhost = "127.0.0.1"\ntcp_port = ${mqttPort}\nhttp_port = 0\nws_port = 0\ngrpc_port = 0`,
      `[placement]\naddresses = ["${placement.grpcAddress}"]\nheartbeat_interval_ms = 200`,
      '[mqtt]\nsys_interval_s = 0',
      '[log]\nlevel = "warn"',
    ].join('\n'),
  );
  const proc = spawn(process.execPath, [main, '--config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  await expect
    .poll(async () => {
      if (proc.exitCode !== null) throw new Error(`broker ${id} exited with ${proc.exitCode}`);
      return (await client.listNodes('MQTT_BROKER')).find((n) => n.nodeId === id)?.ports.grpc ?? 0;
    }, { timeout: 15_000, interval: 100 })
    .toBeGreaterThan(0);
  return proc;
}

it('publishes the will of a client whose broker was killed, through another broker, after the will delay', async () => {
  const mqttPort = await freePort();
  child = await startBrokerProcess(1, mqttPort);

  const sub = await connectClient(`mqtt://127.0.0.1:${survivor.ports.mqtt}`, { clientId: 'takeover-sub', protocolVersion: 5 });
  clients.push(sub);
  await sub.subscribeAsync('takeover/status', { qos: 1 });
  const got = collect(sub);

  const doomed = await connectClient(`mqtt://127.0.0.1:${mqttPort}`, {
    clientId: 'doomed',
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 300 },
    will: { topic: 'takeover/status', payload: Buffer.from('offline'), qos: 1, retain: true, properties: { willDelayInterval: 1 } },
  });
  clients.push(doomed);
  await expect.poll(() => client.getResource('WILL_MESSAGE', 'doomed'), { timeout: 5_000 }).toBeDefined();
  await expect.poll(() => client.getResource('SESSION', 'doomed').then((r) => r?.record), { timeout: 5_000 }).toMatchObject({
    connected: true,
    brokerNodeId: 1,
  });

  const killedAt = Date.now();
  child.kill('SIGKILL');
  const [will] = await got.waitFor(1, HEARTBEAT_TIMEOUT_MS + 8_000);
  expect(will).toMatchObject({ topic: 'takeover/status', payload: 'offline', qos: 1 });
  // not before the node expired and the delay passed after it
  expect(Date.now() - killedAt).toBeGreaterThanOrEqual(HEARTBEAT_TIMEOUT_MS + 1_000 - 300);

  // the session outlives its will, now disconnected, and the will is gone from placement
  await expect.poll(() => client.getResource('WILL_MESSAGE', 'doomed'), { timeout: 3_000 }).toBeUndefined();
  expect((await client.getResource('SESSION', 'doomed'))?.record).toMatchObject({ connected: false, brokerNodeId: 1 });
  await sleep(700);
  expect(got.messages).toHaveLength(1);

  // the restarted broker restores the session and the will from its storage; placement says the will is gone
  child = await startBrokerProcess(1, mqttPort);
  const late = await connectClient(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'late-sub', protocolVersion: 5 });
  clients.push(late);
  const retained = collect(late);
  await late.subscribeAsync('takeover/status', { qos: 1 });
  await sleep(700);
  expect(retained.messages).toEqual([]); // it would be there, retained, had the restarted broker published the will
  expect(got.messages).toHaveLength(1);
}, 60_000);
