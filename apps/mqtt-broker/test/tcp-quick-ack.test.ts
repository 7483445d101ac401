// `[network] tcp_quick_ack` (libs/common net/tcp-quick-ack.ts): after a read that leaves a PUBACK/PUBREC waiting for
// storage, the broker sends the TCP acknowledgement of those bytes at once, so a client with Nagle's algorithm on
// (MQTT.js leaves it on) does not hold its next PUBLISH until the reply. Real broker, real MQTT.js clients over TCP,
// TLS, WebSocket and secure WebSocket; counted in mqtt_tcp_quick_acks_total. (That the option does what it says on the wire is shown
// with raw sockets in libs/common/test/tcp-quick-ack.test.ts; what it does to latency, in docs/benchmarks.md.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { IClientOptions } from 'mqtt';
import { collect, connectClient, makeSelfSignedCert, testScope, type TestCert } from '@robustmq/testing';
import { startTestBroker, type TestBroker } from '@robustmq/testing/broker';

const scope = testScope();
let cert: TestCert;
let broker: TestBroker;
let off: TestBroker;

beforeAll(async () => {
  cert = makeSelfSignedCert(scope);
  broker = scope.add(
    await startTestBroker(
      {},
      {
        tls: { cert_file: cert.certFile, key_file: cert.keyFile },
        sections: { network: { tcp_quick_ack: true } },
      },
    ),
  );
  off = scope.add(await startTestBroker());
});

type Transport = 'tcp' | 'tls' | 'ws' | 'wss';

function url(b: TestBroker, transport: Transport): string {
  const { ports } = b.handle;
  if (transport === 'ws') return `ws://127.0.0.1:${ports.ws}/mqtt`;
  if (transport === 'wss') return `wss://localhost:${ports.wss}/mqtt`;
  if (transport === 'tls') return `mqtts://localhost:${ports.tls}`;
  return `mqtt://127.0.0.1:${ports.mqtt}`;
}

/** Publishes `count` messages at `qos` through `transport` (each awaited in turn, as a paced client sends them);
 * returns how many quick ACKs the broker counted meanwhile. */
async function quickAcksFor(
  b: TestBroker,
  transport: Transport,
  qos: 0 | 1 | 2,
  count = 20,
  options: IClientOptions = {},
): Promise<number> {
  const topic = `quick-ack/${transport}/${qos}/${Math.random().toString(36).slice(2, 8)}`;
  const sub = await connectClient(url(b, 'tcp'), {}, scope);
  const got = collect(sub);
  await sub.subscribeAsync(topic, { qos: 1 });
  const pub = await connectClient(url(b, transport), { ca: cert.cert, ...options }, scope);
  const before = b.handle.broker.stats.tcpQuickAcks;
  for (let i = 0; i < count; i++) await pub.publishAsync(topic, String(i), { qos });
  await got.waitFor(count);
  return b.handle.broker.stats.tcpQuickAcks - before;
}

describe('tcp_quick_ack = true', () => {
  it('acknowledges each read of a QoS 1 or QoS 2 PUBLISH over TCP at once; counted in /metrics', async () => {
    expect(await quickAcksFor(broker, 'tcp', 1)).toBeGreaterThanOrEqual(20);
    expect(await quickAcksFor(broker, 'tcp', 2, 20, { protocolVersion: 5 })).toBeGreaterThanOrEqual(20);
    const metrics = await (await fetch(`${broker.http}/metrics`)).text();
    const line = metrics.split('\n').find((l) => /^mqtt_tcp_quick_acks_total[ {]/.test(l));
    expect(Number(line?.split(' ').pop())).toBeGreaterThanOrEqual(40);
  });

  it.each(['tls', 'ws', 'wss'] as const)('does the same over %s', async (transport) => {
    expect(await quickAcksFor(broker, transport, 1)).toBeGreaterThanOrEqual(20);
  });

  it('leaves QoS 0 alone: no acknowledgement is owed', async () => {
    expect(await quickAcksFor(broker, 'tcp', 0)).toBe(0);
  });
});

it('tcp_quick_ack = false (the default): no quick ACKs', async () => {
  expect(off.config.network.tcp_quick_ack).toBe(false);
  expect(await quickAcksFor(off, 'tcp', 1)).toBe(0);
});
