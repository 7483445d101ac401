// The fd exhaustion of issue 11 (item 3), on a smaller scale: `robustmq start` (placement center + MQTT broker in one
// process) runs under `prlimit --nofile=400`, and three clients flood the broker's admin HTTP port with 250 idle sockets
// each — nearly twice the process's descriptors. The admin listener's cap (derived from the limit) closes what is over
// it at once and its idle timeout reaps the rest, so MQTT publish/subscribe and placement writes keep working
// throughout, the process never holds more descriptors than its limit, and the refusals are counted in /metrics.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildOnce, ROOT, spawnProcess, tempDir, testScope, waitFor, type Proc } from '@robustmq/testing';

const FD_LIMIT = 400;
const scope = testScope();
const dir = tempDir('fd-flood', scope);
const dataDir = join(dir, 'data');
let proc: Proc;
let ports: { placement: number; brokerHttp: number; mqtt: number };
const flood: Socket[] = [];

beforeAll(async () => {
  writeFileSync(
    join(dir, 'placement-center.toml'),
    '[network]\nhost = "127.0.0.1"\ngrpc_port = 0\nhttp_port = 0\n',
  );
  writeFileSync(
    join(dir, 'mqtt-broker.toml'),
    '[network]\nhost = "127.0.0.1"\ntcp_port = 0\nws_enabled = false\ngrpc_port = 0\nhttp_port = 0\n[http]\nidle_timeout_ms = 1500\n[mqtt]\nsys_interval_s = 0\n',
  );
  await buildOnce();
  const script = join(ROOT, 'apps/cli/dist/robustmq.js');
  proc = spawnProcess(
    'prlimit',
    [
      `--nofile=${FD_LIMIT}:${FD_LIMIT}`,
      process.execPath,
      script,
      'start',
      '-r',
      'placement-center,mqtt-broker',
      '-c',
      dir,
      '-d',
      dataDir,
      '-l',
      'warn',
    ],
    { scope },
  );
  const record = await waitFor(
    'robustmq start to write its ports',
    () => {
      const file = join(dataDir, 'robustmq-ports.json');
      return existsSync(file)
        ? (JSON.parse(readFileSync(file, 'utf8')) as { ports: Record<string, Record<string, number>> })
        : undefined;
    },
    { timeoutMs: 30_000 },
  );
  ports = {
    placement: record.ports['placement-center']!['http']!,
    brokerHttp: record.ports['mqtt-broker']!['http']!,
    mqtt: record.ports['mqtt-broker']!['mqtt']!,
  };
}, 60_000);

afterAll(async () => {
  for (const s of flood) s.destroy();
});

/** Opens `count` sockets to `port` that never send a byte; resolves once each is connected or refused. */
function openIdle(port: number, count: number): Promise<void> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1');
          flood.push(socket);
          socket.once('connect', () => resolve());
          socket.once('error', () => resolve());
          socket.once('close', () => resolve());
        }),
    ),
  ).then(() => undefined);
}

const descriptors = () => readdirSync(`/proc/${proc.child.pid}/fd`).length;

it('keeps MQTT and placement writes working while the admin port is flooded with idle sockets', async () => {
  // the child really runs under the lowered limit
  expect(readFileSync(`/proc/${proc.child.pid}/limits`, 'utf8')).toMatch(
    new RegExp(`Max open files\\s+${FD_LIMIT}\\s+${FD_LIMIT}`),
  );

  // three flooding clients at once
  await Promise.all([
    openIdle(ports.brokerHttp, 250),
    openIdle(ports.brokerHttp, 250),
    openIdle(ports.brokerHttp, 250),
  ]);
  expect(descriptors()).toBeLessThan(FD_LIMIT);

  // MQTT publish/subscribe through the flood
  const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, {
    clientId: 'flood-sub',
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
  const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, {
    clientId: 'flood-pub',
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
  try {
    await sub.subscribeAsync('flood/t', { qos: 1 });
    const received = new Promise<string>((resolve) =>
      sub.once('message', (_topic, payload) => resolve(payload.toString())),
    );
    await pub.publishAsync('flood/t', 'still here', { qos: 1 });
    expect(await received).toBe('still here');
  } finally {
    await sub.endAsync(true);
    await pub.endAsync(true);
  }

  // a placement write through the flood
  const put = await fetch(`http://127.0.0.1:${ports.placement}/api/v1/kv/flood`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value: 'written' }),
  });
  expect(put.status).toBe(200);
  expect(descriptors()).toBeLessThan(FD_LIMIT);

  // the idle sockets the admin port accepted are closed after its idle timeout; then it serves again and says how
  // many sockets its cap refused
  const metrics = await waitFor(
    'the broker admin port to serve again',
    async () => {
      const res = await fetch(`http://127.0.0.1:${ports.brokerHttp}/metrics`, {
        signal: AbortSignal.timeout(1_000),
      });
      return res.status === 200 ? res.text() : undefined;
    },
    { timeoutMs: 15_000 },
  );
  const refused = /mqtt_limit_hits_total\{limit="connection_cap",scope="http"[^}]*\} (\d+)/.exec(metrics);
  expect(Number(refused?.[1])).toBeGreaterThan(500);
  // logged once per interval, not once per refused socket
  expect(proc.output().match(/limit connection_cap \(http\) refused/g)?.length ?? 0).toBeLessThan(5);
  expect(proc.child.exitCode).toBeNull();
}, 60_000);
