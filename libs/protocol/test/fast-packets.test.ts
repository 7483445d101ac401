// The fast path of the decoder (src/mqtt/fast-packets.ts) must build exactly what mqtt-packet builds: every PUBLISH
// and acknowledgement shape of MQTT 3.1, 3.1.1 and 5 goes through MqttDecoder and through a bare mqtt-packet parser,
// and the two packets must have the same fields with the same values (and the payload the same bytes).
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { MqttDecoder, encodePacket, type MqttVersion, type Packet } from '@robustmq/protocol';

function connect(version: MqttVersion): Packet {
  return {
    cmd: 'connect',
    protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
    protocolVersion: version,
    clean: true,
    clientId: 'fast',
    keepalive: 30,
  };
}

/** Decodes `packets` after a CONNECT of `version`, once with MqttDecoder and once with mqtt-packet alone. */
function both(version: MqttVersion, packets: Packet[]): { ours: Packet[]; reference: Packet[] } {
  const bytes = Buffer.concat([connect(version), ...packets].map((p) => encodePacket(p, version)));
  const ours: Packet[] = [];
  const errors: Error[] = [];
  const d = new MqttDecoder({
    maxPacketSize: 1 << 20,
    onPacket: (p) => ours.push(p),
    onError: (e) => errors.push(e),
  });
  d.push(bytes);
  expect(errors).toEqual([]);
  const reference: Packet[] = [];
  const parser = mqttPacket.parser({ protocolVersion: version });
  parser.on('packet', (p: Packet) => reference.push(p));
  parser.parse(bytes);
  return { ours: ours.slice(1), reference: reference.slice(1) };
}

/** A decoder past a v4 CONNECT: what it decodes lands in `got` (the CONNECT first); a decoding error throws. */
function connectedDecoder(): { d: MqttDecoder; got: Packet[] } {
  const got: Packet[] = [];
  const d = new MqttDecoder({
    maxPacketSize: 1024,
    onPacket: (p) => got.push(p),
    onError: (e) => {
      throw e;
    },
  });
  d.push(encodePacket(connect(4), 4));
  return { d, got };
}

function expectSame(ours: Packet[], reference: Packet[], version: MqttVersion): void {
  expect(ours.length).toBe(reference.length);
  for (let i = 0; i < ours.length; i++) {
    const { wire, ...a } = ours[i] as unknown as Record<string, unknown>;
    // only the fast path adds the packet's own bytes; they must re-encode to themselves
    if (wire !== undefined)
      expect(Buffer.compare(wire as Buffer, encodePacket(reference[i]!, version))).toBe(0);
    const b = reference[i] as unknown as Record<string, unknown>;
    expect(Object.keys(a).sort(), JSON.stringify(b)).toEqual(Object.keys(b).sort());
    for (const key of Object.keys(b)) {
      if (Buffer.isBuffer(b[key])) expect(Buffer.compare(a[key] as Buffer, b[key] as Buffer), key).toBe(0);
      else expect(a[key], key).toEqual(b[key]);
    }
  }
}

const publishes = (v5Properties: boolean): Packet[] => [
  { cmd: 'publish', topic: 'a/b', payload: Buffer.from('hello'), qos: 0, retain: false, dup: false },
  { cmd: 'publish', topic: 'a/b', payload: Buffer.alloc(0), qos: 0, retain: true, dup: false },
  {
    cmd: 'publish',
    topic: 'sensors/∂/温度',
    payload: Buffer.alloc(300, 7),
    qos: 1,
    messageId: 1,
    retain: false,
    dup: true,
  },
  {
    cmd: 'publish',
    topic: 'x',
    payload: Buffer.from('q2'),
    qos: 2,
    messageId: 65535,
    retain: true,
    dup: false,
  },
  ...(v5Properties
    ? ([
        {
          cmd: 'publish',
          topic: 'p',
          payload: Buffer.from('x'),
          qos: 1,
          messageId: 9,
          retain: false,
          dup: false,
          properties: { contentType: 'text/plain', userProperties: { a: 'b' } },
        },
        {
          cmd: 'publish',
          topic: '',
          payload: Buffer.from('y'),
          qos: 0,
          retain: false,
          dup: false,
          properties: { topicAlias: 3 },
        },
      ] as Packet[])
    : []),
];

const acks = (version: MqttVersion): Packet[] =>
  (['puback', 'pubrec', 'pubrel', 'pubcomp'] as const).flatMap((cmd) => [
    { cmd, messageId: 42 } as Packet,
    ...(version === 5
      ? ([
          { cmd, messageId: 43, reasonCode: cmd === 'puback' || cmd === 'pubrec' ? 0x10 : 0x92 },
          {
            cmd,
            messageId: 44,
            reasonCode: cmd === 'puback' || cmd === 'pubrec' ? 0x80 : 0x92,
            properties: { reasonString: 'why' },
          },
        ] as Packet[])
      : []),
  ]);

describe('the fast path for PUBLISH and acknowledgements', () => {
  for (const version of [3, 4, 5] as const) {
    it(`builds what mqtt-packet builds, MQTT ${version === 3 ? '3.1' : version === 4 ? '3.1.1' : '5'}`, () => {
      const { ours, reference } = both(version, [...publishes(version === 5), ...acks(version)]);
      expectSame(ours, reference, version);
    });
  }

  it('gives a PUBLISH payload that is a view of the received bytes, not a copy', () => {
    const bytes = encodePacket(
      {
        cmd: 'publish',
        topic: 't',
        payload: Buffer.from('abc'),
        qos: 1,
        messageId: 5,
        retain: false,
        dup: false,
      },
      4,
    );
    const { d, got } = connectedDecoder();
    d.push(bytes);
    const payload = (got[1] as { payload: Buffer }).payload;
    expect(payload.toString()).toBe('abc');
    expect(payload.buffer).toBe(bytes.buffer);
  });

  it('ends the connection, not the process, when the packet handler throws', () => {
    const errors: Error[] = [];
    let calls = 0;
    const d = new MqttDecoder({
      maxPacketSize: 1024,
      onPacket: () => {
        if (++calls === 2) throw new Error('handler bug');
      },
      onError: (e) => errors.push(e),
    });
    d.push(encodePacket(connect(4), 4));
    d.push(encodePacket({ cmd: 'puback', messageId: 1 }, 4));
    d.push(encodePacket({ cmd: 'puback', messageId: 2 }, 4));
    expect(calls).toBe(2);
    expect(errors.map((e) => e.message)).toEqual(['handler bug']);
  });
});

describe('the last PUBLISH topic of a connection', () => {
  it('is given back as the same string while it repeats, and decoded anew when it changes', () => {
    const { d, got } = connectedDecoder();
    const publish = (topic: string) =>
      encodePacket(
        { cmd: 'publish', topic, payload: Buffer.from('x'), qos: 0, retain: false, dup: false },
        4,
      );
    // each from a buffer of its own, so a match can only come from the remembered bytes
    for (const topic of ['a/b', 'a/b', 'a/c', 'a/b', 'a/b', 'ä/b']) d.push(Buffer.from(publish(topic)));
    const topics = got.slice(1).map((p) => (p as { topic: string }).topic);
    expect(topics).toEqual(['a/b', 'a/b', 'a/c', 'a/b', 'a/b', 'ä/b']);
  });
});
