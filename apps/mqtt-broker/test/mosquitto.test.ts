// Interoperability with the mosquitto command-line clients: mosquitto_sub subscribes with a wildcard,
// mosquitto_pub publishes, for MQTT 3.1, 3.1.1 and 5. Skipped (with a message) only when the binaries are absent.
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/test-broker.js';

const haveMosquitto =
  spawnSync('mosquitto_pub', ['--help']).error === undefined && spawnSync('mosquitto_sub', ['--help']).error === undefined;
if (!haveMosquitto) {
  console.warn('mosquitto_pub/mosquitto_sub not found: skipping the mosquitto interoperability tests (apt-get install mosquitto-clients)');
}

let broker: TestBroker;

beforeAll(async () => {
  if (haveMosquitto) broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.stop();
});

function run(command: string, args: string[], timeoutMs = 10_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!haveMosquitto).each([
  { version: 'mqttv31', label: '3.1' },
  { version: 'mqttv311', label: '3.1.1' },
  { version: 'mqttv5', label: '5' },
])('mosquitto clients over MQTT $label', ({ version }) => {
  it('mosquitto_pub → mosquitto_sub round trip through + and # filters', async () => {
    const port = String(broker.handle.ports.mqtt);
    const base = `mosq/${version}`;
    const common = ['-h', '127.0.0.1', '-p', port, '-V', version];
    // -C 2: exit after two messages; -W: give up rather than hang the test
    const sub = run('mosquitto_sub', [...common, '-i', `sub-${version}`, '-t', `${base}/+/temp`, '-t', `${base}/alarms/#`, '-C', '2', '-W', '8', '-v']);
    // wait until the subscriber's SUBSCRIBE has been handled
    const deadline = Date.now() + 5_000;
    while (!broker.handle.broker.listClients().some((c) => c.clientId === `sub-${version}` && c.subscriptions === 2)) {
      if (Date.now() > deadline) throw new Error('mosquitto_sub did not subscribe');
      await new Promise((r) => setTimeout(r, 20));
    }
    const pub1 = await run('mosquitto_pub', [...common, '-i', `pub-${version}`, '-t', `${base}/kitchen/temp`, '-m', '22']);
    const pub2 = await run('mosquitto_pub', [...common, '-i', `pub-${version}`, '-t', `${base}/alarms/fire/1`, '-m', 'smoke', '-q', '1']);
    expect(pub1.code, pub1.stderr).toBe(0);
    expect(pub2.code, pub2.stderr).toBe(0);
    const result = await sub;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([`${base}/kitchen/temp 22`, `${base}/alarms/fire/1 smoke`]);
  });
});
