// `robustmq start --roles mqtt-broker --placement h1:p,h2:p,h3:p` joins a running cluster (issue 13): a cluster of
// three placement members, a journal server and one broker runs as processes; a second broker is started the way an
// operator adds one — the stock command with only its own ports and node id in its config — and then registers with
// placement, picks journal storage by itself, and is one MQTT cluster with the first: messages cross both ways.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  freePort,
  ProcessCluster,
  buildOnce,
  collect,
  connectClient,
  registeredNodes,
  runNode,
  testScope,
  waitFor,
  type Proc,
} from '@robustmq/testing';

const scope = testScope();
const cluster = new ProcessCluster({ placementMembers: 3 });
let joined: Proc;
let ports: { mqtt: number; http: number; grpc: number };

beforeAll(async () => {
  await buildOnce();
  await cluster.start(1);
  await cluster.addBroker(1);
  ports = { mqtt: await freePort(), http: await freePort(), grpc: await freePort() };
  const configDir = join(cluster.dir, 'join-config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    join(configDir, 'mqtt-broker.toml'),
    `[node]\nid = 2\n\n[network]\nhost = "127.0.0.1"\ntcp_port = ${ports.mqtt}\nhttp_port = ${ports.http}\ngrpc_port = ${ports.grpc}\n` +
      `tls_port = 0\nws_port = 0\nwss_port = 0\n\n[mqtt]\nsys_interval_s = 0\n`,
  );
  joined = runNode('apps/cli/dist/robustmq.js', [
    'start',
    '--roles',
    'mqtt-broker',
    '--placement',
    cluster.placementAddresses.join(','),
    '--config-dir',
    configDir,
    '--data-dir',
    join(cluster.dir, 'join-data'),
  ]);
}, 180_000);

afterAll(async () => {
  await joined?.kill('SIGKILL');
  await cluster.close();
});

it('registers with the running placement group and picks journal storage', async () => {
  const http = `http://127.0.0.1:${cluster.placements[0]!.http}`;
  await waitFor(
    'both brokers registered',
    async () => (await registeredNodes(http, 'MQTT_BROKER')).length === 2,
    {
      timeoutMs: 30_000,
      detail: joined.output,
    },
  );
  const node = (await registeredNodes(http, 'MQTT_BROKER')).find((n) => n.nodeId === 2);
  expect(node?.ports).toMatchObject({ mqtt: ports.mqtt, http: ports.http });
  expect(joined.output()).toMatch(/"storage":"journal","chosenBy":"journal servers registered"/);
});

it('is one MQTT cluster with the broker that was running: messages cross both ways', async () => {
  const onJoined = await connectClient(`mqtt://127.0.0.1:${ports.mqtt}`, { protocolVersion: 5 }, scope);
  const onFirst = await connectClient(
    `mqtt://127.0.0.1:${cluster.broker(1).mqtt}`,
    { protocolVersion: 5 },
    scope,
  );
  await onJoined.subscribeAsync('join/to-new', { qos: 1 });
  await onFirst.subscribeAsync('join/to-old', { qos: 1 });
  const gotJoined = collect(onJoined);
  const gotFirst = collect(onFirst);
  await onFirst.publishAsync('join/to-new', 'from the running broker', { qos: 1 });
  await onJoined.publishAsync('join/to-old', 'from the new broker', { qos: 1 });
  await gotJoined.waitFor(1, 15_000);
  await gotFirst.waitFor(1, 15_000);
  expect(gotJoined.messages.map((m) => m.payload)).toEqual(['from the running broker']);
  expect(gotFirst.messages.map((m) => m.payload)).toEqual(['from the new broker']);
});

it('leaves the cluster on SIGTERM: unregistered, exit 0', async () => {
  joined.child.kill('SIGTERM');
  const { code } = await joined.exited;
  expect(code, joined.output()).toBe(0);
  const http = `http://127.0.0.1:${cluster.placements[0]!.http}`;
  await waitFor(
    'the joined broker unregistered',
    async () => (await registeredNodes(http, 'MQTT_BROKER')).every((n) => n.nodeId !== 2),
    { timeoutMs: 10_000 },
  );
});
