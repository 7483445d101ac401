// `[limits]` against real brokers and real clients: the connect rate per address (sockets over it are closed before
// any byte is read), flapping detection (a client id that reconnects too often is refused with 0x8A Banned / 0x05
// until its ban ends), and the publish rate and bandwidth of one connection (the broker stops reading: the publisher
// is slowed down, nothing is lost). Each refusal is counted in /metrics as mqtt_limit_hits_total.
import { describe, expect, it } from 'vitest';
import type { IConnackPacket } from '@robustmq/protocol';
import { RawClient, collect, connectPacket, mqttClients, sleep, testScope } from '@robustmq/testing';
import { startTestBroker, type TestBroker } from '@robustmq/testing/broker';

async function limitHits(broker: TestBroker, limit: string, scope: string): Promise<number> {
  const text = await (await fetch(`${broker.http}/metrics`)).text();
  const match = new RegExp(`mqtt_limit_hits_total\\{limit="${limit}",scope="${scope}"[^}]*\\} (\\d+)`).exec(
    text,
  );
  return match ? Number(match[1]) : 0;
}

describe('connect rate per address', () => {
  const scope = testScope();

  it('closes sockets from an address over its rate before reading a byte, and lets it in again later', async () => {
    const broker = scope.add(
      await startTestBroker(
        {},
        { storage: 'memory', sections: { limits: { connect_rate: 2, connect_burst: 3 } } },
      ),
    );
    const port = broker.handle.ports.mqtt;
    const sockets = await Promise.all(Array.from({ length: 6 }, () => RawClient.open(port, 4, scope)));
    const closed = await Promise.all(sockets.map((s) => s.closesWithin(500)));
    // the burst of 3 is let in, the other 3 are closed at once
    expect(closed.filter(Boolean)).toHaveLength(3);
    expect(closed.slice(0, 3)).toEqual([false, false, false]);
    expect(await limitHits(broker, 'connect_rate', 'tcp')).toBe(3);

    // tokens come back at the rate: after a second, two more connections (and a real CONNECT) go through
    await sleep(1_100);
    const again = await RawClient.open(port, 4, scope);
    again.send(connectPacket('after-the-wait'));
    expect(((await again.next('connack')) as IConnackPacket).returnCode).toBe(0);
  });
});

describe('flapping detection and publish limits', () => {
  const scope = testScope();
  let broker: TestBroker;
  const client = mqttClients(scope, () => broker.url);

  it('bans a client id that connects more than flapping_max_connects times in the window, until the ban ends', async () => {
    broker = scope.add(
      await startTestBroker(
        {},
        {
          storage: 'memory',
          sections: {
            limits: {
              flapping_max_connects: 3,
              flapping_window_s: 30,
              flapping_ban_s: 1,
              publish_rate: 40,
              publish_burst: 10,
              publish_bytes_rate: 40_000,
              publish_bytes_burst: 8_000,
            },
          },
        },
      ),
    );
    const port = broker.handle.ports.mqtt;
    const attempt = async (version: 4 | 5): Promise<IConnackPacket> => {
      const raw = await RawClient.open(port, version, scope);
      raw.send(connectPacket('flapper', { version }), version);
      const connack = (await raw.next('connack')) as IConnackPacket;
      raw.destroy();
      await raw.closed;
      return connack;
    };
    for (let i = 0; i < 3; i++) expect((await attempt(4)).returnCode).toBe(0);
    // the fourth within the window bans the id: MQTT 5 hears "Banned" (0x8A), 3.1.1 "not authorized" (5)
    expect((await attempt(5)).reasonCode).toBe(0x8a);
    expect((await attempt(4)).returnCode).toBe(5);
    // another client id is not affected
    const other = await RawClient.open(port, 4, scope);
    other.send(connectPacket('steady'));
    expect(((await other.next('connack')) as IConnackPacket).returnCode).toBe(0);
    expect(await limitHits(broker, 'flapping', 'connect')).toBe(2);

    await sleep(1_100);
    expect((await attempt(4)).returnCode).toBe(0);
  });

  it('slows a publisher down to publish_rate without losing a message', async () => {
    const sub = await client({ clientId: 'rate-sub' });
    const got = collect(sub);
    await sub.subscribeAsync('rate/#', { qos: 1 });
    const pub = await client({ clientId: 'rate-pub' });
    const count = 60; // burst 10, then 40/s: the last one cannot arrive before ~1.25 s
    const started = Date.now();
    await Promise.all(
      Array.from({ length: count }, (_, i) => pub.publishAsync(`rate/${i}`, `m${i}`, { qos: 1 })),
    );
    await got.waitFor(count, 10_000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(new Set(got.messages.map((m) => m.payload)).size).toBe(count);
    expect(await limitHits(broker, 'publish_rate', 'publish')).toBeGreaterThan(0);
  });

  it('slows a publisher down to publish_bytes_rate without losing a message', async () => {
    const sub = await client({ clientId: 'bytes-sub' });
    const got = collect(sub);
    await sub.subscribeAsync('bytes/#', { qos: 1 });
    const pub = await client({ clientId: 'bytes-pub' });
    const payload = Buffer.alloc(4_000, 1);
    // 12 × 4 KB = 48 KB: 8 KB of burst, then 40 KB/s — about a second; the message rate (burst 10, 40/s) is not the
    // limit here
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => pub.publishAsync(`bytes/${i}`, payload, { qos: 1 })),
    );
    await got.waitFor(12, 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(await limitHits(broker, 'publish_bytes_rate', 'publish')).toBeGreaterThan(0);
  });
});
