import { describe, expect, it } from 'vitest';
import { MqttDecoder, encodePacket, type MqttCodecError, type Packet } from '@robustmq/protocol';
import mqttPacket from 'mqtt-packet';

function decoder(maxPacketSize = 1024) {
  const packets: Packet[] = [];
  const errors: MqttCodecError[] = [];
  const d = new MqttDecoder({
    maxPacketSize,
    onPacket: (p) => packets.push(p),
    onError: (e) => errors.push(e),
  });
  return { d, packets, errors };
}

const connect5: Packet = {
  cmd: 'connect',
  protocolId: 'MQTT',
  protocolVersion: 5,
  clean: true,
  clientId: 'c1',
  keepalive: 30,
  properties: { sessionExpiryInterval: 60 },
};

describe('MqttDecoder', () => {
  it('decodes packets split across chunks and several packets in one chunk', () => {
    const { d, packets } = decoder();
    const bytes = Buffer.concat([
      encodePacket(
        { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'c', keepalive: 10 },
        4,
      ),
      encodePacket(
        { cmd: 'publish', topic: 'a/b', payload: Buffer.from('hi'), qos: 0, retain: false, dup: false },
        4,
      ),
      encodePacket({ cmd: 'pingreq' }, 4),
    ]);
    for (let i = 0; i < bytes.length; i += 3) d.push(bytes.subarray(i, i + 3));
    expect(packets.map((p) => p.cmd)).toEqual(['connect', 'publish', 'pingreq']);
  });

  it('rests between whole packets and can then serve another connection with that one’s version', () => {
    const { d, packets } = decoder();
    expect(d.isResting(4)).toBe(true);
    const connect = encodePacket(connect5, 5);
    d.push(connect.subarray(0, 4));
    // half a packet is held: not resting, and refusing to be handed on
    expect(d.isResting(4)).toBe(false);
    expect(() => d.rebind({ maxPacketSize: 1024, onPacket() {}, onError() {} }, 4)).toThrow(/resting/);
    d.push(connect.subarray(4));
    // the CONNECT's version is the decoder's now: resting only for a connection that has taken it too
    expect(d.isResting(4)).toBe(false);
    expect(d.isResting(5)).toBe(true);
    expect(packets.map((p) => p.cmd)).toEqual(['connect']);

    const other = decoder();
    d.rebind(
      { maxPacketSize: 1024, onPacket: (p) => other.packets.push(p), onError: (e) => other.errors.push(e) },
      5,
    );
    const subscribe5 = {
      cmd: 'subscribe',
      messageId: 3,
      subscriptions: [{ topic: 'a/+', qos: 1 }],
      properties: { subscriptionIdentifier: 9 },
    } as Packet;
    d.push(encodePacket(subscribe5, 5));
    expect(packets).toHaveLength(1);
    expect(other.packets).toHaveLength(1);
    expect((other.packets[0] as { properties?: { subscriptionIdentifier?: number } }).properties).toEqual({
      subscriptionIdentifier: 9,
    });
    // a PUBLISH leaves its topic remembered (the per-connection topic string): not resting any more
    d.push(
      encodePacket(
        { cmd: 'publish', topic: 't', payload: Buffer.from('x'), qos: 0, retain: false, dup: false },
        5,
      ),
    );
    expect(d.isResting(5)).toBe(false);
  });

  it('switches to MQTT 5 after a v5 CONNECT so properties of later packets are parsed', () => {
    const { d, packets } = decoder();
    d.push(
      Buffer.concat([
        encodePacket(connect5, 5),
        encodePacket(
          {
            cmd: 'publish',
            topic: 't',
            payload: Buffer.from('x'),
            qos: 1,
            messageId: 7,
            retain: false,
            dup: false,
            properties: { contentType: 'text/plain' },
          },
          5,
        ),
      ]),
    );
    expect(d.protocolVersion).toBe(5);
    expect(packets[1]).toMatchObject({
      cmd: 'publish',
      messageId: 7,
      properties: { contentType: 'text/plain' },
    });
  });

  it('reports malformed input once, as 0x81, and delivers nothing after it', () => {
    const { d, packets, errors } = decoder();
    d.push(Buffer.from([0x10, 0x05, 0x00, 0x04, 0x4d, 0x51, 0x54])); // CONNECT cut short and garbage
    d.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]));
    d.push(encodePacket({ cmd: 'pingreq' }, 4));
    expect(errors.length).toBe(1);
    expect(errors[0]!.reasonCode).toBe(0x81);
    expect(packets).toEqual([]);
  });

  it('rejects a packet larger than the maximum as soon as its header arrives (0x95)', () => {
    const { d, errors } = decoder(100);
    const big = encodePacket(
      { cmd: 'publish', topic: 't', payload: Buffer.alloc(1000), qos: 0, retain: false, dup: false },
      4,
    );
    d.push(big.subarray(0, 10));
    expect(errors.map((e) => e.reasonCode)).toEqual([0x95]);
  });

  it('holds each packet to the spec before mqtt-packet sees it: a v5 PUBREC of remaining length 0 is malformed, not id 0xFFFF', () => {
    const { d, packets, errors } = decoder();
    d.push(encodePacket(connect5, 5));
    d.push(Buffer.from([0x50, 0x00])); // mqtt-packet alone decodes this as PUBREC 0xFFFF
    d.push(encodePacket({ cmd: 'pingreq' }, 5));
    expect(packets.map((p) => p.cmd)).toEqual(['connect']);
    expect(errors.map((e) => [e.reasonCode, e.kind, e.packetType])).toEqual([[0x81, 'ack', 5]]);
  });

  it('names the kind and code of a violation, and the protocol level of a refused CONNECT', () => {
    const cases: [Buffer, number, string][] = [
      [Buffer.from([0xc0, 0x80, 0x00]), 0x81, 'fixed_header'], // remaining length not in its shortest form
      [
        Buffer.from([
          0x10, 0x0e, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x1e, 0x00, 0x3c, 0x00, 0x00, 0x01, 0x63,
        ]),
        0x81,
        'connect',
      ], // Will QoS 3
    ];
    for (const [bytes, reasonCode, kind] of cases) {
      const { d, errors } = decoder();
      d.push(bytes);
      expect(errors.map((e) => [e.reasonCode, e.kind])).toEqual([[reasonCode, kind]]);
    }
    const { d, errors } = decoder();
    d.push(
      Buffer.from([
        0x10, 0x0e, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x1e, 0x00, 0x3c, 0x00, 0x00, 0x01, 0x63,
      ]),
    );
    expect(errors[0]!.connectLevel).toBe(5);
  });

  it('checks UTF-8 on the bytes: a lone surrogate in a topic is refused, a valid multi-byte topic decoded', () => {
    const { d, packets, errors } = decoder();
    d.push(
      encodePacket(
        { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'c', keepalive: 10 },
        4,
      ),
    );
    d.push(
      encodePacket(
        { cmd: 'publish', topic: 'é/€/𝄞', payload: Buffer.from('x'), qos: 0, retain: false, dup: false },
        4,
      ),
    );
    d.push(Buffer.from([0x30, 0x06, 0x00, 0x03, 0xed, 0xa0, 0x80, 0x78])); // U+D800 encoded, which Node would make U+FFFD
    expect(packets.map((p) => (p.cmd === 'publish' ? p.topic : p.cmd))).toEqual(['connect', 'é/€/𝄞']);
    expect(errors.map((e) => [e.reasonCode, e.kind])).toEqual([[0x81, 'utf8']]);
  });
});

describe('encodePacket', () => {
  it('builds no cache of the 65,536 16-bit numbers (~6.5 MB per process) and still encodes them exactly', () => {
    expect(mqttPacket.writeToStream.cacheNumbers).toBe(false);
    expect([...encodePacket({ cmd: 'suback', messageId: 0x1234, granted: [1, 0x80] }, 4)]).toEqual([
      0x90, 4, 0x12, 0x34, 1, 0x80,
    ]);
    const connect = encodePacket(
      {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: 'c',
        keepalive: 0xabcd,
      },
      4,
    );
    expect([...connect.subarray(10, 12)]).toEqual([0xab, 0xcd]);
    expect([
      ...encodePacket(
        {
          cmd: 'publish',
          topic: 'a/b',
          payload: Buffer.from('x'),
          qos: 1,
          messageId: 0xfffe,
          retain: false,
          dup: false,
        },
        4,
      ),
    ]).toEqual([0x32, 8, 0, 3, 0x61, 0x2f, 0x62, 0xff, 0xfe, 0x78]);
  });
});
