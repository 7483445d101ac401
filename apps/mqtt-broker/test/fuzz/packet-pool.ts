// Valid MQTT packets for the fuzzer, encoded once per protocol version and reused: CONNECT variants, and what a
// client may send after CONNECT (PUBLISH at every QoS with and without MQTT 5 properties and topic aliases, the
// acknowledgements, SUBSCRIBE including shared and identified subscriptions, UNSUBSCRIBE, PINGREQ, AUTH), plus
// packets only a server may send — valid bytes in the wrong place.
import { encodePacket, type MqttVersion, type Packet } from '@robustmq/protocol';
import type { Prng } from './prng.js';

export interface PacketPool {
  version: MqttVersion;
  /** packets a well-behaved client may send after CONNECT. */
  afterConnect: Buffer[];
  /** well-formed packets that break a protocol rule (bad aliases, AUTH, No Local on a shared subscription). */
  violations: Buffer[];
  serverOnly: Buffer[];
}

const TOPICS = ['fuzz/a', 'fuzz/b/c', 'fuzz/+bad', '$delayed/1/fuzz/d', 'fuzz/€/ünï', '$SYS/fuzz', 'fuzz'];
const FILTERS = ['sub/+/x', 'sub/#', '$share/g/sub/t', '$share/g', '+/+/+', 'fuzz/a', 'a/#/b'];

export function connectPacket(version: MqttVersion, clientId: string, prng: Prng): Buffer {
  const packet: Packet = {
    cmd: 'connect',
    protocolVersion: version,
    protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
    clientId,
    clean: prng.chance(0.8),
    keepalive: 2,
    ...(prng.chance(0.2)
      ? {
          will: {
            topic: 'fuzz/will',
            payload: Buffer.from('bye'),
            qos: prng.int(3) as 0 | 1 | 2,
            retain: false,
          },
        }
      : {}),
    ...(version === 5
      ? {
          properties: {
            sessionExpiryInterval: prng.int(3),
            topicAliasMaximum: prng.int(4),
            receiveMaximum: 1 + prng.int(20),
            maximumPacketSize: prng.chance(0.3) ? 64 + prng.int(200) : 1 << 20,
          },
        }
      : {}),
  } as Packet;
  return encodePacket(packet, version);
}

export function buildPool(version: MqttVersion, prng: Prng): PacketPool {
  const v5 = version === 5;
  const packets: Packet[] = [];
  const violations: Packet[] = [];
  for (let i = 0; i < 120; i++) {
    const qos = prng.int(3) as 0 | 1 | 2;
    const withAlias = v5 && prng.chance(0.2);
    const aliasOnly = withAlias && prng.chance(0.5);
    (aliasOnly ? violations : packets).push({
      cmd: 'publish',
      topic: aliasOnly ? '' : prng.pick(TOPICS).replace('+bad', 'ok'),
      payload: prng.bytes(prng.int(64)),
      qos,
      dup: false,
      retain: prng.chance(0.05),
      ...(qos > 0 ? { messageId: 1 + prng.int(200) } : {}),
      ...(v5
        ? {
            properties: {
              ...(withAlias ? { topicAlias: 1 + prng.int(10) } : {}),
              ...(prng.chance(0.3)
                ? {
                    userProperties: { k: 'v' },
                    contentType: 'x/y',
                    responseTopic: 'fuzz/r',
                    correlationData: prng.bytes(4),
                  }
                : {}),
              ...(prng.chance(0.1)
                ? { messageExpiryInterval: prng.int(5), payloadFormatIndicator: true }
                : {}),
            },
          }
        : {}),
    } as Packet);
  }
  for (let i = 0; i < 30; i++) {
    const messageId = 1 + prng.int(200);
    packets.push({ cmd: prng.pick(['puback', 'pubrec', 'pubrel', 'pubcomp'] as const), messageId } as Packet);
  }
  for (let i = 0; i < 20; i++) {
    packets.push({
      cmd: 'subscribe',
      messageId: 1 + prng.int(1000),
      subscriptions: [
        {
          topic: prng.pick(FILTERS),
          qos: prng.int(3) as 0 | 1 | 2,
          ...(v5 ? { nl: false, rap: prng.chance(0.5), rh: prng.int(3) } : {}),
        },
      ],
      ...(v5 && prng.chance(0.3) ? { properties: { subscriptionIdentifier: 1 + prng.int(100) } } : {}),
    } as Packet);
    packets.push({
      cmd: 'unsubscribe',
      messageId: 1 + prng.int(1000),
      unsubscriptions: [prng.pick(FILTERS)],
    } as Packet);
  }
  for (let i = 0; i < 40; i++) packets.push({ cmd: 'pingreq' });
  if (v5) {
    violations.push({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'x' } } as Packet);
    violations.push({
      cmd: 'publish',
      topic: 'fuzz/a',
      payload: Buffer.alloc(0),
      qos: 0,
      dup: false,
      retain: false,
      properties: { topicAlias: 11 },
    } as Packet);
    violations.push({
      cmd: 'subscribe',
      messageId: 7,
      subscriptions: [{ topic: '$share/g/t', qos: 0, nl: true, rap: false, rh: 0 }],
    } as Packet);
  }
  violations.push({
    cmd: 'publish',
    topic: '$delayed/x/fuzz',
    payload: Buffer.alloc(1),
    qos: 1,
    messageId: 9,
    dup: false,
    retain: false,
  } as Packet);
  const serverOnly: Packet[] = [
    (v5
      ? { cmd: 'connack', reasonCode: 0, sessionPresent: false }
      : { cmd: 'connack', returnCode: 0, sessionPresent: false }) as Packet,
    { cmd: 'suback', messageId: 1, granted: [0] } as Packet,
    (v5 ? { cmd: 'unsuback', messageId: 1, granted: [0] } : { cmd: 'unsuback', messageId: 1 }) as Packet,
    { cmd: 'pingresp' },
  ];
  return {
    version,
    afterConnect: packets.map((p) => encodePacket(p, version)),
    violations: violations.map((p) => encodePacket(p, version)),
    serverOnly: serverOnly.map((p) => encodePacket(p, version)),
  };
}
