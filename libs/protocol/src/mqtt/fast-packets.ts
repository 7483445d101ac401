// Direct decoding of the packets every message crosses — PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP — from bytes the
// strict validator (validate.ts) has already accepted, into the very objects mqtt-packet would build (same fields,
// same values; test/fast-packets.test.ts compares them). mqtt-packet's general parser costs several times more per
// packet (a state machine over a BufferList, a `debug()` call per field, a property walk), and these packets are
// nearly all of a broker's input. Anything with MQTT 5 properties is left to mqtt-packet: the caller falls back
// when this returns undefined. A fast-decoded PUBLISH also carries `wire`, its own bytes (WirePublish): without
// properties they are exactly what an encoder would write for the same version, QoS and flags.
import type { IPublishPacket, Packet } from 'mqtt-packet';
import type { MqttVersion } from './validate.js';

/** The last topic a connection published to. A repeat — the usual case — gets the same string back instead of a newly
 * decoded one: one allocation less per message, and a string whose hash V8 has already computed for every map the
 * broker looks it up in (routing, topic statistics). */
export class LastTopic {
  /** a copy of the topic's bytes (never a view of a socket chunk, which it would keep alive) */
  bytes: Buffer | undefined = undefined;
  topic = '';
}

/** A PUBLISH from the fast path: its fields plus the packet's bytes as received (a view, no copy). */
export type WirePublish = IPublishPacket & { wire?: Buffer };

/** topics longer than this are decoded every time rather than remembered */
const LAST_TOPIC_MAX_BYTES = 256;

const ACK_COMMANDS = [
  undefined,
  undefined,
  undefined,
  undefined,
  'puback',
  'pubrec',
  'pubrel',
  'pubcomp',
] as const;

/**
 * The packet of type 3..7 in `bytes` (one whole, validated packet whose fixed header is `headerLength` bytes), or
 * undefined when it carries MQTT 5 properties. Only to be called on packets validateMqttPacket() accepted: lengths
 * and fields are not checked again.
 */
export function decodeFastPacket(
  bytes: Buffer,
  headerLength: number,
  type: number,
  version: MqttVersion,
  lastTopic?: LastTopic,
): Packet | undefined {
  const length = bytes.length - headerLength;
  if (type === 3) return decodePublish(bytes, headerLength, length, version, lastTopic);
  // PUBACK/PUBREC/PUBREL/PUBCOMP: packet id, then (MQTT 5) an optional reason code and optional properties
  if (length > 3) return undefined;
  const messageId = (bytes[headerLength]! << 8) | bytes[headerLength + 1]!;
  const cmd = ACK_COMMANDS[type]!;
  // PUBREL's fixed flags 0b0010 read as QoS 1, as mqtt-packet reads them
  const qos = type === 6 ? 1 : 0;
  const packet: Record<string, unknown> = {
    cmd,
    retain: false,
    qos,
    dup: false,
    length,
    topic: null,
    payload: null,
    messageId,
  };
  // MQTT 5 adds a reason code (0 when the packet is only two bytes long)
  if (version === 5) packet['reasonCode'] = length === 3 ? bytes[headerLength + 2]! : 0;
  return packet as unknown as Packet;
}

function decodePublish(
  bytes: Buffer,
  headerLength: number,
  length: number,
  version: MqttVersion,
  lastTopic: LastTopic | undefined,
): IPublishPacket | undefined {
  const flags = bytes[0]!;
  const qos = ((flags >> 1) & 0x03) as 0 | 1 | 2;
  const retain = (flags & 0x01) !== 0;
  const dup = (flags & 0x08) !== 0;
  const topicStart = headerLength + 2;
  const topicBytes = (bytes[headerLength]! << 8) | bytes[headerLength + 1]!;
  let at = topicStart + topicBytes;
  let topic: string;
  const known = lastTopic?.bytes;
  if (known !== undefined && known.length === topicBytes && sameBytes(bytes, topicStart, known)) {
    topic = lastTopic!.topic;
  } else {
    topic = bytes.toString('utf8', topicStart, at);
    if (lastTopic !== undefined && topicBytes <= LAST_TOPIC_MAX_BYTES) {
      lastTopic.bytes = Buffer.from(bytes.subarray(topicStart, at));
      lastTopic.topic = topic;
    }
  }
  let messageId = 0;
  if (qos > 0) {
    messageId = (bytes[at]! << 8) | bytes[at + 1]!;
    at += 2;
  }
  if (version === 5) {
    if (bytes[at] !== 0) return undefined; // properties: mqtt-packet decodes them
    at += 1;
  }
  const payload = bytes.subarray(at);
  // `wire`: the packet's own bytes, which a broker may send on as they are to subscribers of the same variant
  if (qos === 0)
    return { cmd: 'publish', retain, qos, dup, length, topic, payload, wire: bytes } as IPublishPacket;
  return {
    cmd: 'publish',
    retain,
    qos,
    dup,
    length,
    topic,
    payload,
    messageId,
    wire: bytes,
  } as IPublishPacket;
}

function sameBytes(bytes: Buffer, at: number, known: Buffer): boolean {
  for (let i = 0; i < known.length; i++) if (bytes[at + i] !== known[i]) return false;
  return true;
}
