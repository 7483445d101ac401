// The shared PUBLISH encoding: one encoding per wire variant, and packet ids patched into copies correctly for
// MQTT 3.1.1 and 5 (with properties, and with a multi-byte remaining length).
import mqttPacket from 'mqtt-packet';
import { encodePacket, type IPublishPacket, type Packet, type QoS } from '@robustmq/protocol';
import { describe, expect, it } from 'vitest';
import { OutgoingPublish, withPacketId } from '../src/packets/outgoing-publish.js';

function decode(bytes: Buffer, protocolVersion: number): IPublishPacket {
  const parser = mqttPacket.parser({ protocolVersion });
  let packet: Packet | undefined;
  parser.on('packet', (p: Packet) => (packet = p));
  parser.on('error', (err: Error) => {
    throw err;
  });
  parser.parse(bytes);
  return packet as IPublishPacket;
}

describe('OutgoingPublish', () => {
  const message = new OutgoingPublish('sensors/ü/temp', Buffer.alloc(300, 7), 1, true, {
    contentType: 'application/octet-stream',
    userProperties: { a: 'b' },
  });

  it('encodes each variant once and reuses it', () => {
    expect(message.bytes(false, 0, false)).toBe(message.bytes(false, 0, false));
    expect(message.bytes(true, 1, false)).not.toBe(message.bytes(false, 1, false));
  });

  it.each([
    [false, 4],
    [true, 5],
  ] as const)('patches packet ids into copies (v5=%s)', (v5, version) => {
    const template = message.bytes(v5, 1, false);
    const first = decode(withPacketId(template, 0x1234), version);
    const second = decode(withPacketId(template, 65535), version);
    expect(first).toMatchObject({ topic: 'sensors/ü/temp', qos: 1, retain: false, messageId: 0x1234 });
    expect(second.messageId).toBe(65535);
    expect(Buffer.compare(first.payload as Buffer, Buffer.alloc(300, 7))).toBe(0);
    if (v5)
      expect(first.properties).toMatchObject({
        contentType: 'application/octet-stream',
        userProperties: { a: 'b' },
      });
    else expect(first.properties).toBeUndefined();
    // the shared template is untouched
    expect(decode(template, version).messageId).toBe(1);
  });

  it.each([
    ['a/b', 0],
    ['sensors/ü/温度', 64],
    ['t', 127 - 5],
    ['t', 200],
    ['x/'.repeat(100), 20_000],
    ['big', 2_200_000],
  ])(
    'encodes a PUBLISH without properties exactly as mqtt-packet does (topic %s, %i payload bytes)',
    (topic, size) => {
      for (const v5 of [false, true]) {
        for (const qos of [0, 1, 2] as QoS[]) {
          for (const retain of [false, true]) {
            const payload = Buffer.alloc(size, 3);
            const ours = new OutgoingPublish(topic, payload, 2, true, undefined).bytes(v5, qos, retain);
            const theirs = encodePacket(
              {
                cmd: 'publish',
                topic,
                payload,
                qos,
                retain,
                dup: false,
                ...(qos > 0 ? { messageId: 1 } : {}),
              },
              v5 ? 5 : 4,
            );
            expect(ours.equals(theirs)).toBe(true);
          }
        }
      }
    },
  );

  it("sends a PUBLISH on as received where the variant is the publisher's own, and encodes every other variant", () => {
    for (const v5 of [false, true]) {
      const payload = Buffer.from('on as received');
      const wire = encodePacket(
        { cmd: 'publish', topic: 'a/b', payload, qos: 1, messageId: 77, retain: true, dup: false },
        v5 ? 5 : 4,
      );
      const received = new OutgoingPublish('a/b', payload, 1, true, undefined);
      received.adoptWire(wire, v5);
      expect(received.bytes(v5, 1, true)).toBe(wire);
      const fresh = new OutgoingPublish('a/b', payload, 1, true, undefined);
      for (const [qos, retain] of [
        [1, false],
        [0, false],
        [0, true],
      ] as const) {
        expect(received.bytes(v5, qos, retain).equals(fresh.bytes(v5, qos, retain))).toBe(true);
      }
      expect(received.bytes(!v5, 1, true).equals(fresh.bytes(!v5, 1, true))).toBe(true);
      // a resend (DUP) is not what subscribers get: encoded anew
      const dup = Buffer.from(wire);
      dup[0] = dup[0]! | 0x08;
      const resent = new OutgoingPublish('a/b', payload, 1, true, undefined);
      resent.adoptWire(dup, v5);
      expect(resent.bytes(v5, 1, true).equals(fresh.bytes(v5, 1, true))).toBe(true);
      expect(decode(withPacketId(received.bytes(v5, 1, true), 9), v5 ? 5 : 4)).toMatchObject({
        topic: 'a/b',
        qos: 1,
        retain: true,
        dup: false,
        messageId: 9,
      });
    }
  });
});
