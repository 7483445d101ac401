// Durability across a crash: the broker runs as a child process (node dist/main.js --config <toml>) on the rocksdb
// adapter; 10,000 QoS 1 messages for an offline persistent session are acknowledged, the broker is killed with
// SIGKILL right after the last PUBACK, restarted, and the session receives all of them, in order.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildBroker } from './support/build-once.js';
import { collect, connectClient, sleep } from './support/mqtt-clients.js';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'robustmq-mqtt-restart-'));
let child: ChildProcess | undefined;

beforeAll(buildBroker, 120_000);

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startBroker(config: string, port: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [main, '--config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const probe = await connectClient(`mqtt://127.0.0.1:${port}`, { clientId: `probe-${Date.now()}`, connectTimeout: 500 });
      await probe.endAsync(true);
      return proc;
    } catch (err) {
      if (Date.now() > deadline || proc.exitCode !== null) throw err;
      await sleep(100);
    }
  }
}

it('keeps every acknowledged QoS 1 message across SIGKILL and restart', async () => {
  const [mqttPort, httpPort] = [await freePort(), await freePort()];
  const config = join(dir, 'broker.toml');
  writeFileSync(
    config,
    [
      `[node]\ndata_dir = ${JSON.stringify(join(dir, 'data'))}`,
      `[network]\nhost = "127.0.0.1"\ntcp_port = ${mqttPort}\nhttp_port = ${httpPort}\nws_port = 0`,
      '[placement]\nenabled = false',
      '[storage]\ntype = "rocksdb"',
      '[log]\nlevel = "warn"',
    ].join('\n'),
  );
  const url = `mqtt://127.0.0.1:${mqttPort}`;
  child = await startBroker(config, mqttPort);

  const sub = await connectClient(url, { clientId: 'crash-sub', clean: false });
  await sub.subscribeAsync('crash/t', { qos: 1 });
  await sub.endAsync();

  const pub = await connectClient(url, { clientId: 'crash-pub' });
  const total = 10_000;
  await Promise.all(Array.from({ length: total }, (_, i) => pub.publishAsync('crash/t', String(i), { qos: 1 })));
  child.kill('SIGKILL'); // every PUBACK is in: nothing acknowledged may be lost now
  await new Promise((resolve) => child!.once('exit', resolve));
  pub.end(true);

  child = await startBroker(config, mqttPort);
  const again = await connectClient(url, { clientId: 'crash-sub', clean: false });
  expect((again as unknown as { connackPacket: { sessionPresent: boolean } }).connackPacket.sessionPresent).toBe(true);
  const got = collect(again);
  const messages = await got.waitFor(total, 30_000);
  expect(messages.map((m) => Number(m.payload))).toEqual(Array.from({ length: total }, (_, i) => i));
  await again.endAsync();
  child.kill('SIGTERM');
  await new Promise((resolve) => child!.once('exit', resolve));
  child = undefined;
}, 60_000);
