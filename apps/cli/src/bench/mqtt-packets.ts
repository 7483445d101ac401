// Pre-encoded MQTT 3.1.1 packets for the load generator: each template is built once with mqtt-packet's `generate`
// and then only copied and patched (packet id, timestamp), so encoding never costs the load process CPU per message.
import mqttPacket from 'mqtt-packet';
import { FrameError } from './frame-reader.js';

export const BENCH_TOPIC = 'robust-bench/mqtt';

export function connectPacket(clientId: string, keepAliveSeconds: number): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId,
    keepalive: keepAliveSeconds,
  });
}

export function subscribePacket(topic: string, qos: 0 | 1, messageId = 1): Buffer {
  return mqttPacket.generate({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos }] });
}

/** A PUBLISH template plus where its packet id and payload sit, for patching copies in place. */
export interface PublishTemplate {
  bytes: Buffer;
  qos: 0 | 1;
  /** offset of the 2-byte packet id (QoS 1 only; -1 for QoS 0) */
  packetIdOffset: number;
  payloadOffset: number;
}

export function publishTemplate(topic: string, qos: 0 | 1, payloadBytes: number): PublishTemplate {
  // a recognisable filler, so a captured payload is easy to tell apart from garbage
  const payload = Buffer.alloc(payloadBytes, 0x2e);
  const bytes = mqttPacket.generate({
    cmd: 'publish',
    topic,
    payload,
    qos,
    dup: false,
    retain: false,
    ...(qos === 1 ? { messageId: 1 } : {}),
  });
  const payloadOffset = bytes.length - payloadBytes;
  return { bytes, qos, packetIdOffset: qos === 1 ? payloadOffset - 2 : -1, payloadOffset };
}

/** `count` copies of a template back to back: one socket write carries many messages. */
export function repeatTemplate(template: PublishTemplate, count: number): Buffer {
  const size = template.bytes.length;
  const out = Buffer.allocUnsafe(size * count);
  for (let i = 0; i < count; i++) template.bytes.copy(out, i * size);
  return out;
}

/** PUBACKs for the given packet ids, in one buffer so a whole chunk's worth goes out in one write. */
export function pubackBatch(ids: number[]): Buffer {
  const out = Buffer.allocUnsafe(ids.length * 4);
  for (let i = 0; i < ids.length; i++) {
    const o = i * 4;
    const id = ids[i]!;
    out[o] = 0x40;
    out[o + 1] = 2;
    out[o + 2] = id >> 8;
    out[o + 3] = id & 0xff;
  }
  return out;
}

/** The return code of a CONNACK body (0 = accepted). */
export function connackReturnCode(buf: Buffer, bodyStart: number, bodyEnd: number): number {
  if (bodyEnd - bodyStart < 2) throw new FrameError('CONNACK shorter than 2 bytes');
  return buf[bodyStart + 1]!;
}

/** The granted QoS (or 0x80 failure) of the first filter of a SUBACK body. */
export function subackFirstGrant(buf: Buffer, bodyStart: number, bodyEnd: number): number {
  if (bodyEnd - bodyStart < 3) throw new FrameError('SUBACK shorter than 3 bytes');
  return buf[bodyStart + 2]!;
}
