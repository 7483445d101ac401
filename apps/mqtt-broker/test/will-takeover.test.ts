// A broker that dies hands its clients' wills to the placement leader: broker 1 runs as a child process
// (node dist/main.js) and is killed with SIGKILL, so it never unregisters nor publishes anything; once its
// heartbeats stop, placement expires the node, marks its sessions disconnected and, after the will delay, publishes
// the will through the other broker (in-process), where an MQTT.js subscriber receives it exactly once. Restarted
// on its data, the broker finds the session and will in its own storage, learns from placement that the will went
// out already, and does not publish it a second time.
import type { PlacementClient } from '@robustmq/placement-client';
import { beforeAll, expect, it } from 'vitest';
import type { MqttBrokerHandle } from '../src/index.js';
import {
  buildOnce,
  collect,
  connectClient,
  freePort,
  mqttBrokerProcess,
  type ServiceProcess,
  sleep,
  tempDir,
  testScope,
  willClient,
} from '@robustmq/testing';
import { startBrokerOnPlacement } from '@robustmq/testing/broker';
import type { TestPlacement } from '@robustmq/testing/placement';

const HEARTBEAT_TIMEOUT_MS = 1_500;
const scope = testScope();
let dir: string;
let placement: TestPlacement;
let client: PlacementClient;
let survivor: MqttBrokerHandle;

beforeAll(async () => {
  await buildOnce();
  dir = tempDir('will-takeover', scope);
  const started = await startBrokerOnPlacement(
    scope,
    { heartbeat: { timeout_ms: HEARTBEAT_TIMEOUT_MS, check_interval_ms: 200 }, fastScheduler: true },
    { id: 2 },
  );
  placement = started.placement;
  client = placement.client();
  survivor = started.broker.handle;
}, 150_000);

/** Broker `id` as a child process; resolves once it registered its inner gRPC port with placement. */
async function startBrokerProcess(id: number, mqttPort: number): Promise<ServiceProcess> {
  const broker = mqttBrokerProcess({
    dir,
    name: `broker-${id}`,
    id,
    mqttPort,
    sections: {
      placement: { addresses: [placement.grpcAddress], heartbeat_interval_ms: 200 },
      mqtt: { sys_interval_s: 0 },
    },
    scope,
  });
  return broker.startUntil(
    async () =>
      ((await client.cluster.listNodes('MQTT_BROKER')).find((n) => n.nodeId === id)?.ports.grpc ?? 0) > 0,
    15_000,
  );
}

it('publishes the will of a client whose broker was killed, through another broker, after the will delay', async () => {
  const mqttPort = await freePort();
  let child = await startBrokerProcess(1, mqttPort);

  const sub = await connectClient(
    `mqtt://127.0.0.1:${survivor.ports.mqtt}`,
    { clientId: 'takeover-sub', protocolVersion: 5 },
    scope,
  );
  await sub.subscribeAsync('takeover/status', { qos: 1 });
  const got = collect(sub);

  await connectClient(
    `mqtt://127.0.0.1:${mqttPort}`,
    willClient('doomed', 'takeover/status', 'offline', { expiry: 300, retain: true }),
    scope,
  );
  await expect
    .poll(() => client.mqtt.getResource('WILL_MESSAGE', 'doomed'), { timeout: 5_000 })
    .toBeDefined();
  await expect
    .poll(() => client.mqtt.getResource('SESSION', 'doomed').then((r) => r?.record), { timeout: 5_000 })
    .toMatchObject({
      connected: true,
      brokerNodeId: 1,
    });

  const killedAt = Date.now();
  await child.kill('SIGKILL');
  const [will] = await got.waitFor(1, HEARTBEAT_TIMEOUT_MS + 8_000);
  expect(will).toMatchObject({ topic: 'takeover/status', payload: 'offline', qos: 1 });
  // not before the node expired and the delay passed after it
  expect(Date.now() - killedAt).toBeGreaterThanOrEqual(HEARTBEAT_TIMEOUT_MS + 1_000 - 300);

  // the session outlives its will, now disconnected, and the will is gone from placement
  await expect
    .poll(() => client.mqtt.getResource('WILL_MESSAGE', 'doomed'), { timeout: 3_000 })
    .toBeUndefined();
  expect((await client.mqtt.getResource('SESSION', 'doomed'))?.record).toMatchObject({
    connected: false,
    brokerNodeId: 1,
  });
  await sleep(700);
  expect(got.messages).toHaveLength(1);

  // the restarted broker restores the session and the will from its storage; placement says the will is gone
  child = await startBrokerProcess(1, mqttPort);
  const late = await connectClient(
    `mqtt://127.0.0.1:${mqttPort}`,
    { clientId: 'late-sub', protocolVersion: 5 },
    scope,
  );
  const retained = collect(late);
  await late.subscribeAsync('takeover/status', { qos: 1 });
  await sleep(700);
  expect(retained.messages).toEqual([]); // it would be there, retained, had the restarted broker published the will
  expect(got.messages).toHaveLength(1);
}, 60_000);
