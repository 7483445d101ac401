// Bad input over raw sockets: garbage, wrong packet order, silence, unsupported versions and client ids. Each must
// close (or refuse) that connection only, with the protocol's answer, while other clients keep working.
import { beforeAll, describe, expect, it } from 'vitest';
import type { IConnackPacket, IDisconnectPacket, ISubackPacket } from '@robustmq/protocol';
import type { MqttClient } from 'mqtt';
import { collect, connectPacket, RawClient } from '@robustmq/testing';
import { useTestBroker } from '@robustmq/testing/broker';

const broker = useTestBroker({ max_client_id_length: 32, connect_timeout_ms: 1_000 });
let healthy: MqttClient;
let healthyMessages: ReturnType<typeof collect>;
let sent = 0;

beforeAll(async () => {
  healthy = await broker.client({ clientId: 'healthy' });
  healthyMessages = collect(healthy);
  await healthy.subscribeAsync('healthy/#');
});

/** The well-behaved client still gets its messages after each bad connection. */
async function expectHealthyStillWorks(): Promise<void> {
  sent++;
  await healthy.publishAsync('healthy/ping', `ping-${sent}`);
  await healthyMessages.waitFor(sent);
  expect(healthy.connected).toBe(true);
}

async function open(version: 3 | 4 | 5 = 4): Promise<RawClient> {
  return RawClient.open(broker.handle.ports.mqtt, version);
}

describe('malformed input', () => {
  const garbage: [string, Buffer][] = [
    ['reserved packet type', Buffer.from([0x00, 0x00])],
    ['bad protocol name', Buffer.from([0x10, 0x08, 0x00, 0x04, 0x58, 0x58, 0x58, 0x58, 0x04, 0x02])],
    ['remaining length over 4 bytes', Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f])],
    ['random bytes', Buffer.from('deadbeef00ff10203040ffeeddccbbaa99887766554433221100', 'hex')],
  ];
  it.each(garbage)('%s before CONNECT closes that socket only', async (_name, bytes) => {
    const raw = await open();
    raw.socket.write(bytes);
    expect(await raw.closesWithin(2_000)).toBe(true);
    await expectHealthyStillWorks();
  });

  it('garbage after CONNECT closes that socket only', async () => {
    const raw = await open();
    raw.send(connectPacket('garbage-after-connect'));
    await raw.next('connack');
    raw.socket.write(Buffer.from([0xf0, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05]));
    expect(await raw.closesWithin(2_000)).toBe(true);
    await expectHealthyStillWorks();
  });

  it('a packet larger than max_packet_size closes an MQTT 5 connection with DISCONNECT 0x95', async () => {
    const raw = await open(5);
    raw.send(connectPacket('too-large', { version: 5 }), 5);
    await raw.next('connack');
    const size = broker.config.mqtt.max_packet_size + 10;
    raw.send(
      { cmd: 'publish', topic: 'big', payload: Buffer.alloc(size), qos: 0, dup: false, retain: false },
      5,
    );
    const disconnect = (await raw.next('disconnect')) as IDisconnectPacket;
    expect(disconnect.reasonCode).toBe(0x95);
    expect(await raw.closesWithin(2_000)).toBe(true);
    await expectHealthyStillWorks();
  });
});

describe('packet order', () => {
  it('a first packet other than CONNECT closes the socket', async () => {
    const raw = await open();
    raw.send({ cmd: 'pingreq' });
    expect(await raw.closesWithin(2_000)).toBe(true);
    expect(raw.packets).toEqual([]);
  });

  it('a second CONNECT on the same socket closes it', async () => {
    const raw = await open();
    raw.send(connectPacket('twice'));
    expect(((await raw.next('connack')) as IConnackPacket).returnCode).toBe(0);
    raw.send(connectPacket('twice'));
    expect(await raw.closesWithin(2_000)).toBe(true);
    await expectHealthyStillWorks();
  });

  it('a socket that never sends CONNECT is closed after connect_timeout_ms', async () => {
    const raw = await open();
    expect(await raw.closesWithin(3_000)).toBe(true);
  });
});

describe('keep-alive', () => {
  it('closes a connection silent for 1.5 × keep-alive, and keeps one that pings', async () => {
    const silent = await open();
    const started = Date.now();
    silent.send(connectPacket('silent', { keepalive: 1 }));
    await silent.next('connack');
    const pinging = await open();
    pinging.send(connectPacket('pinging', { keepalive: 1 }));
    await pinging.next('connack');
    const timer = setInterval(() => pinging.send({ cmd: 'pingreq' }), 500);
    try {
      expect(await silent.closesWithin(3_000)).toBe(true);
      // MQTT-3.1.2-24: not before 1.5 × keep-alive after the last packet (CONNECT); the broker's one timer wheel
      // (transport/timer-wheel.ts) closes it within about a tick (100 ms) after that
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(1_500);
      expect(elapsed).toBeLessThan(2_500);
      await pinging.next('pingresp');
      expect(pinging.socket.destroyed).toBe(false);
    } finally {
      clearInterval(timer);
      pinging.destroy();
    }
  });

  it('counts 1.5 × keep-alive from the last packet received, and tells an MQTT 5 client why it closes', async () => {
    const raw = await open(5);
    const started = Date.now();
    raw.send(connectPacket('late-ping', { keepalive: 1, version: 5 }));
    await raw.next('connack');
    // one packet at ~1.2 s moves the deadline to ~2.7 s; silence after it
    await new Promise((resolve) => setTimeout(resolve, 1_200 - (Date.now() - started)));
    const pinged = Date.now();
    raw.send({ cmd: 'pingreq' });
    await raw.next('pingresp');
    const disconnect = (await raw.next('disconnect')) as IDisconnectPacket;
    expect(disconnect.reasonCode).toBe(0x8d); // Keep Alive timeout
    expect(Date.now() - pinged).toBeGreaterThanOrEqual(1_500);
    expect(Date.now() - started).toBeLessThan(3_700);
    expect(await raw.closesWithin(2_000)).toBe(true);
  });
});

describe('CONNECT refusals', () => {
  /** A hand-written CONNECT (mqtt-packet refuses to encode these): protocol "MQTT" at `level`, connect flags
   * `flags`, keep-alive 60 s, an empty client id. */
  const rawConnect = (level: number, flags: number) =>
    Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, level, flags, 0x00, 0x3c, 0x00, 0x00]);
  // [the refusal, the protocol version spoken, what the client sends, the CONNACK code]
  const refusals: [string, 3 | 4 | 5, (raw: RawClient) => void, number][] = [
    ['protocol level 6 with CONNACK 0x01', 4, (raw) => raw.socket.write(rawConnect(6, 0x02)), 0x01],
    [
      'an MQTT 3.1 client id longer than 23 bytes with 0x02',
      3,
      (raw) => raw.send(connectPacket('x'.repeat(24), { version: 3 }), 3),
      0x02,
    ],
    [
      'an empty MQTT 3.1.1 client id without clean session with 0x02',
      4,
      (raw) => raw.socket.write(rawConnect(4, 0x00)),
      0x02,
    ],
    [
      'an MQTT 5 client id over max_client_id_length with 0x85',
      5,
      (raw) => raw.send(connectPacket('y'.repeat(33), { version: 5 }), 5),
      0x85,
    ],
  ];

  it.each(refusals)('refuses %s and closes', async (_, version, send, code) => {
    const raw = await open(version);
    send(raw);
    const connack = (await raw.next('connack')) as IConnackPacket;
    expect(version === 5 ? connack.reasonCode : connack.returnCode).toBe(code);
    expect(await raw.closesWithin(2_000)).toBe(true);
  });

  it('accepts an empty MQTT 3.1.1 client id with clean session', async () => {
    const raw = await open();
    raw.send(connectPacket('', { clean: true }));
    expect(((await raw.next('connack')) as IConnackPacket).returnCode).toBe(0x00);
    raw.destroy();
  });
});

describe('SUBSCRIBE validation', () => {
  it('fails only the invalid filters of a SUBSCRIBE (0x80; 0x8F for MQTT 5)', async () => {
    for (const version of [4, 5] as const) {
      const raw = await open(version);
      raw.send(connectPacket(`filters-v${version}`, { version }), version);
      await raw.next('connack');
      raw.send(
        {
          cmd: 'subscribe',
          messageId: 7,
          subscriptions: [
            { topic: 'ok/+', qos: 0 },
            { topic: 'bad#', qos: 0 },
            { topic: 'a/#/b', qos: 1 },
            { topic: 'fine/#', qos: 1 },
          ],
        },
        version,
      );
      const suback = (await raw.next('suback')) as ISubackPacket;
      const failure = version === 5 ? 0x8f : 0x80;
      expect(suback.messageId).toBe(7);
      expect(suback.granted).toEqual([0, failure, failure, 1]);
      raw.destroy();
    }
  });
});
