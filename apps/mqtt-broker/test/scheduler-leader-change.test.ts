// The placement scheduler follows Raft leadership: with three placement members (in-process, real Raft over gRPC)
// a delayed will is handed to placement, leadership moves to another member before the will is due, and the will
// is still published exactly once — by the new leader, which rebuilt the due times from its state machine, while
// the deposed leader stopped scheduling.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlacementClient, createLogger, freePort } from '@robustmq/common';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadMqttBrokerConfig, startMqttBroker, type MqttBrokerHandle } from '../src/index.js';
import { collect, connectClient, sleep } from '@robustmq/testing';

const dir = mkdtempSync(join(tmpdir(), 'robustmq-sched-leader-'));
const quiet = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const members: PlacementCenterHandle[] = [];
let client: PlacementClient;
let broker: MqttBrokerHandle;
const clients: MqttClient[] = [];

async function leaderOf(member: PlacementCenterHandle): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${member.ports.http}/api/v1/cluster`);
  return ((await r.json()) as { leader: number }).leader;
}

beforeAll(async () => {
  const ports = await Promise.all([1, 2, 3].map(async () => ({ grpc: await freePort(), http: await freePort() })));
  const list = ports.map((p, i) => `${i + 1}@127.0.0.1:${p.grpc}`);
  for (const id of [1, 2, 3]) {
    const p = ports[id - 1]!;
    members.push(
      await startPlacementCenter(
        loadPlacementCenterConfig({
          env: {},
          overrides: {
            node: { id, data_dir: join(dir, `pc-${id}`) },
            network: { host: '127.0.0.1', grpc_port: p.grpc, http_port: p.http },
            cluster: { members: list, tick_ms: 50, election_ticks: 10 },
            scheduler: { leader_check_ms: 50, retry_ms: 200 },
          },
        }),
        { logger: quiet },
      ),
    );
  }
  for (const deadline = Date.now() + 15_000; (await leaderOf(members[0]!)) === 0; ) {
    if (Date.now() > deadline) throw new Error('no placement leader elected within 15 s');
    await sleep(50);
  }
  const addresses = members.map((m) => m.grpcAddress);
  client = new PlacementClient({ addresses });
  broker = await startMqttBroker(
    loadMqttBrokerConfig({
      env: {},
      overrides: {
        node: { id: 1, data_dir: join(dir, 'broker') },
        network: { host: '127.0.0.1', tcp_port: 0, http_port: 0, ws_port: 0, grpc_port: 0 },
        placement: { enabled: true, addresses, heartbeat_interval_ms: 200 },
        mqtt: { sys_interval_s: 0 },
        log: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
      },
    }),
    { logger: quiet },
  );
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.end(true);
  await broker?.close();
  client?.close();
  for (const m of members) await m.close();
  rmSync(dir, { recursive: true, force: true });
});

it('publishes a delayed will once after leadership moved before it was due', async () => {
  const url = `mqtt://127.0.0.1:${broker.ports.mqtt}`;
  const sub = await connectClient(url, { clientId: 'leader-sub', protocolVersion: 5 });
  clients.push(sub);
  await sub.subscribeAsync('leader/status', { qos: 1 });
  const got = collect(sub);
  const dying = await connectClient(url, {
    clientId: 'leader-dying',
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 60 },
    will: { topic: 'leader/status', payload: Buffer.from('offline'), qos: 1, retain: false, properties: { willDelayInterval: 2 } },
  });
  clients.push(dying);
  await expect.poll(() => client.getResource('WILL_MESSAGE', 'leader-dying'), { timeout: 5_000 }).toBeDefined();
  const droppedAt = Date.now();
  dying.stream.destroy();
  dying.end(true);
  await expect.poll(() => client.getResource('SESSION', 'leader-dying').then((r) => r?.record.connected), { timeout: 3_000 }).toBe(false);
  // the local fallback timer is gone: only placement can publish the will now
  await expect.poll(() => broker.broker.sessions.get('leader-dying')?.willTimer, { timeout: 3_000 }).toBeUndefined();

  const before = await leaderOf(members[0]!);
  const next = before === 1 ? 2 : 1;
  const moved = await fetch(`http://127.0.0.1:${members[before - 1]!.ports.http}/api/v1/cluster/leader`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ nodeId: next }),
  });
  expect(moved.status).toBe(200);
  expect(await leaderOf(members[0]!)).toBe(next);
  expect(Date.now() - droppedAt).toBeLessThan(2_000); // moved before the will was due

  const [will] = await got.waitFor(1, 6_000);
  expect(will).toMatchObject({ topic: 'leader/status', payload: 'offline' });
  expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(1_900);
  await expect.poll(() => client.getResource('WILL_MESSAGE', 'leader-dying'), { timeout: 3_000 }).toBeUndefined();
  await sleep(1_000);
  expect(got.messages).toHaveLength(1);
}, 30_000);
