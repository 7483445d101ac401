// The four listeners — TCP, TLS, WebSocket and secure WebSocket at /mqtt — feed the same connection code: MQTT.js
// (3.1.1 and 5) and mosquitto_pub/sub (TLS with --cafile and --insecure) publish and subscribe across them. Port 0
// works for each and the handle reports the bound ports; without a certificate TLS and WSS are off.
import { connect as tlsConnect } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IClientOptions, MqttClient } from 'mqtt';
import { WebSocket } from 'ws';
import {
  collect,
  connectClient,
  makeSelfSignedCert,
  mosquitto,
  type TestCert,
  testScope,
} from '@robustmq/testing';
import { startTestBroker, type TestBroker } from '@robustmq/testing/broker';

const scope = testScope();
let cert: TestCert;
let broker: TestBroker;

beforeAll(async () => {
  cert = makeSelfSignedCert(scope);
  broker = scope.add(
    await startTestBroker({}, { tls: { cert_file: cert.certFile, key_file: cert.keyFile } }),
  );
});

function urls(): Record<string, string> {
  const { ports } = broker.handle;
  return {
    tcp: `mqtt://127.0.0.1:${ports.mqtt}`,
    tls: `mqtts://localhost:${ports.tls}`,
    ws: `ws://127.0.0.1:${ports.ws}/mqtt`,
    wss: `wss://localhost:${ports.wss}/mqtt`,
  };
}

function client(transport: string, options: IClientOptions = {}): Promise<MqttClient> {
  return connectClient(urls()[transport]!, { ca: cert.cert, ...options }, scope);
}

it('binds every listener on port 0 and reports the bound ports', () => {
  const { ports } = broker.handle;
  for (const name of ['mqtt', 'tls', 'ws', 'wss', 'http'] as const) expect(ports[name]).toBeGreaterThan(0);
  expect(new Set(Object.values(ports)).size).toBe(5);
});

describe.each([3, 4, 5] as const)('MQTT.js protocol version %s', (protocolVersion) => {
  it.each(['tcp', 'tls', 'ws', 'wss'])(
    'subscribes over %s and receives from every transport',
    async (transport) => {
      const sub = await client(transport, {
        protocolVersion,
        clientId: `sub-${transport}-${protocolVersion}`,
      });
      const got = collect(sub);
      await sub.subscribeAsync(`x/${transport}/${protocolVersion}`, { qos: 1 });
      for (const from of ['tcp', 'tls', 'ws', 'wss']) {
        const pub = await client(from, { protocolVersion: 4 });
        await pub.publishAsync(`x/${transport}/${protocolVersion}`, `from-${from}`, { qos: 1 });
      }
      const messages = await got.waitFor(4);
      expect(messages.map((m) => m.payload).sort()).toEqual(['from-tcp', 'from-tls', 'from-ws', 'from-wss']);
    },
  );
});

it('TLS verification: a client trusting the certificate connects; rejectUnauthorized false also works', async () => {
  const trusting = await client('tls', { clientId: 'tls-ca' });
  expect(trusting.connected).toBe(true);
  const insecure = await connectClient(
    urls().tls!,
    { rejectUnauthorized: false, clientId: 'tls-insecure' },
    scope,
  );
  expect(insecure.connected).toBe(true);
  // a client that neither trusts nor skips verification fails the handshake, and the broker lives on
  await expect(
    connectClient(urls().tls!, { clientId: 'tls-untrusting', connectTimeout: 2000 }),
  ).rejects.toThrow();
  expect((await client('tcp')).connected).toBe(true);
});

it('lists the transport of each client in the admin API', async () => {
  await client('wss', { clientId: 'admin-wss' });
  const res = await fetch(`http://127.0.0.1:${broker.handle.ports.http}/api/v1/clients/admin-wss`);
  expect(await res.json()).toMatchObject({ clientId: 'admin-wss', transport: 'wss' });
});

it('answers plain HTTP on the WebSocket port with 426 and refuses other paths', async () => {
  const res = await fetch(`http://127.0.0.1:${broker.handle.ports.ws}/mqtt`);
  expect(res.status).toBe(426);
  expect(await res.json()).toMatchObject({ code: 'UPGRADE_REQUIRED' });
  const refused = await new Promise<string>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${broker.handle.ports.ws}/other`, 'mqtt');
    ws.on('error', (err) => resolve(err.message));
    ws.on('open', () => resolve('open'));
  });
  expect(refused).toMatch(/400/);
});

it('garbage over TLS closes that connection only', async () => {
  const socket = tlsConnect({ port: broker.handle.ports.tls!, host: '127.0.0.1', rejectUnauthorized: false });
  await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
  socket.write(Buffer.from('definitely not mqtt'));
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  expect((await client('tls')).connected).toBe(true);
});

it('a broker without a certificate serves neither TLS nor WSS; ws_enabled = false turns WebSocket off', async () => {
  const plain = await startTestBroker();
  const noWs = await startTestBroker({}, { sections: { network: { ws_enabled: false } } });
  try {
    expect(plain.handle.ports.tls).toBeUndefined();
    expect(plain.handle.ports.wss).toBeUndefined();
    expect(plain.handle.ports.ws).toBeGreaterThan(0);
    expect(noWs.handle.ports.ws).toBeUndefined();
  } finally {
    await plain.stop();
    await noWs.stop();
  }
});

describe.skipIf(!mosquitto.installed)('mosquitto over TLS', () => {
  it.each([
    ['--cafile', ['--cafile']],
    ['--insecure', ['--insecure', '--cafile']],
  ])('mosquitto_sub/pub %s, MQTT 5', async (_label, flags) => {
    // both ends: the TLS port, the flags under test, MQTT 5, one topic, QoS 1
    const connection = {
      host: 'localhost',
      port: broker.handle.ports.tls!,
      args: [...flags, cert.certFile],
      version: 'mqttv5',
      topic: 'tls/mosq',
      qos: 1,
    } as const;
    const sub = mosquitto.sub({ ...connection, count: 1, waitSeconds: 8 });
    // give the subscriber time to subscribe
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pub = await mosquitto.pub({ ...connection, message: 'over-tls' });
    expect(pub.code, pub.stderr).toBe(0);
    const result = await sub;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('over-tls');
  });
});
